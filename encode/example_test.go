package encode_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/mdn-go/mdn/encode"
)

// A training table with a label column and missing cells: the schema
// fitted to it encodes new rows exactly as the training rows.
func ExampleReadTrainFrom() {
	table := "species,bill,mass\nGentoo,46.1,5000\nAdelie,NA,3450\nNA,39.1,3750\n"
	s, d, rep, err := encode.ReadTrainFrom(strings.NewReader(table), "t.csv", encode.Options{
		X: []string{"species", "bill"}, Y: []string{"mass"},
		Categorical: []string{"species"}, Missing: encode.MissingImpute,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.XNames, rep)
	x, err := s.Encode([]string{"Adelie", "NA"}, nil) // a new row: fields in the order of s.ColumnNames()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(x)
	// Output:
	// [species=Adelie species=Gentoo species:missing bill bill:missing] imputed 2 missing covariate cells
	// [1 0 0 42.6 1]
}
