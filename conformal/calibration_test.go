package conformal

import (
	"math"
	"strings"
	"testing"
)

func TestRankAndMinRows(t *testing.T) {
	for _, c := range []struct {
		level float64
		min   int
	}{
		// (n + 1)·level ≤ n ⇔ n ≥ level/(1 − level): 0.8 → 4, 0.9 → 9, 0.95 → 19, 0.99 → 99.
		{0.5, 1}, {0.8, 4}, {0.9, 9}, {0.95, 19}, {0.99, 99}, {0.1, 1},
	} {
		if got := MinRows(c.level); got != c.min {
			t.Errorf("MinRows(%v) = %d, want %d", c.level, got, c.min)
		}
		n := MinRows(c.level)
		if k := Rank(n, c.level); k > n {
			t.Errorf("Rank(%d, %v) = %d > n", n, c.level, k)
		}
		if n > 1 && Rank(n-1, c.level) <= n-1 {
			t.Errorf("Rank(%d, %v) = %d ≤ n: MinRows is not the least", n-1, c.level, Rank(n-1, c.level))
		}
	}
	// k = ⌈(n+1)·level⌉: n = 99, level 0.9 → ⌈90⌉ = 90; n = 100 → ⌈90.9⌉ = 91.
	if got := Rank(99, 0.9); got != 90 {
		t.Errorf("Rank(99, 0.9) = %d, want 90", got)
	}
	if got := Rank(100, 0.9); got != 91 {
		t.Errorf("Rank(100, 0.9) = %d, want 91", got)
	}
}

func TestNewErrors(t *testing.T) {
	s := []float64{0.1, 0.2, 0.3, 0.4, 0.5}
	for _, c := range []struct {
		name             string
		interval, region []float64
		levels           []float64
		want             string
	}{
		{"too few rows", s, s, []float64{0.9}, "level 0.9 needs at least 9 calibration rows, got 5"},
		{"level 1", s, s, []float64{1}, "level must be in (0, 1), got 1"},
		{"level 0", s, s, []float64{0}, "level must be in (0, 1), got 0"},
		{"level NaN", s, s, []float64{math.NaN()}, "level must be in (0, 1), got NaN"},
		{"no rows", nil, nil, []float64{0.5}, "no calibration rows"},
		{"lengths", s, s[:4], []float64{0.5}, "5 interval scores and 4 region scores"},
		{"NaN score", s, []float64{0, 1, math.NaN(), 2, 3}, []float64{0.5}, "row 2: score is NaN"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := New(c.interval, c.region, c.levels)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

func TestQuantileIsRankK(t *testing.T) {
	// Scores 10, 9, …, 1 sorted are 1 … 10; n = 10, level 0.8: k = ⌈8.8⌉ = 9.
	var iv, rg []float64
	for i := 10; i >= 1; i-- {
		iv = append(iv, float64(i)/10)
		rg = append(rg, float64(i))
	}
	c, err := New(iv, rg, []float64{0.8, 0.5, 0.8})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Levels, []float64{0.5, 0.8}; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("levels %v, want %v", got, want)
	}
	q, err := c.IntervalQuantile(0.8)
	if err != nil || q != 0.9 {
		t.Errorf("IntervalQuantile(0.8) = %v, %v; want 0.9 (rank 9)", q, err)
	}
	th, err := c.RegionThreshold(0.5) // k = ⌈5.5⌉ = 6
	if err != nil || th != -6 {
		t.Errorf("RegionThreshold(0.5) = %v, %v; want -6 (rank 6)", th, err)
	}
	if _, err := c.IntervalQuantile(0.95); err == nil || !strings.Contains(err.Error(), "needs at least 19 calibration rows, got 10") {
		t.Errorf("level 0.95 on 10 rows: got %v", err)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestThinningIsConservative(t *testing.T) {
	// n = 25,003 scores 0 … n−1 (rank r is r − 1): the kept score for a
	// level is ≥ the exact s_(k) and at most ⌈n/MaxScores⌉ ranks above it.
	n := 25003
	s := make([]float64, n)
	for i := range s {
		s[i] = float64((i * 7919) % n) // a permutation of 0 … n−1
	}
	c, err := New(s, s, []float64{0.9})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Region) != MaxScores || c.Region[MaxScores-1] != float64(n-1) {
		t.Fatalf("kept %d scores, last %v; want %d, last %d", len(c.Region), c.Region[len(c.Region)-1], MaxScores, n-1)
	}
	step := (n + MaxScores - 1) / MaxScores
	for _, level := range []float64{0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 0.9999} {
		k := Rank(n, level)
		exact := float64(k - 1)
		th, err := c.RegionThreshold(level)
		if err != nil {
			t.Fatal(err)
		}
		if q := -th; q < exact || q > exact+float64(step) {
			t.Errorf("level %v: kept score %v, want in [%v, %v]", level, q, exact, exact+float64(step))
		}
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestValidate(t *testing.T) {
	good := func() *Calibration {
		return &Calibration{Rows: 3, Levels: []float64{0.5}, Interval: []float64{0.1, 0.2, 0.3}, Region: []float64{-1, 0, 1}}
	}
	if err := good().Validate(); err != nil {
		t.Fatalf("good: %v", err)
	}
	for _, c := range []struct {
		name   string
		change func(*Calibration)
		want   string
	}{
		{"rows", func(c *Calibration) { c.Rows = 0 }, "rows: must be ≥ 1, got 0"},
		{"count", func(c *Calibration) { c.Rows = 4 }, "interval_scores: has 3 scores, want 4 for 4 rows"},
		{"order", func(c *Calibration) { c.Region[2] = -2 }, "region_scores[2]: -2 is below the score before it, 0 (scores are ascending)"},
		{"range", func(c *Calibration) { c.Interval[0] = -0.5 }, "interval_scores: must be ≥ 0, got -0.5"},
		{"inf", func(c *Calibration) { c.Region[2] = math.Inf(1) }, "region_scores[2]: must be finite, got +Inf"},
		{"no levels", func(c *Calibration) { c.Levels = nil }, "levels: none"},
		{"levels order", func(c *Calibration) { c.Levels = []float64{0.5, 0.4} }, "levels[1]: 0.4 is not above 0.5 (levels are ascending and distinct)"},
		{"level rows", func(c *Calibration) { c.Levels = []float64{0.9} }, "levels[0]: level 0.9 needs at least 9 calibration rows, got 3"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cal := good()
			c.change(cal)
			err := cal.Validate()
			if err == nil || err.Error() != c.want {
				t.Errorf("got %v, want %q", err, c.want)
			}
		})
	}
}
