package main

import (
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestLabelsEndToEnd trains the shipped penguins config (labels, missing
// cells, impute) briefly and checks that eval, predict, sample and plot
// work on rows with labels and missing cells, that an unseen level is an
// error naming line and column unless --unknown-level zero, and that
// --missing drop leaves rows out and says so.
func TestLabelsEndToEnd(t *testing.T) {
	abs, err := filepath.Abs("../../testdata/penguins_train.csv")
	if err != nil {
		t.Fatal(err)
	}
	cfg := "data:\n  train: " + strconv.Quote(abs) +
		"\n  x: [species, island, sex, bill_length_mm, flipper_length_mm]\n  y: [body_mass_g]" +
		"\n  categorical: [species, island, sex]\n  missing: impute\nmodel:\n  hidden: [16]\n"
	mp := trainConfig(t, cfg, 200)

	test := "../../testdata/penguins_test.csv"
	out, stderr, code := mdnRun(t, "", "eval", "--model", mp, "--data", test, "--json")
	if code != 0 {
		t.Fatalf("eval: exit %d: %s", code, stderr)
	}
	var met struct {
		N     int     `json:"n"`
		NLL   float64 `json:"nll"`
		Input struct {
			Rows            int `json:"rows"`
			Used            int `json:"used"`
			DroppedResponse int `json:"dropped_missing_response"`
			Imputed         int `json:"imputed_cells"`
		} `json:"input"`
	}
	if err := json.Unmarshal([]byte(out), &met); err != nil {
		t.Fatal(err)
	}
	// testdata/penguins_test.csv: 1000 rows, 22 with a missing body mass.
	if met.Input.Rows != 1000 || met.Input.DroppedResponse != 22 || met.N != 978 || met.Input.Used != 978 || met.Input.Imputed == 0 {
		t.Errorf("eval input %+v, n %d", met.Input, met.N)
	}
	if !(met.NLL > 6 && met.NLL < 9) {
		t.Errorf("eval NLL %v, want a body-mass density (about 7.4 nats)", met.NLL)
	}

	// predict echoes the covariates as given: labels and NA cells.
	in := "species,island,sex,bill_length_mm,flipper_length_mm\n" +
		"Gentoo,Biscoe,female,43.1,212.8\nChinstrap,Dream,NA,NA,193.4\n"
	inPath := writeFile(t, "in.csv", in)
	out, stderr, code = mdnRun(t, "", "predict", "--model", mp, "--input", inPath, "--what", "mean")
	if code != 0 {
		t.Fatalf("predict: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || lines[0] != "species,island,sex,bill_length_mm,flipper_length_mm,mean_body_mass_g" ||
		!strings.HasPrefix(lines[1], "Gentoo,Biscoe,female,43.1,212.8,") || !strings.HasPrefix(lines[2], "Chinstrap,Dream,NA,NA,193.4,") {
		t.Errorf("predict output:\n%s", out)
	}
	if _, stderr, code = mdnRun(t, "", "sample", "--model", mp, "--input", inPath, "--n-samples", "2"); code != 0 {
		t.Errorf("sample: exit %d: %s", code, stderr)
	}

	// An unseen level.
	bad := writeFile(t, "bad.csv", "species,island,sex,bill_length_mm,flipper_length_mm\nAdelie,Dream,male,39,190\nEmperor,Dream,male,39,190\n")
	_, stderr, code = mdnRun(t, "", "predict", "--model", mp, "--input", bad, "--what", "mean")
	if code == 0 || !strings.Contains(stderr, `line 3, column "species": level "Emperor" was not seen in training`) {
		t.Errorf("unseen level: exit %d: %s", code, stderr)
	}
	out, stderr, code = mdnRun(t, "", "predict", "--model", mp, "--input", bad, "--what", "mean", "--unknown-level", "zero")
	if code != 0 || !strings.Contains(out, "\nEmperor,Dream,male,39,190,") {
		t.Errorf("--unknown-level zero: exit %d: %s %s", code, stderr, out)
	}

	// --missing drop leaves the row with NA cells out and says how many.
	out, stderr, code = mdnRun(t, "", "predict", "--model", mp, "--input", inPath, "--what", "mean", "--missing", "drop")
	if code != 0 || strings.Count(out, "\n") != 2 || !strings.Contains(stderr, "left out 1 input rows with a missing cell") {
		t.Errorf("--missing drop: exit %d: %q %q", code, out, stderr)
	}

	// A density figure per species, and its flag checks.
	png := filepath.Join(t.TempDir(), "by.png")
	if _, stderr, code = mdnRun(t, "", "plot", "--model", mp, "--data", test, "--kind", "density",
		"--x", "flipper_length_mm", "--by", "species", "--out", png); code != 0 {
		t.Fatalf("plot --by: exit %d: %s", code, stderr)
	}
	checkPNG(t, png, 1300, 340)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--by", "bill_length_mm"}, `"bill_length_mm" is not a categorical covariate`},
		{[]string{"--x", "species"}, `--x: "species" is a label column`},
	} {
		args := append([]string{"plot", "--model", mp, "--data", test, "--kind", "density", "--out", png}, tc.args...)
		if _, stderr, code = mdnRun(t, "", args...); code == 0 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d: %s, want %s", tc.args, code, stderr, tc.want)
		}
	}
}
