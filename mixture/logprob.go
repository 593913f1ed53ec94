package mixture

import (
	"fmt"
	"math"
)

// LogProb returns the log density of the mixture at y (len D),
//
//	log p(y) = logsumexp_k( log π_k + log N(y; μ_k, Σ_k) ),
//	log N(y; μ, L Lᵀ) = −½ ‖z‖² − Σ_j log L_jj − (D/2) log 2π,  L z = y − μ,
//
// with z found by forward substitution. The logsumexp is max-subtracted,
// in its one-pass form (the running sum is rescaled whenever a larger term
// appears), so it neither overflows nor underflows and needs no buffer of
// K terms. Components of weight 0 are skipped. The result is −Inf where
// every component density underflows and NaN if y holds a NaN.
//
// LogProb does not allocate for D ≤ 8. It panics if len(y) != D.
func (m *Mixture) LogProb(y []float64) float64 {
	if len(y) != m.D {
		panic(fmt.Sprintf("mixture: log prob: len(y) = %d, want D = %d", len(y), m.D))
	}
	var buf [stackD]float64
	var z []float64
	if m.D <= stackD {
		z = buf[:m.D]
	} else {
		z = make([]float64, m.D)
	}
	max, sum := math.Inf(-1), 0.0
	for k, lw := range m.LogWeights {
		if math.IsInf(lw, -1) {
			continue
		}
		t := lw + m.logNormal(k, y, z)
		switch {
		case math.IsNaN(t):
			return math.NaN()
		case math.IsInf(t, -1):
			// exp(t − max) = 0: nothing to add.
		case t > max:
			sum = sum*math.Exp(max-t) + 1
			max = t
		default:
			sum += math.Exp(t - max)
		}
	}
	if math.IsInf(max, -1) {
		return max
	}
	return max + math.Log(sum)
}

// logNormal returns log N(y; μ_k, L_k L_kᵀ), using z (len D) as scratch;
// on return z = L_k⁻¹ (y − μ_k).
func (m *Mixture) logNormal(k int, y, z []float64) float64 {
	d := m.D
	mu, l := m.mean(k), m.chol(k)
	var quad, logDet float64
	for i := 0; i < d; i++ {
		row := l[i*d : i*d+i+1]
		s := y[i] - mu[i]
		for j, v := range row[:i] {
			s -= v * z[j]
		}
		zi := s / row[i]
		z[i] = zi
		quad += zi * zi
		logDet += math.Log(row[i])
	}
	return -0.5*quad - logDet - float64(d)*halfLog2Pi
}
