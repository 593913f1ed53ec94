package main

import (
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
)

// TestPredictPathsSkipGorgonia checks that the commands that only read a
// model and predict or draw (sample, predict, eval, plot) import neither
// graph, train nor Gorgonia, so their code paths run the pure-Go predictor.
// (The binary as a whole links Gorgonia for `mdn train`; plot --kind
// history reads history.csv through train.go's readHistory.)
func TestPredictPathsSkipGorgonia(t *testing.T) {
	for _, file := range []string{"sample.go", "predict.go", "eval.go", "plot.go"} {
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(p, "gorgonia.org/") || p == "github.com/mdn-go/mdn/graph" || p == "github.com/mdn-go/mdn/train" {
				t.Errorf("%s imports %s", file, p)
			}
		}
	}
}
