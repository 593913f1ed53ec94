package conformal

import (
	"fmt"
	"math"

	"github.com/mdn-go/mdn/mixture"
)

// IntervalScore returns the interval score of y (len D) under m,
//
//	s(x, y) = max_j |2 F_j(y_j) − 1|,
//
// F_j the distribution function of the marginal of response j. It is the
// mass of the smallest central interval of F_j that holds y_j, maximized
// over the responses, so with q̂ from a Calibration
//
//	s(x, y) ≤ q̂  ⇔  y_j ∈ [F_j⁻¹((1 − q̂)/2), F_j⁻¹((1 + q̂)/2)] for every j,
//
// exactly (a Gaussian mixture's F_j is continuous and strictly increasing):
// the calibrated interval (Interval) is the central interval of mass q̂
// instead of the nominal level. This is the distributional score of
// Chernozhukov, Wüthrich & Zhu (2021, "Distributional conformal
// prediction", PNAS 118), a central-interval form of conformalized
// quantile regression (Romano, Patterson & Candès 2019, NeurIPS), which
// instead widens [F⁻¹(α/2), F⁻¹(1 − α/2)] by a constant in the units of
// y. We adjust on the quantile scale because a mixture gives every row's
// whole F: the adjustment is then relative to each row's own spread (a
// constant in y units over-widens the narrow rows of a heteroscedastic
// model and under-widens the wide ones), the interval stays a central
// interval of the model, and scores of several responses, all in [0, 1],
// can be compared and maximized for joint coverage.
//
// The score is rounded like F: a y_j beyond about 8 standard deviations
// gets F_j = 0 or 1 and the score 1. m must satisfy Validate; y must have
// length m.D.
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
		s = max(s, math.Abs(2*mj.CDF(yj)-1))
	}
	return s
}

// Interval writes the calibrated interval of each response of m for q̂ =
// q (from Calibration.IntervalQuantile) into lo and hi (len D):
//
//	[lo_j, hi_j] = [F_j⁻¹((1 − q)/2), F_j⁻¹((1 + q)/2)],
//
// by mixture.Quantile. q = 1 gives (−Inf, +Inf). It returns an error if q
// is not in [0, 1].
func Interval(m *mixture.Mixture, q float64, lo, hi []float64) error {
	if !(q >= 0 && q <= 1) {
		return fmt.Errorf("conformal: interval: q must be in [0, 1], got %v", q)
	}
	for j := range m.D {
		mj := m
		if m.D > 1 {
			mj = m.Marginal(j)
		}
		var err error
		if lo[j], err = mj.Quantile((1 - q) / 2); err != nil {
			return fmt.Errorf("conformal: interval: %w", err)
		}
		if hi[j], err = mj.Quantile((1 + q) / 2); err != nil {
			return fmt.Errorf("conformal: interval: %w", err)
		}
	}
	return nil
}

// RegionScore returns the region score of y under m, −log p(y|x)
// (mixture.LogProb): +Inf where the density underflows.
func RegionScore(m *mixture.Mixture, y []float64) float64 {
	return -m.LogProb(y)
}
