package mixture

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distmv"
)

// distmvLogProb is log p(y) computed independently: one gonum distmv.Normal
// per component built from Σ_k = L_k L_kᵀ (gonum factorizes Σ_k itself),
// combined with floats.LogSumExp.
func distmvLogProb(t *testing.T, m *Mixture, y []float64) float64 {
	t.Helper()
	d := m.D
	terms := make([]float64, m.K)
	for k := 0; k < m.K; k++ {
		l := mat.NewDense(d, d, append([]float64(nil), m.Chol[k*d*d:(k+1)*d*d]...))
		var sigma mat.SymDense
		sigma.SymOuterK(1, l)
		n, ok := distmv.NewNormal(m.Means[k*d:(k+1)*d], &sigma, nil)
		if !ok {
			t.Fatalf("component %d: covariance not positive definite", k)
		}
		terms[k] = m.LogWeights[k] + n.LogProb(y)
	}
	return floats.LogSumExp(terms)
}

func TestLogProbMatchesDistmv(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 20))
	for _, d := range []int{1, 2, 3} {
		for _, k := range []int{1, 3, 5} {
			t.Run(fmt.Sprintf("D=%d,K=%d", d, k), func(t *testing.T) {
				for trial := range 20 {
					m := randomMixture(t, rng, k, d)
					y := make([]float64, d)
					for i := range y {
						y[i] = -5 + 10*rng.Float64()
					}
					got := m.LogProb(y)
					want := distmvLogProb(t, m, y)
					if relErr(got, want) > 1e-12 {
						t.Errorf("trial %d y=%v: got %v, want %v", trial, y, got, want)
					}
				}
			})
		}
	}
}

func TestLogProbSingleGaussian(t *testing.T) {
	tests := []struct {
		name string
		m    *Mixture
		y    []float64
		want float64
	}{
		// log N(y; μ, σ²) = −½((y−μ)/σ)² − log σ − ½ log 2π.
		{"1-D", mustDiag(t, []float64{1}, []float64{1}, []float64{2}, 1), []float64{4},
			-0.5*1.5*1.5 - math.Log(2) - 0.5*math.Log(2*math.Pi)},
		// Far in the tail a naive exp underflows; the log stays exact.
		{"1-D tail", mustDiag(t, []float64{1}, []float64{0}, []float64{1}, 1), []float64{100},
			-0.5*1e4 - 0.5*math.Log(2*math.Pi)},
		// Diagonal 2-D: sum of two 1-D log densities.
		{"2-D diagonal", mustDiag(t, []float64{1}, []float64{0, 1}, []float64{0.5, 3}, 2), []float64{1, -2},
			(-0.5*4 - math.Log(0.5) - 0.5*math.Log(2*math.Pi)) + (-0.5*1 - math.Log(3) - 0.5*math.Log(2*math.Pi))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.m.LogProb(tt.y); relErr(got, tt.want) > 1e-14 {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLogProbPermutationInvariant(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, d := range []int{1, 2, 3} {
		m := randomMixture(t, rng, 5, d)
		perm := rng.Perm(m.K)
		p := &Mixture{K: m.K, D: d, LogWeights: make([]float64, m.K), Means: make([]float64, m.K*d), Chol: make([]float64, m.K*d*d)}
		for i, k := range perm {
			p.LogWeights[i] = m.LogWeights[k]
			copy(p.Means[i*d:], m.Means[k*d:(k+1)*d])
			copy(p.Chol[i*d*d:], m.Chol[k*d*d:(k+1)*d*d])
		}
		for range 20 {
			y := make([]float64, d)
			for i := range y {
				y[i] = 4 * rng.NormFloat64()
			}
			if got, want := p.LogProb(y), m.LogProb(y); relErr(got, want) > 1e-13 {
				t.Errorf("D=%d perm %v y=%v: got %v, want %v", d, perm, y, got, want)
			}
		}
	}
}

func TestLogProbExtremes(t *testing.T) {
	ninf := math.Inf(-1)
	// A zero-weight component is skipped: the result is the other component's.
	zero := &Mixture{K: 2, D: 1, LogWeights: []float64{ninf, 0}, Means: []float64{0, 3}, Chol: []float64{1, 1}}
	if got, want := zero.LogProb([]float64{3}), -0.5*math.Log(2*math.Pi); relErr(got, want) > 1e-15 {
		t.Errorf("zero weight: got %v, want %v", got, want)
	}
	// Far from both components every density underflows exp, but the
	// max-subtracted logsumexp keeps the log; independent value from
	// floats.LogSumExp of the two closed-form terms.
	two := mustDiag(t, []float64{0.5, 0.5}, []float64{0, 1}, []float64{1, 1}, 1)
	y := 1000.0
	want := floats.LogSumExp([]float64{
		math.Log(0.5) - 0.5*y*y - 0.5*math.Log(2*math.Pi),
		math.Log(0.5) - 0.5*(y-1)*(y-1) - 0.5*math.Log(2*math.Pi),
	})
	if got := two.LogProb([]float64{y}); relErr(got, want) > 1e-14 {
		t.Errorf("far tail: got %v, want %v", got, want)
	}
	if got := two.LogProb([]float64{math.NaN()}); !math.IsNaN(got) {
		t.Errorf("NaN input: got %v, want NaN", got)
	}
	if got := two.LogProb([]float64{math.Inf(1)}); !math.IsInf(got, -1) {
		t.Errorf("+Inf input: got %v, want -Inf", got)
	}
}

func TestDensityIntegratesToOne(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	ms := map[string]*Mixture{
		"overlapping":  mustDiag(t, []float64{0.5, 0.5}, []float64{0, 1}, []float64{1, 1}, 1),
		"far apart":    mustDiag(t, []float64{0.999, 0.001}, []float64{0, 1e4}, []float64{1, 0.01}, 1),
		"narrow+broad": mustDiag(t, []float64{0.3, 0.7}, []float64{2, -1}, []float64{0.05, 20}, 1),
		"random K=5":   randomMixture(t, rng, 5, 1),
	}
	for name, m := range ms {
		t.Run(name, func(t *testing.T) {
			lo, hi, _ := span1D(m, 40)
			y := make([]float64, 1)
			got := integrateMixture(m, func(x float64) float64 { y[0] = x; return math.Exp(m.LogProb(y)) }, lo, hi)
			if math.Abs(got-1) > 1e-8 {
				t.Errorf("∫ p: got %v, want 1", got)
			}
		})
	}
}

func TestLogProbDoesNotAllocate(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, d := range []int{1, 2, 8} {
		m := randomMixture(t, rng, 5, d)
		y := make([]float64, d)
		if n := testing.AllocsPerRun(100, func() { m.LogProb(y) }); n != 0 {
			t.Errorf("D=%d: got %v allocs per LogProb, want 0", d, n)
		}
	}
}

func BenchmarkLogProb(b *testing.B) {
	for _, c := range []struct{ d, k int }{{1, 3}, {2, 5}} {
		b.Run(fmt.Sprintf("D=%d,K=%d", c.d, c.k), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			m := randomMixture(b, rng, c.k, c.d)
			y := make([]float64, c.d)
			b.ReportAllocs()
			var s float64
			for i := 0; b.Loop(); i++ {
				y[0] = float64(i%7) - 3
				s += m.LogProb(y)
			}
			_ = s
		})
	}
}
