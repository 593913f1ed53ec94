package model

import (
	"fmt"
	"github.com/mdn-go/mdn/arch"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/graph"
	"github.com/mdn-go/mdn/mixture"
	G "gorgonia.org/gorgonia"
)

// graphRowNLL runs the fused Gorgonia graph of w on (x, y) and returns its
// per-row NLL, in the units the network sees.
func graphRowNLL(t *testing.T, w *graph.Weights, x, y []float64, n int) []float64 {
	t.Helper()
	g := G.NewGraph()
	m, err := graph.Build(g, w, n, false)
	if err != nil {
		t.Fatal(err)
	}
	setAll(m.XT, func(i int) float64 { return x[i] })
	setAll(m.YT, func(i int) float64 { return y[i] })
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	return append([]float64(nil), m.RowNLL()...)
}

func closeTo(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func TestPredictMatchesGraph(t *testing.T) {
	type tc struct {
		name string
		spec arch.Spec
	}
	var cases []tc
	for _, noise := range arch.Noises {
		for _, d := range []int{1, 2} {
			cases = append(cases, tc{fmt.Sprintf("%s/d=%d", noise, d), testSpec(noise, d)})
		}
	}
	for _, act := range []arch.Activation{arch.ReLU, arch.ELU, arch.SiLU} {
		s := testSpec(arch.Diagonal, 2)
		s.Activation = act
		cases = append(cases, tc{fmt.Sprintf("diagonal/d=2/%s", act), s})
	}
	for _, noise := range []arch.Noise{arch.Full, arch.Isotropic} {
		s := testSpec(noise, 2)
		s.Transform, s.SigmaMin = arch.Softplus, 0
		cases = append(cases, tc{fmt.Sprintf("%s/d=2/softplus", noise), s})
	}
	for _, noise := range []arch.Noise{arch.Full, arch.Diagonal, arch.Fixed} {
		s := testSpec(noise, 2)
		s.Skip = true
		cases = append(cases, tc{fmt.Sprintf("%s/d=2/skip", noise), s})
	}
	const n = 9
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			w := randomWeights(t, c.spec, rng)
			x, y := normals(rng, n*c.spec.In), normals(rng, n*c.spec.Out)
			want := graphRowNLL(t, w, x, y, n)
			m := newModel(t, w, nil)
			// A batch of 4 splits the 9 rows into 4 + 4 + 1.
			mix, err := m.Predictor(4).Predict(x, n, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(mix) != n {
				t.Fatalf("got %d mixtures, want %d", len(mix), n)
			}
			D := c.spec.Out
			for r := range n {
				if err := mix[r].Validate(); err != nil {
					t.Fatalf("row %d: %v", r, err)
				}
				got := -mix[r].LogProb(y[r*D : (r+1)*D])
				if !closeTo(got, want[r], 1e-10) {
					t.Fatalf("row %d: got %v, want %v (graph RowNLL)", r, got, want[r])
				}
			}
		})
	}
}

// TestPredictOriginalUnits checks the change of variables y = YMean + YStd⊙y':
//
//	log p(y|x) = log p'(y'|x') − Σ_j log YStd[j],
//
// with log p' from the graph run on standardized data.
func TestPredictOriginalUnits(t *testing.T) {
	for _, noise := range []arch.Noise{arch.Full, arch.Diagonal, arch.Fixed} {
		t.Run(string(noise), func(t *testing.T) {
			s := testSpec(noise, 2)
			rng := rand.New(rand.NewPCG(3, 4))
			w := randomWeights(t, s, rng)
			sc := data.Scaler{XMean: []float64{10, -3}, XStd: []float64{2, 0.25},
				YMean: []float64{100, -7}, YStd: []float64{5, 0.1}}
			const n = 7
			xs, ys := normals(rng, n*s.In), normals(rng, n*s.Out) // standardized
			x, y := make([]float64, len(xs)), make([]float64, len(ys))
			for i, v := range xs {
				x[i] = sc.XMean[i%2] + sc.XStd[i%2]*v
			}
			for i, v := range ys {
				y[i] = sc.YMean[i%2] + sc.YStd[i%2]*v
			}
			// Recompute the standardized values as the scaler does, so that
			// the graph sees exactly what the Predictor computes.
			for r := range n {
				sc.TransformX(x[r*2:r*2+2], xs[r*2:r*2+2])
				sc.TransformY(y[r*2:r*2+2], ys[r*2:r*2+2])
			}
			nllStd := graphRowNLL(t, w, xs, ys, n)
			mix, err := newModel(t, w, &sc).Predictor(0).Predict(x, n, nil)
			if err != nil {
				t.Fatal(err)
			}
			logJac := math.Log(5) + math.Log(0.1)
			for r := range n {
				got := mix[r].LogProb(y[r*2 : r*2+2])
				want := -nllStd[r] - logJac
				if !closeTo(got, want, 1e-10) {
					t.Fatalf("row %d: got %v, want %v (graph on standardized data − Σ log YStd)", r, got, want)
				}
			}
		})
	}
}

func TestPredictFixedScales(t *testing.T) {
	// With fixed noise, L'_k = diag(YStd ⊙ FixedSigma) for every row and
	// component, whatever the network outputs.
	s := testSpec(arch.Fixed, 2)
	w := randomWeights(t, s, rand.New(rand.NewPCG(1, 1)))
	sc := data.IdentityScaler(2, 2)
	sc.YStd = []float64{3, 0.5}
	mix, err := newModel(t, w, &sc).Predictor(0).Predict([]float64{0.3, -1, 2, 5}, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	ys := sc.YStd // at run time: 3*0.7 as a constant expression would be rounded once, not twice
	want := []float64{ys[0] * 0.7, 0, 0, ys[1] * 1.3}
	for r, m := range mix {
		for k := range m.K {
			for i, v := range m.Chol[k*4 : k*4+4] {
				if v != want[i] {
					t.Fatalf("row %d, component %d: Chol[%d] = %v, want %v", r, k, i, v, want[i])
				}
			}
		}
	}
}

func TestPredictReusesDst(t *testing.T) {
	s := testSpec(arch.Full, 2)
	rng := rand.New(rand.NewPCG(5, 6))
	m := newModel(t, randomWeights(t, s, rng), nil)
	p := m.Predictor(8)
	x := normals(rng, 20*s.In)
	first, err := p.Predict(x, 20, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]float64, 20)
	for r := range want {
		want[r] = first[r].LogProb([]float64{0.1, 0.2})
	}
	mean0 := &first[0].Means[0]
	again, err := p.Predict(x, 20, first)
	if err != nil {
		t.Fatal(err)
	}
	if &again[0] != &first[0] || &again[0].Means[0] != mean0 {
		t.Fatalf("dst was not reused")
	}
	for r := range want {
		// Same input, same Predictor: the same bits.
		if got := again[r].LogProb([]float64{0.1, 0.2}); got != want[r] {
			t.Fatalf("row %d: got %v, want %v (first call)", r, got, want[r])
		}
	}
	// Reused with fewer rows: dst[:n]. A dst holding mixtures of another
	// shape (D = 1) gets new storage.
	fewer, err := p.Predict(x[:3*s.In], 3, again)
	if err != nil {
		t.Fatal(err)
	}
	if len(fewer) != 3 || &fewer[0] != &first[0] {
		t.Fatalf("got %d mixtures at %p, want 3 at %p", len(fewer), &fewer[0], &first[0])
	}
	small := []mixture.Mixture{{K: 1, D: 1, LogWeights: []float64{0}, Means: []float64{0}, Chol: []float64{1}}}
	grown, err := p.Predict(x, 20, small)
	if err != nil {
		t.Fatal(err)
	}
	for r := range want {
		if got := grown[r].LogProb([]float64{0.1, 0.2}); got != want[r] {
			t.Fatalf("row %d: got %v, want %v (first call)", r, got, want[r])
		}
	}
}

func TestPredictAllocatesPerBatchNotPerRow(t *testing.T) {
	s := arch.Spec{In: 1, Out: 1, K: 3, Hidden: []int{50, 50}, Activation: arch.ReLU, Noise: arch.Diagonal,
		Transform: arch.Exp, Dtype: arch.Float32}
	rng := rand.New(rand.NewPCG(1, 2))
	m := newModel(t, randomWeights(t, s, rng), nil)
	x := normals(rng, 2048)
	for _, tc := range []struct {
		batch   int
		perRow  float64
		comment string
	}{
		// Up to 192 rows gonum's Dgemm runs serially (fewer than 4 blocks
		// of 64×64), so nothing at all is allocated.
		{64, 0, "serial Dgemm"},
		// Larger products start one goroutine per 64-row block; that costs
		// a few objects per block, far from one per row.
		{512, 0.5, "parallel Dgemm"},
	} {
		t.Run(fmt.Sprint(tc.batch), func(t *testing.T) {
			if raceEnabled {
				t.Skip("allocation counts are not meaningful under the race detector")
			}
			p := m.Predictor(tc.batch)
			dst, err := p.Predict(x, len(x), nil)
			if err != nil {
				t.Fatal(err)
			}
			allocs := testing.AllocsPerRun(5, func() {
				if _, err := p.Predict(x, len(x), dst); err != nil {
					t.Fatal(err)
				}
			})
			if allocs > tc.perRow*float64(len(x)) {
				t.Fatalf("got %v allocations for %d rows, want ≤ %v per row (%s)", allocs, len(x), tc.perRow, tc.comment)
			}
		})
	}
}

func TestPredictErrors(t *testing.T) {
	s := testSpec(arch.Diagonal, 1)
	s.SigmaMin = 0
	w := randomWeights(t, s, rand.New(rand.NewPCG(8, 9)))
	m := newModel(t, w, nil)
	// A bias of −1000 on the scale channel of component 1 gives
	// σ = exp(−1000 + O(1)), which underflows to 0.
	bad := w.Clone()
	last := bad.Normal[len(bad.Normal)-1].B.Data().([]float64)
	last[s.K*s.Out+1] = -1000
	mBad := newModel(t, bad, nil)
	broken := *m
	broken.Arrays = m.Arrays[1:]
	for _, tc := range []struct {
		name string
		m    *Model
		x    []float64
		n    int
		want string
	}{
		{"short x", m, []float64{1, 2, 3}, 2, "model: predict: x has 3 values, want n·dim_in = 2·2 = 4"},
		{"negative n", m, nil, -1, "model: predict: n must be ≥ 0, got -1"},
		{"NaN covariate", m, []float64{1, 2, 3, math.NaN()}, 2, "model: predict: row 1, covariate 1: must be finite, got NaN"},
		{"invalid model", &broken, []float64{0.1, 0.2}, 1, `model: predictor: weights: "pi.0.weight" missing`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.m.Predictor(0).Predict(tc.x, tc.n, nil)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	// A σ that underflows is clamped to minScale, not an error.
	if mix, err := mBad.Predictor(0).Predict([]float64{0.1, 0.2}, 1, nil); err != nil || mix[0].Chol[1] != minScale {
		t.Fatalf("underflowing σ: got %v, L = %v; want L_11 clamped to %v", err, mix[0].Chol, minScale)
	}
	// No rows is not an error.
	mix, err := m.Predictor(0).Predict(nil, 0, nil)
	if err != nil || len(mix) != 0 {
		t.Fatalf("got %d mixtures and %v, want 0 and nil", len(mix), err)
	}
}

// BenchmarkPredict is the forward pass of the ex1d architecture (1 → 1,
// K = 3, hidden [50, 50] ReLU, diagonal) on 4096 rows in one batch.
func BenchmarkPredict(b *testing.B) {
	s := arch.Spec{In: 1, Out: 1, K: 3, Hidden: []int{50, 50}, Activation: arch.ReLU, Noise: arch.Diagonal,
		Transform: arch.Exp, Dtype: arch.Float32}
	rng := rand.New(rand.NewPCG(1, 2))
	m := newModel(b, randomWeights(b, s, rng), nil)
	const n = 4096
	x := make([]float64, n)
	for i := range x {
		x[i] = 16*rng.Float64() - 8
	}
	p := m.Predictor(n)
	dst, err := p.Predict(x, n, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if dst, err = p.Predict(x, n, dst); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// TestPredictFarOutsideIsFinite: covariates far outside any training range
// still give valid mixtures (σ clamped), even with σ = exp(raw), σ_min = 0.
func TestPredictFarOutsideIsFinite(t *testing.T) {
	s := arch.Spec{In: 1, Out: 1, K: 3, Hidden: []int{8}, Activation: arch.ReLU, Noise: arch.Diagonal,
		Transform: arch.Exp, Dtype: arch.Float64}
	w, err := graph.NewWeights(s, rand.New(rand.NewPCG(3, 3)))
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(s, w.Arrays(), []string{"x"}, []string{"y"}, data.IdentityScaler(1, 1), Summary{})
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{0, 1e3, -1e3, 1e6, -1e6, 1e30, -1e30, 1e300, -1e300}
	mix, err := m.Predictor(0).Predict(x, len(x), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range mix {
		if err := mix[i].Validate(); err != nil {
			t.Fatalf("x = %v: %v", x[i], err)
		}
		if lp := mix[i].LogProb([]float64{0}); math.IsNaN(lp) {
			t.Fatalf("x = %v: LogProb(0) is NaN", x[i])
		}
	}
}
