package config_test

import (
	"fmt"
	"strings"

	"github.com/mdn-go/mdn/config"
)

// A config needs only its data section; every other key keeps its default
// (docs/config.md).
func ExampleDecode() {
	yaml := "data:\n  train: ex1d_train.csv\n  x: [x]\n  y: [y]\nmodel:\n  components: 3\n"
	// The data path is resolved against the config's directory, here the
	// repository's testdata (Validate checks that the file exists).
	c, err := config.Decode(strings.NewReader(yaml), "ex.yaml", "../testdata")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Data.Train, c.Model.Components, c.Model.Hidden, c.Train.Steps, c.Train.Ensemble)
	// Output:
	// ../testdata/ex1d_train.csv 3 [64 64] 2000 10
}

// Decoding is strict: an unknown key is an error naming the file, the line
// and the key's path.
func ExampleDecode_unknownKey() {
	yaml := "data:\n  train: ex1d.csv\n  x: [x]\n  y: [y]\ntrain:\n  step: 100\n"
	_, err := config.Decode(strings.NewReader(yaml), "ex.yaml", "")
	fmt.Println(err)
	// Output:
	// config: ex.yaml: line 6: field "step" not found in train
}

// Validation reports every problem, each with its key path.
func ExampleConfig_Validate() {
	c := config.Default()
	c.Data.Train, c.Data.X, c.Data.Y = "../testdata/ex1d_train.csv", []string{"x"}, []string{"y"}
	c.Train.BatchSize = -1
	c.Model.Components = 0
	fmt.Println(c.Validate())
	// Output:
	// model.components: must be ≥ 1, got 0
	// train.batch_size: must be ≥ 0, got -1
}
