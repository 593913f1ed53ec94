package mixture

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
)

// randomMixture returns a mixture with random weights, means in [-3, 3)
// and full, well conditioned Cholesky factors (diagonal in [0.5, 1.5),
// below-diagonal entries in [-0.5, 0.5)).
func randomMixture(t testing.TB, rng *rand.Rand, k, d int) *Mixture {
	t.Helper()
	lw := make([]float64, k)
	for i := range lw {
		lw[i] = rng.NormFloat64()
	}
	mu := make([]float64, k*d)
	for i := range mu {
		mu[i] = -3 + 6*rng.Float64()
	}
	chol := make([]float64, k*d*d)
	for c := 0; c < k; c++ {
		for i := 0; i < d; i++ {
			for j := 0; j < i; j++ {
				chol[c*d*d+i*d+j] = rng.Float64() - 0.5
			}
			chol[c*d*d+i*d+i] = 0.5 + rng.Float64()
		}
	}
	m, err := New(lw, mu, chol, k, d)
	if err != nil {
		t.Fatalf("randomMixture: %v", err)
	}
	return m
}

// mustDiag builds a diagonal mixture from weights (not log weights) or fails the test.
func mustDiag(t testing.TB, weights, means, sigmas []float64, d int) *Mixture {
	t.Helper()
	lw := make([]float64, len(weights))
	for i, w := range weights {
		lw[i] = math.Log(w)
	}
	m, err := NewDiagonal(lw, means, sigmas, len(weights), d)
	if err != nil {
		t.Fatalf("NewDiagonal: %v", err)
	}
	return m
}

// integrateMixture returns ∫_a^b f for an f that is smooth on the scale of
// the components of the D = 1 mixture m: 20-point Gauss–Legendre between
// breakpoints that are σ_k/2 apart within 40 σ_k of every μ_k, plus a, b
// and the extra points (where f may have a kink).
func integrateMixture(m *Mixture, f func(float64) float64, a, b float64, extra ...float64) float64 {
	pts := []float64{a, b}
	for _, x := range extra {
		if x > a && x < b {
			pts = append(pts, x)
		}
	}
	for k := 0; k < m.K; k++ {
		mu, s := m.Means[k], m.Chol[k]
		for i := -80; i <= 80; i++ {
			if x := mu + float64(i)*s/2; x > a && x < b {
				pts = append(pts, x)
			}
		}
	}
	slices.Sort(pts)
	pts = slices.Compact(pts)
	var sum float64
	for i := 1; i < len(pts); i++ {
		sum += quad.Fixed(f, pts[i-1], pts[i], 20, quad.Legendre{}, 0)
	}
	return sum
}

// span1D returns the range [min μ − n·max σ, max μ + n·max σ] of a D = 1
// mixture and its smallest σ.
func span1D(m *Mixture, n float64) (lo, hi, sigmaMin float64) {
	lo, hi, sigmaMin = math.Inf(1), math.Inf(-1), math.Inf(1)
	maxSigma := 0.0
	for k := 0; k < m.K; k++ {
		lo = math.Min(lo, m.Means[k])
		hi = math.Max(hi, m.Means[k])
		maxSigma = math.Max(maxSigma, m.Chol[k])
		sigmaMin = math.Min(sigmaMin, m.Chol[k])
	}
	return lo - n*maxSigma, hi + n*maxSigma, sigmaMin
}

func relErr(got, want float64) float64 {
	if got == want {
		return 0
	}
	return math.Abs(got-want) / math.Max(math.Abs(want), 1e-300)
}
