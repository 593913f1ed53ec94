package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mdn-go/mdn/mixture"
	"github.com/mdn-go/mdn/model"
)

// ex1dTrain is the training file of the 1-D example, from the test's working
// directory (cmd/mdn).
const ex1dTrain = "../../testdata/ex1d_train.csv"

// mdnRun runs the mdn command line in-process.
func mdnRun(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(args, strings.NewReader(stdin), &o, &e)
	return o.String(), e.String(), code
}

// trainEx1d trains a small model (hidden [32, 32], K = 5, 300 full-batch
// steps, seed 0; about 0.3 s) on the 1-D example and returns the path of its
// model.json in a fresh temporary directory.
func trainEx1d(t *testing.T) string {
	t.Helper()
	abs, err := filepath.Abs(ex1dTrain)
	if err != nil {
		t.Fatal(err)
	}
	cfg := "data:\n  train: " + strconv.Quote(abs) + "\n  x: [x]\n  y: [y]\nmodel:\n  hidden: [32, 32]\ntrain:\n  lr: 0.01\n"
	return trainConfig(t, cfg, 300)
}

// trainConfig trains from the YAML config text cfg for steps steps and
// returns the model path.
func trainConfig(t *testing.T, cfg string, steps int) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "cfg.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if _, stderr, code := mdnRun(t, "", "train", "--config", path, "--out", out, "--steps", strconv.Itoa(steps)); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	return filepath.Join(out, "model.json")
}

// readCSV parses CSV text into its header and records.
func readCSV(t *testing.T, text string) (header []string, rows [][]string) {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v", err)
	}
	if len(recs) == 0 {
		t.Fatal("empty output")
	}
	return recs[0], recs[1:]
}

// num parses one CSV field.
func num(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("field %q: %v", s, err)
	}
	return v
}

// writeFile writes text to a new file in a temporary directory.
func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// predictRows returns the model's mixtures for the covariate rows x (one
// covariate each), computed one row at a time, independently of the
// commands' chunked path.
func predictRows(t *testing.T, modelPath string, xs []float64) (*model.Model, []mixture.Mixture) {
	t.Helper()
	m, err := model.Load(modelPath)
	if err != nil {
		t.Fatal(err)
	}
	p := m.Predictor(1)
	out := make([]mixture.Mixture, len(xs))
	for i, x := range xs {
		mix, err := p.Predict([]float64{x}, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = mix[0]
	}
	return m, out
}

// inputXs is a small input file of covariates and the values in it.
func inputXs(t *testing.T) (string, []float64) {
	xs := []float64{-7.5, -3, 0, 0.25, 2.5, 7}
	var b strings.Builder
	b.WriteString("id,x\n")
	for i, x := range xs {
		b.WriteString(strconv.Itoa(i) + "," + strconv.FormatFloat(x, 'g', -1, 64) + "\n")
	}
	return writeFile(t, "in.csv", b.String()), xs
}
