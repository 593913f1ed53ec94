package figure

import (
	"math"
	"testing"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/model"
)

// testModel is a small network with covariates xa, xb and responses ya,
// yb, its weights 0.5·sin(7a + j) for entry j of array a.
func testModel(t *testing.T) *model.Model {
	t.Helper()
	s := arch.Spec{In: 2, Out: 2, K: 3, Hidden: []int{6}, Activation: arch.Tanh, Noise: arch.Diagonal,
		Transform: arch.Exp, SigmaMin: 0.01, Dtype: arch.Float64}
	names, shapes := s.ParamShapes()
	ws := make([]arch.Array, len(names))
	for a, n := range names {
		size := 1
		for _, d := range shapes[a] {
			size *= d
		}
		v := make([]float64, size)
		for j := range v {
			v[j] = 0.5 * math.Sin(float64(7*a+j))
		}
		ws[a] = arch.Array{Name: n, Shape: shapes[a], Data: v}
	}
	sc := data.Scaler{XMean: []float64{1, -1}, XStd: []float64{2, 0.5}, YMean: []float64{3, 0}, YStd: []float64{1.5, 0.2}}
	m, err := model.New(s, ws, []string{"xa", "xb"}, []string{"ya", "yb"}, sc, model.Summary{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestGridAndBand(t *testing.T) {
	m := testModel(t) // covariates xa, xb; responses ya, yb
	d := &data.Dataset{N: 2, XDim: 2, YDim: 2, X: []float64{1, 4, 3, -2}, Y: []float64{0, 0, 0, 0}}
	xs := []float64{-1, 0, 2.5}
	mix, err := GridMixtures(m, d, 0, xs)
	if err != nil {
		t.Fatal(err)
	}
	// Independently: the rows (x, mean of xb = 1) through the Predictor.
	want, err := m.Predictor(3).Predict([]float64{-1, 1, 0, 1, 2.5, 1}, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	for g := range xs {
		for i, v := range want[g].Means {
			if mix[g].Means[i] != v {
				t.Fatalf("grid %d: mean %d = %v, want %v", g, i, mix[g].Means[i], v)
			}
		}
	}
	b, err := NewBand(mix, xs, 1, BandLevels, MinModeMass)
	if err != nil {
		t.Fatal(err)
	}
	for g := range xs {
		mg := mix[g].Marginal(1)
		if c := mg.CDF(b.Median[g]); math.Abs(c-0.5) > 1e-9 {
			t.Errorf("grid %d: F(median) = %v, want 0.5", g, c)
		}
		for l, lv := range BandLevels {
			if c := mg.CDF(b.Upper[l][g]) - mg.CDF(b.Lower[l][g]); math.Abs(c-lv) > 1e-9 {
				t.Errorf("grid %d: interval %v holds %v", g, lv, c)
			}
		}
		if !(b.Lower[1][g] < b.Lower[0][g] && b.Upper[0][g] < b.Upper[1][g]) {
			t.Errorf("grid %d: the 90%% interval does not contain the 50%% one", g)
		}
	}
	if len(b.ModesX) < len(xs) {
		t.Errorf("got %d modes for %d grid values; every density has at least one", len(b.ModesX), len(xs))
	}
	if _, err := GridMixtures(m, d, 2, xs); err == nil {
		t.Error("covariate 2 of 2: no error")
	}
}
