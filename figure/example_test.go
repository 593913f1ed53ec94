package figure_test

import (
	"bytes"
	"fmt"
	"image/png"
	"log"

	"github.com/mdn-go/mdn/encode"
	"github.com/mdn-go/mdn/figure"
	"github.com/mdn-go/mdn/model"
)

// A figure of a model on a data set: everything is checked and computed
// before the returned function writes the PNG, so a caller opens its output
// only when there is something to write.
func ExampleQuantiles() {
	m, err := model.Load("../model/testdata/v3-ex1d.json")
	if err != nil {
		log.Fatal(err)
	}
	d, _, err := encode.Read("../testdata/ex1d_test.csv", m.Schema(), m.YNames)
	if err != nil {
		log.Fatal(err)
	}
	draw, err := figure.Quantiles(m, d, 0, 0, nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	var buf bytes.Buffer
	if err := draw(&buf); err != nil {
		log.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(img.Bounds().Size()) // the legend is right of the data area
	// Output:
	// (720,450)
}

// A figure that does not fit the model is an error before anything is
// drawn: the default figure needs one covariate and one response.
func ExampleDefault_error() {
	m, err := model.Load("../model/testdata/v3-ring2d.json")
	if err != nil {
		log.Fatal(err)
	}
	d, _, err := encode.Read("../testdata/ring2d_test.csv", m.Schema(), m.YNames)
	if err != nil {
		log.Fatal(err)
	}
	_, err = figure.Default(m, d, 0, nil, nil, false)
	fmt.Println(err)
	// Output:
	// the default figure needs one covariate and one response column, the model has 1 and 2 (use --kind scatter for d > 1)
}
