package mixture

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// constSource is a rand.Source that always returns the same word, so
// rand.New(constSource(math.MaxUint64)).Float64() is 1 − 2⁻⁵³, the largest
// value Float64 returns, and constSource(0) gives 0.
type constSource uint64

func (s constSource) Uint64() uint64 { return uint64(s) }

func TestSampleComponentEdges(t *testing.T) {
	ninf := math.Inf(-1)
	// Seven weights of 1/7 sum to 0.9999999999999997 in float64.
	seventh := slices.Repeat([]float64{math.Log(1.0 / 7)}, 7)
	var sum float64
	for _, lw := range seventh {
		sum += math.Exp(lw)
	}
	if !(sum < 1-0x1p-53) {
		t.Fatalf("precondition: Σ exp(log 1/7) over 7 terms: got %v, want < 1 − 2⁻⁵³ in float64", sum)
	}
	uMax := rand.New(constSource(math.MaxUint64))
	if u := uMax.Float64(); u != 1-0x1p-53 {
		t.Fatalf("precondition: max Float64: got %v, want 1 − 2⁻⁵³", u)
	}
	uZero := rand.New(constSource(0))
	tests := []struct {
		name string
		lw   []float64
		rng  *rand.Rand
		want int
	}{
		// Σπ < u: the last component, not K.
		{"sum below u", seventh, uMax, 6},
		// A trailing zero-weight component is never drawn, even at the top.
		{"trailing zero", []float64{math.Log(0.5), math.Log(0.5), ninf}, uMax, 1},
		// exp(−800) underflows to 0: treated as weight 0.
		{"trailing underflow", []float64{math.Log(0.3), math.Log(0.7), -800}, uMax, 1},
		// A leading zero-weight component is never drawn, even at u = 0.
		{"leading zero", []float64{ninf, ninf, 0}, uZero, 2},
		{"leading zero, top", []float64{ninf, 0, ninf}, uMax, 1},
		{"first", []float64{math.Log(0.3), math.Log(0.7)}, uZero, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &Mixture{K: len(tt.lw), D: 1, LogWeights: tt.lw, Means: make([]float64, len(tt.lw)), Chol: slices.Repeat([]float64{1}, len(tt.lw))}
			if err := m.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if got := m.SampleComponent(tt.rng); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestPickComponentNeverZeroWeight(t *testing.T) {
	// Weights with zeros between and around, probed over a grid of u
	// including the largest u: the pick is in range and of positive weight.
	ninf := math.Inf(-1)
	lw := []float64{ninf, math.Log(0.25), ninf, -1000, math.Log(0.75), ninf}
	for i := 0; i <= 1000; i++ {
		u := math.Min(float64(i)/1000, 1-0x1p-53)
		k := pickComponent(lw, u)
		if k < 0 || k >= len(lw) || math.Exp(lw[k]) == 0 {
			t.Fatalf("u=%v: got component %d, want one of positive weight {1, 4}", u, k)
		}
	}
}

func TestSampleComponentFrequencies(t *testing.T) {
	m := mustDiag(t, []float64{0.1, 0.0, 0.6, 0.3}, []float64{0, 1, 2, 3}, []float64{1, 1, 1, 1}, 1)
	rng := rand.New(rand.NewPCG(11, 12))
	const n = 100_000
	counts := make([]int, m.K)
	for range n {
		counts[m.SampleComponent(rng)]++
	}
	for k, w := range m.Weights(nil) {
		got := float64(counts[k]) / n
		// Binomial standard error sqrt(π(1−π)/n); 5 of them.
		if se := math.Sqrt(w * (1 - w) / n); math.Abs(got-w) > 5*se {
			t.Errorf("component %d frequency: got %v, want %v ± %v", k, got, w, 5*se)
		}
	}
	if counts[1] != 0 {
		t.Errorf("zero-weight component drawn %d times, want 0", counts[1])
	}
}

// checkMoments draws n samples and compares their mean and covariance with
// Mean and Cov, allowing 5 standard errors each; the standard error of a
// covariance entry is estimated from the same draws (from the sample
// variance of (y_i − m_i)(y_j − m_j)).
func checkMoments(t *testing.T, m *Mixture, n int, seed uint64) {
	t.Helper()
	d := m.D
	rng := rand.New(rand.NewPCG(seed, seed+1))
	wantMean, wantCov := m.Mean(nil), m.Cov(nil)
	ys := make([]float64, n*d)
	for i := range n {
		m.Sample(rng, ys[i*d:(i+1)*d])
	}
	mean := make([]float64, d)
	for i := range n {
		for j := range d {
			mean[j] += ys[i*d+j]
		}
	}
	for j := range d {
		mean[j] /= float64(n)
		se := math.Sqrt(wantCov[j*d+j] / float64(n))
		if math.Abs(mean[j]-wantMean[j]) > 5*se {
			t.Errorf("n=%d mean[%d]: got %v, want %v ± %v", n, j, mean[j], wantMean[j], 5*se)
		}
	}
	for a := range d {
		for b := range d {
			var s, s2 float64
			for i := range n {
				p := (ys[i*d+a] - mean[a]) * (ys[i*d+b] - mean[b])
				s += p
				s2 += p * p
			}
			c := s / float64(n)
			se := math.Sqrt((s2/float64(n) - c*c) / float64(n))
			if w := wantCov[a*d+b]; math.Abs(c-w) > 5*se {
				t.Errorf("n=%d cov[%d][%d]: got %v, want %v ± %v", n, a, b, c, w, 5*se)
			}
		}
	}
}

func TestSampleMoments(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	ms := map[string]*Mixture{
		"1-D bimodal": mustDiag(t, []float64{0.3, 0.7}, []float64{-4, 2}, []float64{0.5, 1.5}, 1),
		"2-D K=3":     randomMixture(t, rng, 3, 2),
		"3-D K=5":     randomMixture(t, rng, 5, 3),
	}
	sizes := []int{100_000}
	if !testing.Short() {
		sizes = append(sizes, 1_000_000)
	}
	for name, m := range ms {
		for _, n := range sizes {
			t.Run(fmt.Sprintf("%s/n=%d", name, n), func(t *testing.T) { checkMoments(t, m, n, uint64(n)) })
		}
	}
}

func TestSampleDeterministic(t *testing.T) {
	m := randomMixture(t, rand.New(rand.NewPCG(1, 1)), 3, 2)
	a, b := rand.New(rand.NewPCG(9, 9)), rand.New(rand.NewPCG(9, 9))
	for i := range 100 {
		ya, yb := m.Sample(a, nil), m.Sample(b, nil)
		if !slices.Equal(ya, yb) {
			t.Fatalf("draw %d with equal seeds: got %v and %v, want equal", i, ya, yb)
		}
	}
}

func TestSampleSingleComponentIsAffineInNormals(t *testing.T) {
	// With K = 1 a draw is μ + L ε where ε are the rng's NormFloat64 after
	// one Float64: replay the same stream to get ε.
	m, err := New([]float64{0}, []float64{1, -2}, []float64{2, 0, 0.5, 3}, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	got := m.Sample(rand.New(rand.NewPCG(4, 4)), nil)
	r := rand.New(rand.NewPCG(4, 4))
	r.Float64()
	e0, e1 := r.NormFloat64(), r.NormFloat64()
	want := []float64{1 + 2*e0, -2 + 0.5*e0 + 3*e1}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestSampleDoesNotAllocate(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, d := range []int{1, 2, 8, 12} {
		m := randomMixture(t, rng, 5, d)
		dst := make([]float64, d)
		if n := testing.AllocsPerRun(100, func() { m.Sample(rng, dst) }); n != 0 {
			t.Errorf("D=%d: got %v allocs per Sample, want 0", d, n)
		}
	}
}

func BenchmarkSample(b *testing.B) {
	for _, c := range []struct{ d, k int }{{1, 3}, {2, 5}} {
		b.Run(fmt.Sprintf("D=%d,K=%d", c.d, c.k), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			m := randomMixture(b, rng, c.k, c.d)
			dst := make([]float64, c.d)
			b.ReportAllocs()
			for b.Loop() {
				m.Sample(rng, dst)
			}
		})
	}
}
