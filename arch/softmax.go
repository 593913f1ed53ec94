package arch

import "math"

// LogSoftmax writes log π = z − logsumexp(z) for one row z into dst and
// returns logsumexp(z). The maximum is the row's own, so rows such as
// [1000, 0, 0] and [−1000, 0, 0] are exact:
//
//	logsumexp(z) = m + log Σ_k exp(z_k − m),  m = max_k z_k
//
// If the largest entry is ±Inf (all entries −Inf, or one +Inf), dst holds
// NaN and the result is that infinity.
func LogSoftmax(dst, z []float64) float64 {
	lse := SoftmaxLSE(dst, z)
	if math.IsInf(lse, 0) {
		return lse // dst holds NaN: no mass, or an infinite entry
	}
	for i, v := range z {
		dst[i] = v - lse
	}
	return lse
}

// SoftmaxLSE writes p_k = exp(z_k − m)/s and returns logsumexp(z) = m + log s,
// m = max_k z_k (one exp per entry, one log). If m is ±Inf, p is NaN and m
// is returned.
func SoftmaxLSE(p, z []float64) float64 {
	m := maxOf(z)
	if math.IsInf(m, 0) {
		for i := range p {
			p[i] = math.NaN()
		}
		return m
	}
	var s float64
	for i, v := range z {
		e := math.Exp(v - m)
		p[i] = e
		s += e
	}
	inv := 1 / s
	for i := range p {
		p[i] *= inv
	}
	return m + math.Log(s)
}

// maxOf is the fold m = math.Max(m, v) over z from −Inf, bit for bit (+Inf
// wins over everything, then NaN; +0 beats −0), with comparisons the
// compiler inlines instead of a call per entry.
func maxOf(z []float64) float64 {
	m, nan := math.Inf(-1), false
	for _, v := range z {
		switch {
		case v > m || (v == 0 && m == 0 && math.Signbit(m)):
			m = v
		case v != v:
			nan = true
		}
	}
	if nan && !math.IsInf(m, 1) {
		return math.NaN()
	}
	return m
}
