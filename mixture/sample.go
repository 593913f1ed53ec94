package mixture

import (
	"math"
	"math/rand/v2"
)

// SampleComponent draws a component index k with probability π_k by
// inverting the CDF of the weights at one uniform u = rng.Float64() in
// [0, 1): it returns the first k with π_0 + … + π_k > u. Components of
// weight 0 (including weights that underflow exp) are never returned, and
// when rounding leaves π_0 + … + π_{K−1} ≤ u the last component of positive
// weight is returned, so the index is always in [0, K).
func (m *Mixture) SampleComponent(rng *rand.Rand) int {
	return pickComponent(m.LogWeights, rng.Float64())
}

// pickComponent is SampleComponent for a given u in [0, 1).
func pickComponent(logWeights []float64, u float64) int {
	var cum float64
	last := -1
	for k, lw := range logWeights {
		w := math.Exp(lw)
		if w == 0 {
			continue
		}
		cum += w
		if u < cum {
			return k
		}
		last = k
	}
	if last < 0 {
		panic("mixture: sample: every component has weight 0")
	}
	return last
}

// Sample draws y ~ p into dst (len D, allocated if nil) and returns it:
// a component k from SampleComponent, then
//
//	y = μ_k + L_k ε,  ε ~ N(0, I_D),
//
// using one rng.Float64 and then D rng.NormFloat64 calls, in that order.
// With a dst given, Sample does not allocate. It panics if dst is non-nil
// and len(dst) != D.
func (m *Mixture) Sample(rng *rand.Rand, dst []float64) []float64 {
	dst = sized(dst, m.D, "sample")
	k := m.SampleComponent(rng)
	for i := range dst {
		dst[i] = rng.NormFloat64()
	}
	// y_i = μ_i + Σ_{j≤i} L_ij ε_j, computed from the last row up so that
	// each row reads only the ε_j (j ≤ i) still held in dst.
	d := m.D
	mu, l := m.mean(k), m.chol(k)
	for i := d - 1; i >= 0; i-- {
		var s float64
		for j, v := range l[i*d : i*d+i+1] {
			s += v * dst[j]
		}
		dst[i] = mu[i] + s
	}
	return dst
}
