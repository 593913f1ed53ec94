package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mdn-go/mdn/internal/cli"
	"github.com/mdn-go/mdn/mixture"
	"github.com/mdn-go/mdn/model"
)

// ex1dTrain is the training file of the 1-D example, from the test's working
// directory (cmd/mdn).
const ex1dTrain = "../../testdata/ex1d_train.csv"

// mdnRun runs the mdn command line in-process on buffers (cli.Test), with
// stdin as its standard input.
func mdnRun(t testing.TB, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ios, in, o, e := cli.Test()
	in.WriteString(stdin)
	code = run(args, ios)
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
	cfg := "data:\n  train: " + strconv.Quote(abs) + "\n  x: [x]\n  y: [y]\nmodel:\n  hidden: [32, 32]\ntrain:\n  lr: 0.01\n  ensemble: 2\n"
	return trainConfig(t, cfg, 300)
}

// trainConfig trains from the YAML config text cfg for steps steps and
// returns the model path.
func trainConfig(t testing.TB, cfg string, steps int) string {
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

func TestBadInput(t *testing.T) {
	mp := trainEx1d(t)
	in := t.TempDir()
	noX := writeFile(t, "nox.csv", "a,b\n1,2\n")
	xOnly := writeFile(t, "xonly.csv", "x\n1\n")
	var b strings.Builder
	b.WriteString("x\n")
	for i := range 6000 {
		b.WriteString(strconv.Itoa(i%17) + "\n")
	}
	b.WriteString("abc\n")
	badLate := writeFile(t, "late.csv", b.String()) // the bad value is on line 6002, in the second chunk
	hexIn := writeFile(t, "hex.csv", "x\n1\n0x1p3\n")
	missing := filepath.Join(in, "nope.json")
	noDir := filepath.Join(in, "nodir", "o.csv")
	for _, c := range []struct {
		name string
		args []string // "OUT" is replaced by a file in an empty directory
		want string
	}{
		{"missing model file", []string{"sample", "--model", missing, "--input", ex1dTrain, "--out", "OUT"},
			"mdn: sample: model: " + missing + ": no such file or directory"},
		{"model flag missing", []string{"sample", "--input", ex1dTrain}, "mdn: sample: --model is required"},
		{"model is a device", []string{"predict", "--model", "/dev/zero", "--input", ex1dTrain, "--what", "mean", "--out", "OUT"},
			"mdn: predict: model: /dev/zero: is a device, not a regular file; a model file is read whole and checked first"},
		{"model is a directory", []string{"eval", "--model", in, "--data", ex1dTrain},
			"mdn: eval: model: " + in + ": is a directory, not a model file"},
		{"input lacks a column", []string{"sample", "--model", mp, "--input", noX, "--out", "OUT"},
			`mdn: sample: data: read ` + noX + `: line 1, column "x": no such column; columns are "a", "b"`},
		{"bad value in the second chunk", []string{"sample", "--model", mp, "--input", badLate, "--out", "OUT"},
			`mdn: sample: data: read ` + badLate + `: line 6002, column "x": not a number "abc" (the model reads this column as numbers)`},
		{"a number in Go's hexadecimal syntax", []string{"predict", "--model", mp, "--input", hexIn, "--what", "mean", "--out", "OUT"},
			`mdn: predict: data: read ` + hexIn + `: line 3, column "x": not a number "0x1p3" (the model reads this column as numbers)`},
		{"n-samples 0", []string{"sample", "--model", mp, "--input", ex1dTrain, "--n-samples", "0", "--out", "OUT"},
			"mdn: sample: --n-samples must be ≥ 1, got 0"},
		{"temperature 0", []string{"sample", "--model", mp, "--input", ex1dTrain, "--temperature", "0"},
			"mdn: sample: --temperature must be finite and > 0, got 0"},
		{"sample out in a missing directory", []string{"sample", "--model", mp, "--input", ex1dTrain, "--out", noDir},
			"mdn: sample: --out " + noDir + ": directory " + filepath.Dir(noDir) + " does not exist"},
		{"kind bogus", []string{"plot", "--model", mp, "--data", ex1dTrain, "--kind", "bogus", "--out", "OUT"},
			`mdn: plot: --kind must be one of default, density, history, scatter, pit, quantiles, region, got "bogus"`},
		{"plot out in a missing directory", []string{"plot", "--model", mp, "--data", ex1dTrain, "--out", noDir},
			"mdn: plot: --out " + noDir + ": directory " + filepath.Dir(noDir) + " does not exist"},
		{"scatter of one response", []string{"plot", "--model", mp, "--data", ex1dTrain, "--kind", "scatter", "--out", "OUT"},
			"mdn: plot: --kind scatter needs two or more response columns, the model has 1 (use --kind default or density)"},
		{"flag the kind does not use", []string{"plot", "--model", mp, "--data", ex1dTrain, "--kind", "pit", "--x", "x", "--out", "OUT"},
			"mdn: plot: --x is not used with --kind pit"},
		{"history with data", []string{"plot", "--model", mp, "--data", ex1dTrain, "--kind", "history", "--out", "OUT"},
			"mdn: plot: --data is not used with --kind history"},
		{"bad range", []string{"plot", "--model", mp, "--data", ex1dTrain, "--xrange", "3,1", "--out", "OUT"},
			`mdn: plot: --xrange: want min,max with min < max, got "3,1"`},
		{"range wider than float64", []string{"plot", "--model", mp, "--data", ex1dTrain, "--kind", "quantiles", "--xrange", "-1e308,1e308", "--out", "OUT"},
			`mdn: plot: --xrange: max − min overflows float64 (at most about 1.8e308), got "-1e308,1e308"`},
		{"predict out with json", []string{"predict", "--model", mp, "--input", ex1dTrain, "--what", "mean", "--json", "--out", "OUT"},
			"mdn: predict: --out and --json are mutually exclusive: --json prints to standard output"},
		{"predict q 2", []string{"predict", "--model", mp, "--input", ex1dTrain, "--what", "quantiles", "--q", "0.5,2", "--out", "OUT"},
			"mdn: predict: --q: 2 is not in (0, 1)"},
		{"predict level 1.5", []string{"predict", "--model", mp, "--input", ex1dTrain, "--what", "interval", "--level", "1.5", "--out", "OUT"},
			"mdn: predict: --level must be in (0, 1), got 1.5"},
		{"predict what bogus", []string{"predict", "--model", mp, "--input", ex1dTrain, "--what", "bogus"},
			`mdn: predict: --what must be one of params, mean, var, mode, quantiles, interval, region, logpdf, got "bogus"`},
		{"eval data lacks y", []string{"eval", "--model", mp, "--data", xOnly},
			`mdn: eval: data: read ` + xOnly + `: line 1, column "y": no such column; columns are "x"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			outDir := t.TempDir()
			args := slices.Clone(c.args)
			for i, a := range args {
				if a == "OUT" {
					args[i] = filepath.Join(outDir, "o.out")
				}
			}
			stdout, stderr, code := mdnRun(t, "", args...)
			if stderr != c.want+"\n" || code != 1 {
				t.Errorf("got exit %d, stderr %q, want exit 1, %q", code, stderr, c.want+"\n")
			}
			if stdout != "" {
				t.Errorf("stdout: got %q, want nothing", stdout)
			}
			if ents, _ := os.ReadDir(outDir); len(ents) != 0 {
				t.Errorf("output directory: got %v, want it empty", ents)
			}
		})
	}
}

// TestExamples runs the examples in the help of sample, predict, eval and
// plot against a freshly trained model (out/model.json), the repository's
// testdata and a temporary directory for outputs. Piped examples run only
// their mdn part; those reading standard input from another mdn are skipped.
func TestExamples(t *testing.T) {
	mp := trainEx1d(t)
	ios, _, _, _ := cli.Test()
	root := newRootCmd(ios)
	for _, name := range []string{"sample", "predict", "eval", "plot"} {
		c, _, err := root.Find([]string{name})
		if err != nil || c.Example == "" {
			t.Fatalf("%s: no command or no example (%v)", name, err)
		}
		for _, line := range strings.Split(c.Example, "\n") {
			line = strings.TrimSpace(line)
			if strings.HasPrefix(line, "mdn gen") {
				continue
			}
			line, _, _ = strings.Cut(line, "|")
			t.Run(line, func(t *testing.T) {
				args := strings.Fields(line)[1:]
				for i, a := range args {
					switch {
					case a == "out/model.json":
						args[i] = mp
					case strings.HasPrefix(a, "testdata/"):
						args[i] = "../../" + a
					case i > 0 && args[i-1] == "--out":
						args[i] = filepath.Join(t.TempDir(), filepath.Base(a))
					}
				}
				if _, stderr, code := mdnRun(t, "", args...); code != 0 {
					t.Errorf("exit %d: %s", code, stderr)
				}
			})
		}
	}
}
