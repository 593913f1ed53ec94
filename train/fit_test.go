package train

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/encode"
	"gorgonia.org/tensor"
)

// labelled writes a table whose response depends on a label (mean 0, 3 or
// −3 by level) and a number, with missing cells in both covariates and the
// response.
func labelled(t *testing.T, n int) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 6))
	var b strings.Builder
	b.WriteString("g,u,y\n")
	levels := []string{"lo", "mid", "hi"}
	shift := map[string]float64{"lo": -3, "mid": 0, "hi": 3}
	for i := range n {
		g := levels[rng.IntN(3)]
		u := rng.Float64()
		y := fmt.Sprint(shift[g] + u + 0.1*rng.NormFloat64())
		us := fmt.Sprint(u)
		switch i % 17 {
		case 3:
			us = "NA"
		case 5:
			g = ""
		case 7:
			y = "NA"
		}
		fmt.Fprintf(&b, "%s,%s,%s\n", g, us, y)
	}
	path := filepath.Join(t.TempDir(), "l.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFitWithLabels(t *testing.T) {
	rec := testRecipe()
	rec.Data.Train = labelled(t, 600)
	rec.Data.Encode.X, rec.Data.Encode.Y = []string{"g", "u"}, []string{"y"}
	rec.Data.Encode.Categorical = []string{"g"}
	rec.Data.Encode.Missing = encode.MissingImpute
	rec.Train.Steps, rec.Spec.Hidden = 300, []int{16}
	if err := rec.Validate(); err != nil {
		t.Fatal(err)
	}
	d, err := LoadData(rec)
	if err != nil {
		t.Fatal(err)
	}
	// 600 rows; i%17 == 7 drops a row for its response (35 rows: 7, 24, …, 585).
	if d.Report.Rows != 600 || d.Report.DroppedResponse != 35 || d.File().N != 565 {
		t.Fatalf("report %+v, %d rows", d.Report, d.File().N)
	}
	want := []string{"g=hi", "g=lo", "g=mid", "g:missing", "u", "u:missing"}
	if strings.Join(d.Train.XNames, " ") != strings.Join(want, " ") {
		t.Fatalf("inputs %v, want %v", d.Train.XNames, want)
	}
	m, _, err := Fit(context.Background(), rec, d, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Encoding == nil || m.Encoding.Columns[0].Levels[0] != "hi" || strings.Join(m.Columns(), ",") != "g,u" {
		t.Fatalf("model encoding %+v", m.Encoding)
	}
	// The label carries the response's shift: the predicted means by level
	// must be ordered lo < mid < hi, about 3 apart.
	p := m.Predictor(3)
	s := m.Schema()
	var x []float64
	for _, l := range []string{"lo", "mid", "hi"} {
		r, err := s.Encode([]string{l, "0.5"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		x = append(x, r...)
	}
	mix, err := p.Predict(x, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	mean := func(i int) float64 { return mix[i].Mean(nil)[0] }
	if !(mean(0) < mean(1)-2 && mean(1) < mean(2)-2) {
		t.Errorf("means by level %v %v %v, want about -2.5, 0.5, 3.5", mean(0), mean(1), mean(2))
	}
}

func TestLoadDataExplains(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.csv")
	os.WriteFile(path, []byte("species,y\nAdelie,1\nGentoo,2\n"), 0o644)
	rec := testRecipe()
	rec.Data.Train, rec.Data.Encode.X, rec.Data.Encode.Y = path, []string{"species"}, []string{"y"}
	_, err := LoadData(rec)
	want := `column "species": not a number "Adelie" (list it in data.categorical to use labels)`
	if err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("got %v, want …%s", err, want)
	}
	os.WriteFile(path, []byte("species,y\n1,1\nNA,2\n,3\n"), 0o644)
	_, err = LoadData(rec)
	want = `line 3, column "species": missing value "NA" (2 missing cells in 2 rows;`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want …%s…", err, want)
	}
}

// TestNoiseSkipsBinaryInputs: noise regularization perturbs the numbers but
// leaves the 0/1 inputs that NoNoise marks (labels, missing indicators).
func TestNoiseSkipsBinaryInputs(t *testing.T) {
	b := newBatcher(&data.Dataset{N: 4, XDim: 3}, 4, 1)
	b.noise = 0.5
	x := tensor.New(tensor.WithShape(4, 3), tensor.WithBacking([]float64{1, 0, 2, 0, 1, 3, 1, 0, 4, 0, 1, 5}))
	orig := slices.Clone(x.Data().([]float64))
	b.perturb(x, []bool{true, true, false})
	got := x.Data().([]float64)
	for i, v := range got {
		if i%3 < 2 && v != orig[i] {
			t.Errorf("binary input %d changed: %v → %v", i, orig[i], v)
		}
		if i%3 == 2 && v == orig[i] {
			t.Errorf("number %d not perturbed", i)
		}
	}
}

// With model.skip the trained model carries a learned skip weight, and the
// predictor (which adds x'·S itself) fits a linear response.
func TestFitWithSkip(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	var b strings.Builder
	b.WriteString("a,b,y\n")
	for range 400 {
		a, c := rng.NormFloat64(), rng.NormFloat64()
		fmt.Fprintf(&b, "%v,%v,%v\n", a, c, 2*a-c+0.05*rng.NormFloat64())
	}
	path := filepath.Join(t.TempDir(), "lin.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	rec := testRecipe()
	rec.Data.Train, rec.Data.Encode.X, rec.Data.Encode.Y = path, []string{"a", "b"}, []string{"y"}
	rec.Spec.Skip, rec.Spec.Hidden = true, []int{8}
	rec.Train.Steps, rec.Ensemble = 400, 2
	if err := rec.Validate(); err != nil {
		t.Fatal(err)
	}
	d, err := LoadData(rec)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := Fit(context.Background(), rec, d, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Spec.Skip {
		t.Fatal("model has no skip")
	}
	for i, as := range append([][]arch.Array{m.Arrays}, m.Ensemble[0].Arrays) {
		_, _, sk, err := arch.Layers(m.Spec, as)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Max(sk) == 0 && slices.Min(sk) == 0 {
			t.Fatalf("member %d: skip weight stayed zero", i)
		}
	}
	x := []float64{0, 0, 1, 0, 0, 1, -1, 0.5}
	mix, err := m.Predictor(0).Predict(x, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		want := 2*x[2*i] - x[2*i+1]
		if got := mix[i].Mean(nil)[0]; math.Abs(got-want) > 0.15 {
			t.Errorf("x = %v: mean %v, want %v", x[2*i:2*i+2], got, want)
		}
	}
}

// A checkpoint with another number of members is refused, and the message
// says when the run's number is the grown one.
func TestResumeMemberCount(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,y\n")
	for i := range 100 {
		fmt.Fprintf(&b, "%d,%d\n", i, i%7)
	}
	path := filepath.Join(t.TempDir(), "r.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	rec := testRecipe()
	rec.Data.Train, rec.Data.Encode.X, rec.Data.Encode.Y = path, []string{"a"}, []string{"y"}
	rec.Ensemble, rec.EnsembleMax = 5, 10
	d, err := LoadData(rec)
	if err != nil {
		t.Fatal(err)
	}
	st := &State{Ensemble: make([]*State, 2)}
	_, _, err = FitResume(context.Background(), rec, d, st, nil)
	if want := "train: resume: the checkpoint holds 3 ensemble members, this run has 10 (train.ensemble 5, grown on a table smaller than a batch; train.ensemble_max)"; err == nil || err.Error() != want {
		t.Errorf("grown: got %v, want %q", err, want)
	}
	rec.Ensemble, rec.EnsembleMax = 2, 2
	_, _, err = FitResume(context.Background(), rec, d, st, nil)
	if want := "train: resume: the checkpoint holds 3 ensemble members, train.ensemble is 2"; err == nil || err.Error() != want {
		t.Errorf("exact: got %v, want %q", err, want)
	}
}
