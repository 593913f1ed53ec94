package conformal

import (
	"math"
	"testing"
)

func TestLogPhi(t *testing.T) {
	// Against log(½ erfc(−z/√2)) where erfc is still accurate (z ≥ −37),
	// on both sides of the switch at −25.
	for _, z := range []float64{3, 0, -1, -5, -10, -24.9, -25, -25.1, -30, -37} {
		want := math.Log(0.5 * math.Erfc(-z/math.Sqrt2))
		if got := logPhi(z); math.Abs(got-want) > 1e-9*math.Abs(want)+1e-15 {
			t.Errorf("logPhi(%v) = %v, want %v", z, got, want)
		}
	}
	// Past erfc's underflow it keeps decreasing like −z²/2.
	if a, b := logPhi(-100), logPhi(-1000); !(b < a && math.Abs(a+5000+math.Log(100)+0.5*math.Log(2*math.Pi)) < 1e-3) {
		t.Errorf("logPhi(-100) = %v, logPhi(-1000) = %v", a, b)
	}
}

func TestIntervalScoreTails(t *testing.T) {
	// Far into the tails the score keeps growing (no rounding of F to 1),
	// symmetrically, and Interval inverts it.
	m := mix1(t, []float64{1}, []float64{0}, []float64{1})
	prev := 0.0
	for _, z := range []float64{1, 8, 9, 20, 40, 100} {
		hi, lo := IntervalScore(m, []float64{z}), IntervalScore(m, []float64{-z})
		if !(hi > prev) || math.Abs(hi-lo) > 1e-9*hi {
			t.Errorf("z = %v: scores %v (above), %v (below), previous %v", z, hi, lo, prev)
		}
		prev = hi
		l, h := []float64{0}, []float64{0}
		if err := Interval(m, hi, l, h); err != nil {
			t.Fatal(err)
		}
		if math.Abs(h[0]-z) > 1e-9*z || math.Abs(l[0]+z) > 1e-9*z {
			t.Errorf("z = %v: Interval of its score is [%v, %v]", z, l[0], h[0])
		}
	}
	// q = 0 is the median; the mass of q is 1 − e^{−q}.
	l, h := []float64{0}, []float64{0}
	if err := Interval(m, 0, l, h); err != nil || l[0] > h[0] || math.Abs(l[0]) > 1e-15 || math.Abs(h[0]) > 1e-15 {
		t.Errorf("q = 0: [%v, %v], %v", l[0], h[0], err)
	}
	if got := IntervalMass(LevelMass(0.9)); math.Abs(got-0.9) > 1e-15 {
		t.Errorf("IntervalMass(LevelMass(0.9)) = %v", got)
	}
	if err := Interval(m, -1, l, h); err == nil {
		t.Error("q = -1: no error")
	}
}
