package main

import (
	"flag"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
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
// fixtures of every format version, and mdn predict and mdn sample with CSV
// output, and compares standard output with testdata/<name>.golden.jsonl
// (or .golden.csv): the same bytes but for the last digits of numbers
// (sameUpToRounding), which the matrix kernels of each CPU tier (AVX-512,
// AVX2, pure Go) and the order of their sums may change.
func TestGoldenJSON(t *testing.T) {
	penguins := headOf(t, "testdata/penguins_test.csv", 8) // with NA cells, imputed
	ring := headOf(t, "testdata/ring2d_test.csv", 5)
	ex1d := headOf(t, "testdata/ex1d_test.csv", 5)
	for _, c := range []struct {
		name, stdin string
		args        []string
		csv         bool // no --json: the CSV output
	}{
		{"predict_params_v1", ex1d, []string{"predict", "--model", fixtureModel("seed-model.json"), "--input", "-", "--what", "params"}, false},
		{"predict_params_v2", penguins, []string{"predict", "--model", fixtureModel("v2-penguins.json"), "--input", "-", "--what", "params"}, false},
		{"predict_params_v2_inputs", penguins, []string{"predict", "--model", fixtureModel("v2-penguins.json"), "--input", "-", "--what", "params", "--inputs"}, false},
		{"predict_mean_v2", penguins, []string{"predict", "--model", fixtureModel("v2-penguins.json"), "--input", "-", "--what", "mean"}, false},
		{"predict_quantiles_v2", penguins, []string{"predict", "--model", fixtureModel("v2-penguins.json"), "--input", "-", "--what", "quantiles"}, false},
		{"predict_params_v3", ring, []string{"predict", "--model", fixtureModel("v3-ring2d.json"), "--input", "-", "--what", "params"}, false},
		{"predict_var_v3", ring, []string{"predict", "--model", fixtureModel("v3-ring2d.json"), "--input", "-", "--what", "var"}, false},
		{"predict_interval_v3", ring, []string{"predict", "--model", fixtureModel("v3-ring2d.json"), "--input", "-", "--what", "interval"}, false},
		{"predict_mode_v3", ex1d, []string{"predict", "--model", fixtureModel("v3-ex1d.json"), "--input", "-", "--what", "mode"}, false},
		{"predict_quantiles_v2_csv", penguins, []string{"predict", "--model", fixtureModel("v2-penguins.json"), "--input", "-", "--what", "quantiles"}, true},
		{"predict_params_v3_csv", ring, []string{"predict", "--model", fixtureModel("v3-ring2d.json"), "--input", "-", "--what", "params"}, true},
		{"sample_v2_csv", penguins, []string{"sample", "--model", fixtureModel("v2-penguins.json"), "--input", "-", "--n-samples", "2", "--seed", "3"}, true},
		// A one-network model and a tempered ensemble draw from the full
		// mixture: their draws are those of earlier versions.
		{"sample_v3_csv", ex1d, []string{"sample", "--model", fixtureModel("v3-ex1d.json"), "--input", "-", "--n-samples", "3", "--seed", "4"}, true},
		{"sample_v2_tempered_csv", penguins, []string{"sample", "--model", fixtureModel("v2-penguins.json"), "--input", "-", "--n-samples", "2", "--seed", "3", "--temperature", "0.5"}, true},
		{"predict_region_v3", ex1d, []string{"predict", "--model", fixtureModel("v3-ex1d.json"), "--input", "-", "--what", "region"}, false},
		{"predict_interval_v4", ex1d, []string{"predict", "--model", fixtureModel("calibrated-model.json"), "--input", "-", "--what", "interval"}, false},
		{"predict_region_v4", ex1d, []string{"predict", "--model", fixtureModel("calibrated-model.json"), "--input", "-", "--what", "region", "--level", "0.8"}, false},
		{"predict_region_v4_csv", ex1d, []string{"predict", "--model", fixtureModel("calibrated-model.json"), "--input", "-", "--what", "region"}, true},
		{"predict_logpdf_v4", ex1d, []string{"predict", "--model", fixtureModel("calibrated-model.json"), "--input", "-", "--what", "logpdf"}, false},
		{"predict_logpdf_v2_csv", penguins, []string{"predict", "--model", fixtureModel("v2-penguins.json"), "--input", "-", "--what", "logpdf"}, true},
		{"predict_logpdf_v2_inputs", penguins, []string{"predict", "--model", fixtureModel("v2-penguins.json"), "--input", "-", "--what", "logpdf", "--inputs"}, false},
		{"eval_v1", "", []string{"eval", "--model", fixtureModel("seed-model.json"), "--data", "../../testdata/ex1d_test.csv"}, false},
		{"eval_v2", "", []string{"eval", "--model", fixtureModel("v2-penguins.json"), "--data", "../../testdata/penguins_test.csv"}, false},
		{"eval_v3", "", []string{"eval", "--model", fixtureModel("v3-ring2d.json"), "--data", "../../testdata/ring2d_test.csv"}, false},
		{"eval_v4", "", []string{"eval", "--model", fixtureModel("calibrated-model.json"), "--data", "../../testdata/ex1d_test.csv"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			args, ext := append(c.args, "--json"), ".golden.jsonl"
			if c.csv {
				args, ext = c.args, ".golden.csv"
			}
			got, stderr, code := mdnRun(t, c.stdin, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			path := filepath.Join("testdata", c.name+ext)
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
			if !sameUpToRounding(got, string(want)) {
				t.Errorf("mdn %s differs from %s:\ngot  %s\nwant %s", strings.Join(c.args, " "), path, got, want)
			}
		})
	}
}

// number is a JSON or CSV number.
var number = regexp.MustCompile(`-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?`)

// sameUpToRounding reports whether got and want are the same text but for
// numbers that differ by at most 1e-12 relative to max(1, |want|).
func sameUpToRounding(got, want string) bool {
	if got == want {
		return true
	}
	gi, wi := number.FindAllStringIndex(got, -1), number.FindAllStringIndex(want, -1)
	if len(gi) != len(wi) {
		return false
	}
	g0, w0 := 0, 0
	for k := range gi {
		if got[g0:gi[k][0]] != want[w0:wi[k][0]] {
			return false
		}
		g, err1 := strconv.ParseFloat(got[gi[k][0]:gi[k][1]], 64)
		w, err2 := strconv.ParseFloat(want[wi[k][0]:wi[k][1]], 64)
		if err1 != nil || err2 != nil || math.Abs(g-w) > 1e-12*math.Max(1, math.Abs(w)) {
			return false
		}
		g0, w0 = gi[k][1], wi[k][1]
	}
	return got[g0:] == want[w0:]
}

// TestSameUpToRounding: last-digit changes pass; a changed digit further
// up, a changed word or a missing number fail.
func TestSameUpToRounding(t *testing.T) {
	for _, c := range []struct {
		got, want string
		same      bool
	}{
		{`{"nll":1.440508188116572}`, `{"nll":1.4405081881165716}`, true},
		{`{"nll":1.4405081881}`, `{"nll":1.4405081882}`, false},
		{`{"nll":2}`, `{"mll":2}`, false},
		{`1,2`, `1,2,3`, false},
		{`x,-1e-300`, `x,1e-300`, true},
	} {
		if got := sameUpToRounding(c.got, c.want); got != c.same {
			t.Errorf("sameUpToRounding(%q, %q) = %v, want %v", c.got, c.want, got, c.same)
		}
	}
}
