package conformal

import (
	"fmt"
	"math"

	"github.com/mdn-go/mdn/mixture"
)

// IntervalScore returns the interval score of y (len D) under m,
//
//	s(x, y) = max_j −log( 2 min(F_j(y_j), 1 − F_j(y_j)) )  ≥ 0,
//
// F_j the distribution function of the marginal of response j. It is a
// monotone transform of |2F_j(y_j) − 1|, the mass of the smallest central
// interval of F_j that holds y_j (|2F − 1| = 1 − e^{−s}): the log of the
// two-sided tail mass, computed from each tail directly (logTails), so that
// it keeps ordering the rows far into the tails (to |z| ≈ 10¹⁵⁰ rather
// than |z| ≈ 8, where F rounds to 1), as an overconfident model needs.
// With q̂ from a Calibration
//
//	s(x, y) ≤ q̂  ⇔  F_j(y_j) ≥ e^{−q̂}/2 and 1 − F_j(y_j) ≥ e^{−q̂}/2 for every j
//	            ⇔  y_j ∈ [F_j⁻¹(e^{−q̂}/2), F_j⁻¹(1 − e^{−q̂}/2)] for every j,
//
// exactly (a Gaussian mixture's F_j is continuous and strictly
// increasing): the calibrated interval (Interval) is the central interval
// of mass 1 − e^{−q̂} instead of the nominal level. This is the
// distributional score of Chernozhukov, Wüthrich & Zhu (2021,
// "Distributional conformal prediction", PNAS 118), a central-interval
// form of conformalized quantile regression (Romano, Patterson & Candès
// 2019, NeurIPS), which instead widens [F⁻¹(α/2), F⁻¹(1 − α/2)] by a
// constant in the units of y and needs scores per level. We adjust on the
// quantile scale because a mixture gives every row's whole F: the
// adjustment is then relative to each row's own spread (a constant in y
// units over-widens the narrow rows of a heteroscedastic model and
// under-widens the wide ones), one set of sorted scores serves every
// level, the interval stays a central interval of the model, and the
// scores of several responses, all on one scale, can be maximized for
// joint coverage.
//
// m must satisfy Validate; y must have length m.D.
func IntervalScore(m *mixture.Mixture, y []float64) float64 {
	if len(y) != m.D {
		panic(fmt.Sprintf("conformal: interval score: len(y) = %d, want D = %d", len(y), m.D))
	}
	s := 0.0
	for j, yj := range y {
		mj := m
		if m.D > 1 {
			mj = m.Marginal(j)
		}
		l, u := logTails(mj, yj)
		s = max(s, -math.Ln2-min(l, u))
	}
	return s
}

// IntervalMass returns the probability content 1 − e^{−q} of the central
// intervals that Interval gives for q.
func IntervalMass(q float64) float64 { return -math.Expm1(-q) }

// Interval writes the calibrated interval of each response of m for q̂ =
// q ≥ 0 (from Calibration.IntervalQuantile) into lo and hi (len D):
//
//	[lo_j, hi_j] = [F_j⁻¹(e^{−q}/2), F_j⁻¹(1 − e^{−q}/2)],
//
// the central interval of mass 1 − e^{−q}: lo_j is the smallest float with
// log F_j ≥ −q − log 2, hi_j the largest with log(1 − F_j) ≥ −q − log 2
// (bisection to adjacent floats on each tail). q = 0 gives the median
// twice, a q too large for any float gives ∓Inf. It returns an error if q
// is NaN or negative.
func Interval(m *mixture.Mixture, q float64, lo, hi []float64) error {
	if !(q >= 0) {
		return fmt.Errorf("conformal: interval: q must be ≥ 0, got %v", q)
	}
	tau := -q - math.Ln2
	for j := range m.D {
		mj := m
		if m.D > 1 {
			mj = m.Marginal(j)
		}
		lo[j] = tailQuantile(mj, tau, false)
		hi[j] = tailQuantile(mj, tau, true)
	}
	return nil
}

// LevelMass returns the q whose central interval (Interval) has mass
// level: −log(1 − level), the score of the model's own central interval.
func LevelMass(level float64) float64 { return -math.Log1p(-level) }

// RegionScore returns the region score of y under m, −log p(y|x)
// (mixture.LogProb): +Inf where the density underflows.
func RegionScore(m *mixture.Mixture, y []float64) float64 {
	return -m.LogProb(y)
}
