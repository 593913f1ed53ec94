package conformal

import (
	"math"

	"github.com/mdn-go/mdn/mixture"
)

// asymptoticZ is where logPhi switches from log(½ erfc(−z/√2)) to the
// asymptotic series of the normal tail; erfc underflows near z = −38.
const asymptoticZ = -25

// logPhi returns log Φ(z), the log of the standard normal distribution
// function, accurate far into the lower tail:
//
//	log Φ(z) = log(½ erfc(−z/√2))                                   z ≥ −25,
//	log Φ(z) = −z²/2 − log(−z) − ½ log 2π + log(1 − z⁻² + 3z⁻⁴ − 15z⁻⁶)   z < −25,
//
// the second the asymptotic (Laplace) expansion of Mills' ratio, whose
// next term, 105 z⁻⁸, is below 7e-10 at z = −25.
func logPhi(z float64) float64 {
	if z >= asymptoticZ {
		return math.Log(0.5 * math.Erfc(-z/math.Sqrt2))
	}
	w := 1 / (z * z)
	return -0.5*z*z - math.Log(-z) - 0.5*math.Log(2*math.Pi) + math.Log1p(w*(-1+w*(3-15*w)))
}

// logTails returns log F(y) and log(1 − F(y)) of a D = 1 mixture,
//
//	log F(y)       = logsumexp_k( log π_k + log Φ((y − μ_k)/σ_k) ),
//	log (1 − F(y)) = logsumexp_k( log π_k + log Φ((μ_k − y)/σ_k) ),
//
// each tail computed directly, so neither is rounded to 0 or 1 until the
// normal tail itself underflows (|z| beyond about 38.6 for log Φ to reach
// the float64 range limit: log Φ stays finite for any finite z).
func logTails(m *mixture.Mixture, y float64) (lower, upper float64) {
	lower, upper = math.Inf(-1), math.Inf(-1)
	for k, lw := range m.LogWeights {
		if math.IsInf(lw, -1) {
			continue
		}
		z := (y - m.Means[k]) / m.Chol[k]
		lower = logAddExp(lower, lw+logPhi(z))
		upper = logAddExp(upper, lw+logPhi(-z))
	}
	return lower, upper
}

// logAddExp is log(e^a + e^b) without overflow.
func logAddExp(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if math.IsInf(b, -1) {
		return a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// tailQuantile returns the smallest float y with log F(y) ≥ tau (upper:
// false) or the largest with log(1 − F(y)) ≥ tau (upper: true), for a
// D = 1 mixture and tau ≤ log ½, by bracketing from the component means
// outwards and bisecting to adjacent floats. It returns ∓Inf when no
// finite float reaches tau.
func tailQuantile(m *mixture.Mixture, tau float64, upper bool) float64 {
	f := func(y float64) float64 { // increasing in the direction of the set
		l, u := logTails(m, y)
		if upper {
			return u - tau // ≥ 0 for y at or below the upper end
		}
		return l - tau // ≥ 0 for y at or above the lower end
	}
	minMu, maxMu, maxS := math.Inf(1), math.Inf(-1), 0.0
	for k := range m.K {
		if math.IsInf(m.LogWeights[k], -1) {
			continue
		}
		minMu, maxMu, maxS = min(minMu, m.Means[k]), max(maxMu, m.Means[k]), max(maxS, m.Chol[k])
	}
	// in: a point inside the set (f ≥ 0); out: a point outside.
	var in, out float64
	step := maxS
	if upper {
		in, out = minMu-maxS, maxMu+step
		for f(in) < 0 {
			in -= step
			step *= 2
		}
		for step = maxS; f(out) >= 0; step *= 2 {
			out += step
			if math.IsInf(out, 1) {
				return math.Inf(1)
			}
		}
	} else {
		in, out = maxMu+maxS, minMu-step
		for f(in) < 0 {
			in += step
			step *= 2
		}
		for step = maxS; f(out) >= 0; step *= 2 {
			out -= step
			if math.IsInf(out, -1) {
				return math.Inf(-1)
			}
		}
	}
	return boundary(func(y float64) float64 { return f(y) }, out, in)
}
