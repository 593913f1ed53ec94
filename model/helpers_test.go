package model

import (
	"github.com/mdn-go/mdn/arch"
	"math/rand/v2"
	"testing"

	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/graph"
	"gorgonia.org/tensor"
)

// testSpec is a small two-layer MDN over 2 covariates (the graph package's
// test architecture).
func testSpec(noise arch.Noise, d int) arch.Spec {
	s := arch.Spec{In: 2, Out: d, K: 3, Hidden: []int{6, 5}, Activation: arch.Tanh, Noise: noise,
		Transform: arch.Exp, SigmaMin: 0.01, Dtype: arch.Float64}
	if noise == arch.Fixed {
		s.FixedSigma = []float64{0.7, 1.3, 0.4}[:d]
	}
	return s
}

// randomWeights draws Glorot weights and, so that the scale channels are away
// from 0 and the logits differ between components, N(0, 0.5²) biases.
func randomWeights(t testing.TB, s arch.Spec, rng *rand.Rand) *graph.Weights {
	t.Helper()
	w, err := graph.NewWeights(s, rng)
	if err != nil {
		t.Fatal(err)
	}
	for _, ls := range [][]graph.Layer{w.Pi, w.Normal} {
		for _, l := range ls {
			setAll(l.B, func(int) float64 { return 0.5 * rng.NormFloat64() })
		}
	}
	if w.Skip != nil {
		setAll(w.Skip, func(int) float64 { return 0.5 * rng.NormFloat64() })
	}
	return w
}

func setAll(t *tensor.Dense, v func(int) float64) {
	switch d := t.Data().(type) {
	case []float32:
		for i := range d {
			d[i] = float32(v(i))
		}
	case []float64:
		for i := range d {
			d[i] = v(i)
		}
	}
}

func names(prefix string, n int) []string {
	ns := make([]string, n)
	for i := range ns {
		ns[i] = prefix + string(rune('a'+i))
	}
	return ns
}

// newModel wraps w in a Model with scaler sc (identity if nil).
func newModel(t testing.TB, w *graph.Weights, sc *data.Scaler) *Model {
	t.Helper()
	s := w.Spec
	scaler := data.IdentityScaler(s.In, s.Out)
	if sc != nil {
		scaler = *sc
	}
	best := 1.25
	m, err := New(s, w.Arrays(), names("x", s.In), names("y", s.Out), scaler,
		Summary{Steps: 10, Seconds: 0.5, Seed: 42, BestValidationNLL: &best, FinalTrainLoss: 1.5, Config: "ex.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func normals(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}
