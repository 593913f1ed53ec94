// Command mdn trains, samples, evaluates and plots Mixture Density Networks.
//
//	mdn gen ex1d --out ex1d.csv
//	mdn train --config configs/ex_1d.yaml --out out --figure out/ex_1d.png
//	mdn sample --model out/model.json --input ex1d.csv --n-samples 10
//	mdn eval --model out/model.json --data testdata/ex1d_test.csv
//	mdn plot --model out/model.json --data ex1d.csv --out fit.png
package main

import (
	"os"

	"github.com/mdn-go/mdn/internal/cli"
)

func main() { os.Exit(run(os.Args[1:], cli.System())) }
