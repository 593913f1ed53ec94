package conformal

import (
	"fmt"
	"math"
	"slices"
)

// MaxScores is the most scores of each kind a Calibration keeps. With
// n > MaxScores calibration rows, New keeps the order statistics of ranks
//
//	r_i = ⌈i·n/MaxScores⌉,  i = 1 … MaxScores,
//
// and a level's threshold is the kept score of the smallest kept rank ≥ k
// (see Rank). That score is ≥ s_(k), so the guarantee's lower bound holds
// as before and the upper bound grows by less than 1/MaxScores.
const MaxScores = 10000

// rankTolerance absorbs the rounding of (n + 1)·level in Rank, so that a
// level such as 0.9 with n = 9 gives k = 9, not 10.
const rankTolerance = 1e-9

// Calibration is the conformal calibration of a model on Rows calibration
// rows: the sorted scores of both regions, from which Quantile gives the
// threshold of any level. Build one with New; one read from a file should
// pass Validate.
type Calibration struct {
	// Rows is the number n of calibration rows scored.
	Rows int `json:"rows"`
	// Levels are the levels asked for when calibrating, ascending, each in
	// (0, 1) with Rank(Rows, level) ≤ Rows.
	Levels []float64 `json:"levels"`
	// Interval holds the interval scores max_j −log(2 min(F_j, 1 − F_j))
	// of the rows (IntervalScore), ascending, each ≥ 0; min(Rows,
	// MaxScores) of them.
	Interval []float64 `json:"interval_scores"`
	// Region holds the region scores −log p(y|x) (RegionScore), ascending;
	// as many as Interval.
	Region []float64 `json:"region_scores"`
}

// CheckLevel returns an error unless level is in (0, 1).
func CheckLevel(level float64) error {
	if !(level > 0 && level < 1) {
		return fmt.Errorf("level must be in (0, 1), got %v", level)
	}
	return nil
}

// Rank is k = ⌈(n + 1)·level⌉, the rank of the score that is the
// threshold of level on n calibration rows (computed with a relative
// slack of 1e-9 on (n + 1)·level against rounding).
func Rank(n int, level float64) int {
	return int(math.Ceil(float64(n+1)*level - rankTolerance))
}

// MinRows is the least n with Rank(n, level) ≤ n: the fewest calibration
// rows that give level a finite threshold, about level/(1 − level)
// (9 for 0.9, 19 for 0.95). level must be in (0, 1).
func MinRows(level float64) int {
	n := max(1, int(math.Floor(level/(1-level)))-1)
	for Rank(n, level) > n {
		n++
	}
	return n
}

// New returns the calibration of the scores of n rows: interval[i] and
// region[i] are row i's IntervalScore and RegionScore. It sorts copies
// (thinning them to MaxScores, see MaxScores) and checks levels: each must
// be in (0, 1) and have Rank(n, level) ≤ n; the error then says how many
// rows the level needs. A region score of +Inf (a y where the density
// underflows) is kept as math.MaxFloat64, which JSON can hold and which
// gives a threshold of −MaxFloat64: everything (likewise an infinite
// interval score, which gives an interval of mass 1). A NaN score is an error
// naming the row.
func New(interval, region, levels []float64) (*Calibration, error) {
	n := len(interval)
	if len(region) != n {
		return nil, fmt.Errorf("conformal: %d interval scores and %d region scores", n, len(region))
	}
	if n == 0 {
		return nil, fmt.Errorf("conformal: no calibration rows")
	}
	if len(levels) == 0 {
		return nil, fmt.Errorf("conformal: no levels")
	}
	c := &Calibration{Rows: n, Levels: slices.Clone(levels)}
	slices.Sort(c.Levels)
	c.Levels = slices.Compact(c.Levels)
	for _, l := range c.Levels {
		if err := c.checkLevel(l); err != nil {
			return nil, fmt.Errorf("conformal: %w", err)
		}
	}
	for i := range n {
		if math.IsNaN(interval[i]) || math.IsNaN(region[i]) {
			return nil, fmt.Errorf("conformal: row %d: score is NaN", i)
		}
	}
	c.Interval = thin(interval)
	c.Region = thin(region)
	for _, sc := range [][]float64{c.Interval, c.Region} {
		for i, s := range sc {
			sc[i] = max(-math.MaxFloat64, min(s, math.MaxFloat64))
		}
	}
	return c, nil
}

// thin returns the sorted scores s, or their order statistics of the
// ranks of MaxScores when len(s) > MaxScores.
func thin(s []float64) []float64 {
	sorted := slices.Clone(s)
	slices.Sort(sorted)
	n := len(sorted)
	if n <= MaxScores {
		return sorted
	}
	out := make([]float64, MaxScores)
	for i := range out {
		r := ((i+1)*n + MaxScores - 1) / MaxScores // ⌈(i+1)·n/MaxScores⌉
		out[i] = sorted[r-1]
	}
	return out
}

// checkLevel reports a level outside (0, 1) or one that needs more rows
// than c has.
func (c *Calibration) checkLevel(level float64) error {
	if err := CheckLevel(level); err != nil {
		return err
	}
	if Rank(c.Rows, level) > c.Rows {
		return fmt.Errorf("level %v needs at least %d calibration rows, got %d", level, MinRows(level), c.Rows)
	}
	return nil
}

// quantile returns the kept score of the smallest kept rank ≥ Rank(n,
// level) of sorted scores s (len L ≤ n; kept index i has rank
// ⌈(i+1)·n/L⌉).
func (c *Calibration) quantile(s []float64, level float64) (float64, error) {
	if err := c.checkLevel(level); err != nil {
		return 0, fmt.Errorf("conformal: %w", err)
	}
	k := Rank(c.Rows, level)
	i := (k - 1) * len(s) / c.Rows // smallest i with ⌈(i+1)·n/L⌉ ≥ k
	return s[i], nil
}

// IntervalQuantile returns q̂ of the interval score at level: the
// calibrated interval is the central interval of mass 1 − e^{−q̂} of each
// response (Interval, IntervalMass). It returns an error for a level outside (0, 1) or one that
// needs more rows than c has.
func (c *Calibration) IntervalQuantile(level float64) (float64, error) {
	return c.quantile(c.Interval, level)
}

// RegionThreshold returns the log-density threshold t = −q̂ of the
// region score at level: the calibrated region is {y : log p(y|x) ≥ t}.
// Errors as IntervalQuantile.
func (c *Calibration) RegionThreshold(level float64) (float64, error) {
	q, err := c.quantile(c.Region, level)
	return -q, err
}

// Validate reports the first problem of a Calibration read from a file:
// Rows < 1, score counts other than min(Rows, MaxScores), scores not
// ascending, not finite or (interval) negative, and levels that are
// not ascending and distinct or that CheckLevel or the row count reject.
func (c *Calibration) Validate() error {
	if c.Rows < 1 {
		return fmt.Errorf("rows: must be ≥ 1, got %d", c.Rows)
	}
	want := min(c.Rows, MaxScores)
	for _, f := range []struct {
		name string
		s    []float64
	}{{"interval_scores", c.Interval}, {"region_scores", c.Region}} {
		if len(f.s) != want {
			return fmt.Errorf("%s: has %d scores, want %d for %d rows", f.name, len(f.s), want, c.Rows)
		}
		for i, v := range f.s {
			switch {
			case math.IsNaN(v) || math.IsInf(v, 0):
				return fmt.Errorf("%s[%d]: must be finite, got %v", f.name, i, v)
			case i > 0 && v < f.s[i-1]:
				return fmt.Errorf("%s[%d]: %v is below the score before it, %v (scores are ascending)", f.name, i, v, f.s[i-1])
			}
		}
	}
	if c.Interval[0] < 0 {
		return fmt.Errorf("interval_scores: must be ≥ 0, got %v", c.Interval[0])
	}
	if len(c.Levels) == 0 {
		return fmt.Errorf("levels: none")
	}
	for i, l := range c.Levels {
		if i > 0 && l <= c.Levels[i-1] {
			return fmt.Errorf("levels[%d]: %v is not above %v (levels are ascending and distinct)", i, l, c.Levels[i-1])
		}
		if err := c.checkLevel(l); err != nil {
			return fmt.Errorf("levels[%d]: %w", i, err)
		}
	}
	return nil
}
