package mixture

import (
	"fmt"
	"math"
)

// stdNormalCDF is Φ(z) = ½ erfc(−z/√2), accurate in both tails.
func stdNormalCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

// stdNormalPDF is φ(z) = exp(−z²/2) / √(2π).
func stdNormalPDF(z float64) float64 { return math.Exp(-0.5*z*z - halfLog2Pi) }

// CDF returns the distribution function of a D = 1 mixture,
//
//	F(y) = Σ_k π_k Φ((y − μ_k)/σ_k),  σ_k = L_k (Chol[k]),
//
// with Φ(z) = ½ erfc(−z/√2). It returns NaN if D != 1 (use Marginal).
func (m *Mixture) CDF(y float64) float64 {
	if m.D != 1 {
		return math.NaN()
	}
	var f float64
	for k, lw := range m.LogWeights {
		if w := math.Exp(lw); w > 0 {
			f += w * stdNormalCDF((y-m.Means[k])/m.Chol[k])
		}
	}
	return f
}

// PDF returns the density of a D = 1 mixture at y,
//
//	p(y) = Σ_k π_k φ((y − μ_k)/σ_k)/σ_k,
//
// with φ the standard normal density (exp of LogProb, without its
// logsumexp: for a density to draw, not to take logs of). It returns NaN
// if D != 1 (use Marginal).
func (m *Mixture) PDF(y float64) float64 {
	if m.D != 1 {
		return math.NaN()
	}
	var f float64
	for k, lw := range m.LogWeights {
		if w := math.Exp(lw); w > 0 {
			s := m.Chol[k]
			f += w * stdNormalPDF((y-m.Means[k])/s) / s
		}
	}
	return f
}

// Quantile returns q = F⁻¹(p) for a D = 1 mixture: p = 0 gives −Inf, p = 1
// gives +Inf, and for 0 < p < 1 q is found on the bracket
//
//	[min_k μ_k − 40 max_k σ_k, max_k μ_k + 40 max_k σ_k]
//
// by Newton steps on F (with density F′ = p(y)) that fall back to
// bisection whenever a step leaves the bracket or does not halve |F − p|.
// It stops when |F(q) − p| ≤ 1e-12·min(p, 1−p) or the bracket is as
// narrow as float64 allows. Where F is flat at p (p equal to the mass of a
// group of well separated components) any point of the flat part is
// returned. If p is below F at the lower end of the bracket (p ≲ 1e-300)
// that end is returned, likewise at the upper end.
//
// It returns an error if D != 1 (wrapping ErrNotUnivariate) or p is not in
// [0, 1].
func (m *Mixture) Quantile(p float64) (float64, error) {
	if m.D != 1 {
		return math.NaN(), fmt.Errorf("mixture: quantile: D = %d: %w", m.D, ErrNotUnivariate)
	}
	if !(p >= 0 && p <= 1) {
		return math.NaN(), fmt.Errorf("mixture: quantile: p must be in [0, 1], got %v", p)
	}
	switch p {
	case 0:
		return math.Inf(-1), nil
	case 1:
		return math.Inf(1), nil
	}
	minMu, maxMu, maxSigma := math.Inf(1), math.Inf(-1), 0.0
	for k := range m.K {
		minMu = math.Min(minMu, m.Means[k])
		maxMu = math.Max(maxMu, m.Means[k])
		maxSigma = math.Max(maxSigma, m.Chol[k])
	}
	lo, hi := minMu-40*maxSigma, maxMu+40*maxSigma
	tol := 1e-12 * math.Min(p, 1-p)

	flo, fhi := m.CDF(lo)-p, m.CDF(hi)-p
	if flo >= 0 {
		return lo, nil
	}
	if fhi <= 0 {
		return hi, nil
	}
	best, fBest := lo, math.Abs(flo)
	if math.Abs(fhi) < fBest {
		best, fBest = hi, math.Abs(fhi)
	}
	x := lo + 0.5*(hi-lo)
	fPrev := math.Inf(1)
	// Bisection alone needs at most ~1100 halvings to reach float
	// resolution anywhere in the float64 range; Newton usually ends in < 10.
	for range 2000 {
		f := m.CDF(x) - p
		if af := math.Abs(f); af < fBest {
			best, fBest = x, af
		}
		if math.Abs(f) <= tol {
			return x, nil
		}
		if f < 0 {
			lo = x
		} else {
			hi = x
		}
		next := x - f/m.PDF(x)
		if !(next > lo && next < hi) || math.Abs(f) > 0.5*fPrev {
			next = lo + 0.5*(hi-lo)
		}
		if next <= lo || next >= hi {
			break // the bracket is at float64 resolution
		}
		fPrev = math.Abs(f)
		x = next
	}
	return best, nil
}

// crpsA is A(μ, s²) = 2 s φ(μ/s) + μ (2Φ(μ/s) − 1), s = sqrt(s²), the
// expectation E|X| for X ~ N(μ, s²); 2Φ(z) − 1 is evaluated as erf(z/√2).
func crpsA(mu, s2 float64) float64 {
	s := math.Sqrt(s2)
	z := mu / s
	return 2*s*stdNormalPDF(z) + mu*math.Erf(z/math.Sqrt2)
}

// CRPS returns the continuous ranked probability score of a D = 1 mixture
// at the observation y,
//
//	CRPS(F, y) = ∫ (F(z) − 1{z ≥ y})² dz
//	           = Σ_k π_k A(y − μ_k, σ_k²) − ½ Σ_k Σ_l π_k π_l A(μ_k − μ_l, σ_k² + σ_l²),
//	A(μ, s²) = 2 s φ(μ/s) + μ (2Φ(μ/s) − 1),  s = sqrt(s²),
//
// the closed form of Grimit, Gneiting, Berrocal and Johnson (2006, QJRMS
// 132, eq. 5). It costs O(K²). Lower is better; the unit is that of y. It
// returns NaN if D != 1 (use Marginal).
func (m *Mixture) CRPS(y float64) float64 {
	if m.D != 1 {
		return math.NaN()
	}
	var first, second float64
	for k, lwk := range m.LogWeights {
		wk := math.Exp(lwk)
		if wk == 0 {
			continue
		}
		muk, s2k := m.Means[k], m.Chol[k]*m.Chol[k]
		first += wk * crpsA(y-muk, s2k)
		// The double sum is symmetric in k, l: the diagonal once, the
		// off-diagonal pairs twice.
		second += wk * wk * crpsA(0, 2*s2k)
		for l := k + 1; l < m.K; l++ {
			wl := math.Exp(m.LogWeights[l])
			if wl == 0 {
				continue
			}
			second += 2 * wk * wl * crpsA(muk-m.Means[l], s2k+m.Chol[l]*m.Chol[l])
		}
	}
	return first - 0.5*second
}
