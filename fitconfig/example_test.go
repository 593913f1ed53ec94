package fitconfig_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/mdn-go/mdn/config"
	"github.com/mdn-go/mdn/fitconfig"
	"github.com/mdn-go/mdn/train"
)

// Example is the README's library snippet: train the recommended ex1d
// recipe from its config file, save the model and evaluate a predictive
// density. It runs from the repository root (configs/ex_1d.yaml,
// model.json), so it is compiled but not run by go test (no Output
// comment); TestREADMESnippet holds the README to it.
func Example() {
	cfg, err := config.Load("configs/ex_1d.yaml")
	if err != nil {
		log.Fatal(err)
	}
	d, err := train.LoadData(fitconfig.Recipe(cfg))
	if err != nil {
		log.Fatal(err)
	}
	// The recipe for this many training rows (the size rule, config.Sized).
	r, _ := fitconfig.Sized(cfg, d.Train.N)
	m, res, err := train.Fit(context.Background(), r, d, nil) // *model.Model, *train.Result
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d steps, final loss %.3f\n", res.Steps, res.FinalLoss)
	if err := m.Save("model.json"); err != nil {
		log.Fatal(err)
	}
	x := []float64{0.5, -2} // two rows of the one covariate, original units
	mix, err := m.Predictor(0).Predict(x, 2, nil)
	if err != nil {
		log.Fatal(err)
	}
	lp := mix[0].LogProb([]float64{0.1}) // also Sample, Mean, Cov, Marginal(j).Quantile, CRPS, Modes
	fmt.Println(lp)
}

// TestREADMESnippet checks that the README's Go snippet is, line for line,
// the body of Example, which go vet and go test compile.
func TestREADMESnippet(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)## As a Go library\n\n```go\n(.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md: no ```go block under \"## As a Go library\"")
	}
	src, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	body := regexp.MustCompile("(?s)\nfunc Example\\(\\) \\{\n(.*?)\n\\}\n").FindSubmatch(src)
	if body == nil {
		t.Fatal("example_test.go: no Example")
	}
	var want []string
	for _, l := range strings.Split(string(body[1]), "\n") {
		want = append(want, strings.TrimPrefix(l, "\t"))
	}
	got := strings.Split(strings.TrimSuffix(string(m[1]), "\n"), "\n")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("README.md's snippet differs from Example's body:\n--- README\n%s\n--- Example\n%s",
			strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
