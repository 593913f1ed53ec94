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

// A label unseen in training is an error by default; with UnknownZero (the
// --unknown-level zero flag) all its one-hot inputs are 0.
func ExampleSchema_WithPolicies() {
	table := "species,mass\nGentoo,5000\nAdelie,3450\n"
	s, _, _, err := encode.ReadTrainFrom(strings.NewReader(table), "t.csv", encode.Options{
		X: []string{"species"}, Y: []string{"mass"}, Categorical: []string{"species"},
	})
	if err != nil {
		log.Fatal(err)
	}
	_, err = s.Encode([]string{"Chinstrap"}, nil)
	fmt.Println(err)
	z, err := s.WithPolicies(encode.UnknownZero, "") // "": keep the missing-cell policy
	if err != nil {
		log.Fatal(err)
	}
	x, err := z.Encode([]string{"Chinstrap"}, nil)
	fmt.Println(z.Names(), x, err)
	// Output:
	// data: column "species": level "Chinstrap" was not seen in training (level not seen in training; data.unknown_level: zero, or --unknown-level zero, encodes it as all zeros)
	// [species=Adelie species=Gentoo] [0 0] <nil>
}
