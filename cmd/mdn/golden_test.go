package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// regen rewrites the golden outputs in testdata from the current code:
// go test ./cmd/mdn -run Golden -regen.
var regen = flag.Bool("regen", false, "rewrite the golden files in testdata")

// fixtureModel is the path of a model file of package model's testdata
// (model/testdata/README.md says how each was made).
func fixtureModel(name string) string { return filepath.Join("..", "..", "model", "testdata", name) }

// headOf returns the header and the first n data lines of the CSV file at
// path (relative to the repository root).
func headOf(t *testing.T, path string, n int) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", path))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	return strings.Join(lines[:n+1], "")
}

// TestGoldenJSON runs mdn predict --json and mdn eval --json on the model
// fixtures of every format version and compares standard output byte for
// byte with testdata/<name>.golden.jsonl.
func TestGoldenJSON(t *testing.T) {
	penguins := headOf(t, "testdata/penguins_test.csv", 8) // with NA cells, imputed
	ring := headOf(t, "testdata/ring2d_test.csv", 5)
	ex1d := headOf(t, "testdata/ex1d_test.csv", 5)
	for _, c := range []struct {
		name, stdin string
		args        []string
	}{
		{"predict_params_v1", ex1d, []string{"predict", "--model", fixtureModel("seed-model.json"), "--input", "-", "--what", "params"}},
		{"predict_params_v2", penguins, []string{"predict", "--model", fixtureModel("v2-penguins.json"), "--input", "-", "--what", "params"}},
		{"predict_params_v2_inputs", penguins, []string{"predict", "--model", fixtureModel("v2-penguins.json"), "--input", "-", "--what", "params", "--inputs"}},
		{"predict_mean_v2", penguins, []string{"predict", "--model", fixtureModel("v2-penguins.json"), "--input", "-", "--what", "mean"}},
		{"predict_quantiles_v2", penguins, []string{"predict", "--model", fixtureModel("v2-penguins.json"), "--input", "-", "--what", "quantiles"}},
		{"predict_params_v3", ring, []string{"predict", "--model", fixtureModel("v3-ring2d.json"), "--input", "-", "--what", "params"}},
		{"predict_var_v3", ring, []string{"predict", "--model", fixtureModel("v3-ring2d.json"), "--input", "-", "--what", "var"}},
		{"predict_interval_v3", ring, []string{"predict", "--model", fixtureModel("v3-ring2d.json"), "--input", "-", "--what", "interval"}},
		{"predict_mode_v3", ex1d, []string{"predict", "--model", fixtureModel("v3-ex1d.json"), "--input", "-", "--what", "mode"}},
		{"eval_v1", "", []string{"eval", "--model", fixtureModel("seed-model.json"), "--data", "../../testdata/ex1d_test.csv"}},
		{"eval_v2", "", []string{"eval", "--model", fixtureModel("v2-penguins.json"), "--data", "../../testdata/penguins_test.csv"}},
		{"eval_v3", "", []string{"eval", "--model", fixtureModel("v3-ring2d.json"), "--data", "../../testdata/ring2d_test.csv"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, stderr, code := mdnRun(t, c.stdin, append(c.args, "--json")...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			path := filepath.Join("testdata", c.name+".golden.jsonl")
			if *regen {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./cmd/mdn -run Golden -regen)", err)
			}
			if got != string(want) {
				t.Errorf("mdn %s differs from %s:\ngot  %s\nwant %s", strings.Join(c.args, " "), path, got, want)
			}
		})
	}
}
