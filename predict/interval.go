package predict

import (
	"fmt"
	"math"

	"github.com/mdn-go/mdn/mixture"
)

// Interval returns the central interval of level (probability content)
// level of a D = 1 mixture with distribution function F,
//
//	[lo, hi] = [F⁻¹((1 − level)/2), F⁻¹((1 + level)/2)],
//
// so that P(lo ≤ y ≤ hi) = level with equal mass (1 − level)/2 in each
// tail. It returns an error if level is not in (0, 1) or m is not 1-D
// (wrapping mixture.ErrNotUnivariate; use Marginal).
func Interval(m *mixture.Mixture, level float64) (lo, hi float64, err error) {
	if err := CheckLevel(level); err != nil {
		return 0, 0, fmt.Errorf("predict: interval: %w", err)
	}
	if lo, err = m.Quantile((1 - level) / 2); err != nil {
		return 0, 0, fmt.Errorf("predict: interval: %w", err)
	}
	if hi, err = m.Quantile((1 + level) / 2); err != nil {
		return 0, 0, fmt.Errorf("predict: interval: %w", err)
	}
	return lo, hi, nil
}

// MaxLevel is the largest level CheckLevel accepts, 1 − 2⁻⁵²: for any
// larger level below 1, (1 + level)/2 rounds to 1 and the upper end of
// the interval would be +Inf.
const MaxLevel = 1 - 0x1p-52

// CheckLevel returns an error unless level is a valid interval level for
// Interval: a number in (0, 1) whose upper tail (1 + level)/2 is below 1
// in float64 (level ≤ MaxLevel). Its messages start with "level ".
func CheckLevel(level float64) error {
	if math.IsNaN(level) || level <= 0 || level >= 1 {
		return fmt.Errorf("level must be in (0, 1), got %v", level)
	}
	if level > MaxLevel {
		return fmt.Errorf("level %v is too close to 1: (1 + level)/2 rounds to 1 and the upper end would be +Inf; at most %v", level, MaxLevel)
	}
	return nil
}
