package figure

import (
	"bytes"
	"encoding/csv"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/encode"
	"github.com/mdn-go/mdn/model"
	"github.com/mdn-go/mdn/plot"
	"gonum.org/v1/plot/cmpimg"
)

// goldenDelta is the tolerance of the golden comparison (cmpimg.EqualApprox:
// 0 is an exact match, 1 anything): room for anti-aliasing and font
// rasterization to differ in a few pixels, not for a moved curve.
const goldenDelta = 0.01

// fixture loads a model file of package model's testdata and reads the
// data file (relative to the repository root) with its schema.
func fixture(t *testing.T, modelFile, dataFile string) (*model.Model, *data.Dataset) {
	t.Helper()
	m, err := model.Load(filepath.Join("..", "model", "testdata", modelFile))
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := encode.Read(filepath.Join("..", dataFile), m.Schema(), m.YNames)
	if err != nil {
		t.Fatal(err)
	}
	return m, d
}

// readHistory reads the step, train_loss and val_nll columns of the history
// CSV in testdata (written by mdn train for model/testdata/v3-ring2d.json).
func readHistory(t *testing.T) (step, loss, val []float64) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "history.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	num := func(s string) float64 {
		if s == "" {
			return math.NaN()
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, r := range recs[1:] { // step,lr,train_loss,val_nll
		step, loss, val = append(step, num(r[0])), append(loss, num(r[2])), append(val, num(r[3]))
	}
	return step, loss, val
}

// TestGolden draws every figure kind of mdn plot from the model fixtures and
// compares each PNG with testdata/<name>_golden.png (gonum/plot's cmpimg,
// tolerance goldenDelta). go test ./figure -run Golden -regen rewrites them.
func TestGolden(t *testing.T) {
	ex1d, ex1dData := fixture(t, "v3-ex1d.json", "testdata/ex1d_test.csv")
	peng, pengData := fixture(t, "v2-penguins.json", "testdata/penguins_test.csv")
	ring, ringData := fixture(t, "v3-ring2d.json", "testdata/ring2d_test.csv")
	cal, calData := fixture(t, "calibrated-model.json", "testdata/ex1d_test.csv")
	flipper := peng.Schema().Offset(peng.Schema().Column("flipper_length_mm"))
	for _, c := range []struct {
		name string
		draw func() (func(io.Writer) error, error)
	}{
		{"default", func() (func(io.Writer) error, error) { return Default(ex1d, ex1dData, 0, nil, nil, false) }},
		{"default_bare", func() (func(io.Writer) error, error) { return Default(ex1d, ex1dData, 0, nil, nil, true) }},
		{"density", func() (func(io.Writer) error, error) { return Density(ex1d, ex1dData, 0, 0, "", nil, nil) }},
		{"density_by", func() (func(io.Writer) error, error) {
			return Density(peng, pengData, flipper, 0, "species", nil, nil)
		}},
		{"scatter", func() (func(io.Writer) error, error) { return Scatter(ring, ringData, 0, 1, 0, nil, nil) }},
		{"pit", func() (func(io.Writer) error, error) { return PIT(ex1d, ex1dData, 0) }},
		{"quantiles", func() (func(io.Writer) error, error) { return Quantiles(ex1d, ex1dData, 0, 0, nil, nil) }},
		{"region", func() (func(io.Writer) error, error) { return Region(ex1d, ex1dData, 0, 0.9, nil, nil) }},
		{"region_calibrated", func() (func(io.Writer) error, error) { return Region(cal, calData, 0, 0.8, nil, nil) }},
		{"history", func() (func(io.Writer) error, error) {
			step, loss, val := readHistory(t)
			return func(w io.Writer) error {
				return plot.History(w, step, loss, val, plot.HistoryOptions{Title: "training history"})
			}, nil
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			draw, err := c.draw()
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := draw(&got); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, c.name, got.Bytes())
		})
	}
}

// checkGolden compares the PNG got with testdata/<name>_golden.png, or
// writes it there with -regen. On a mismatch it writes got to the system's
// temporary directory and names it.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+"_golden.png")
	if *cmpimg.GenerateTestData {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./figure -run Golden -regen)", err)
	}
	ok, err := cmpimg.EqualApprox("png", got, want, goldenDelta)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		out := filepath.Join(os.TempDir(), "mdn-figure-"+name+".png")
		if err := os.WriteFile(out, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Errorf("%s differs from %s beyond %v; the new figure is %s", name, path, goldenDelta, out)
	}
}
