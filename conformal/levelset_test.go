package conformal

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mdn-go/mdn/mixture"
)

func mix1(t testing.TB, w, mu, sigma []float64) *mixture.Mixture {
	t.Helper()
	lw := make([]float64, len(w))
	for i, v := range w {
		lw[i] = math.Log(v)
	}
	m, err := mixture.NewDiagonal(lw, mu, sigma, len(w), 1)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// checkLevelSet checks the intervals of LevelSet(m, th) against the
// definition: each endpoint is in the set and the float just outside it is
// not, and on a dense grid of 200,001 points over [a, b] a point is in an
// interval exactly when log p ≥ th.
func checkLevelSet(t *testing.T, m *mixture.Mixture, th float64, a, b float64, want int) [][2]float64 {
	t.Helper()
	set, err := LevelSet(m, th)
	if err != nil {
		t.Fatal(err)
	}
	if want >= 0 && len(set) != want {
		t.Fatalf("threshold %v: %d intervals %v, want %d", th, len(set), set, want)
	}
	lp := func(y float64) float64 { return m.LogProb([]float64{y}) }
	for i, iv := range set {
		if !(iv[0] <= iv[1]) || (i > 0 && !(set[i-1][1] < iv[0])) {
			t.Fatalf("intervals %v not disjoint and ascending", set)
		}
		if lp(iv[0]) < th || lp(iv[1]) < th {
			t.Errorf("interval %v: log p at the ends %v, %v, below the threshold %v", iv, lp(iv[0]), lp(iv[1]), th)
		}
		if out := math.Nextafter(iv[0], math.Inf(-1)); lp(out) >= th {
			t.Errorf("interval %v: the float below the lower end, %v, is in the set", iv, out)
		}
		if out := math.Nextafter(iv[1], math.Inf(1)); lp(out) >= th {
			t.Errorf("interval %v: the float above the upper end, %v, is in the set", iv, out)
		}
	}
	const n = 200001
	for i := range n {
		y := a + (b-a)*float64(i)/(n-1)
		in := false
		for _, iv := range set {
			in = in || (y >= iv[0] && y <= iv[1])
		}
		if got := lp(y) >= th; got != in {
			t.Fatalf("y = %v: log p = %v, threshold %v, in the set %v, in the intervals %v", y, lp(y), th, got, in)
		}
	}
	return set
}

func TestLevelSetBimodalGivesTwoIntervals(t *testing.T) {
	m := mix1(t, []float64{0.5, 0.5}, []float64{-3, 3}, []float64{1, 1})
	// log p at a mean ≈ log(0.5·φ(0)) = −1.612; at 0 ≈ log φ(3) = −5.42.
	set := checkLevelSet(t, m, -3, -10, 10, 2)
	// By symmetry the intervals mirror each other; each end solves
	// 0.5 φ(y − 3) + 0.5 φ(y + 3) = e^{−3}, near 3 ± √(2(−log(2e^{−3}√(2π)))).
	if math.Abs(set[0][0]+set[1][1]) > 1e-12 || math.Abs(set[0][1]+set[1][0]) > 1e-12 {
		t.Errorf("intervals %v are not symmetric", set)
	}
	r := math.Sqrt(2 * (3 - math.Log(2) - 0.5*math.Log(2*math.Pi)))
	if math.Abs(set[1][1]-(3+r)) > 1e-3 {
		t.Errorf("upper end %v, want ≈ %v (the far component's tail is negligible)", set[1][1], 3+r)
	}
	// Below the density at 0 the set is one interval.
	checkLevelSet(t, m, -6, -12, 12, 1)
	// Above the maximum density: empty.
	checkLevelSet(t, m, -1.5, -10, 10, 0)
}

func TestLevelSetNarrowPeak(t *testing.T) {
	// Two components at ±0.7 with σ = 1 make one peak at 0, where no mean
	// and no grid point lies; a threshold just below the peak gives a tiny
	// interval that only the golden-section refinement finds.
	m := mix1(t, []float64{0.5, 0.5}, []float64{-0.7, 0.7}, []float64{1, 1})
	peak := m.LogProb([]float64{0})
	set := checkLevelSet(t, m, peak-1e-12, -5, 5, 1)
	if w := set[0][1] - set[0][0]; !(w > 0 && w < 1e-3) {
		t.Errorf("width %v, want tiny and positive", w)
	}
}

func TestLevelSetRandomMixtures(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 20 {
		k := 1 + rng.IntN(6)
		w, mu, s := make([]float64, k), make([]float64, k), make([]float64, k)
		for i := range k {
			w[i] = 0.1 + rng.Float64()
			mu[i] = -5 + 10*rng.Float64()
			s[i] = 0.05 + rng.Float64()
		}
		m := mix1(t, w, mu, s)
		th := math.Log(0.01 + 0.5*rng.Float64())
		set := checkLevelSet(t, m, th, -12, 12, -1)
		_ = trial
		_ = set
	}
}

func TestLevelSetEdges(t *testing.T) {
	m := mix1(t, []float64{1}, []float64{0}, []float64{1})
	set, err := LevelSet(m, math.Inf(-1))
	if err != nil || len(set) != 1 || !math.IsInf(set[0][0], -1) || !math.IsInf(set[0][1], 1) {
		t.Errorf("t = -Inf: %v, %v; want the whole line", set, err)
	}
	set, err = LevelSet(m, -math.MaxFloat64)
	if err != nil || len(set) != 1 || !math.IsInf(set[0][0], -1) {
		t.Errorf("t = -MaxFloat64: %v, %v; want the whole line", set, err)
	}
	if _, err := LevelSet(m, math.NaN()); err == nil {
		t.Error("t = NaN: no error")
	}
	m2, _ := mixture.NewDiagonal([]float64{0}, []float64{0, 0}, []float64{1, 1}, 1, 2)
	if _, err := LevelSet(m2, -1); err == nil {
		t.Error("D = 2: no error")
	}
	// One Gaussian: the set is μ ± σ√(−2(t + log σ + ½ log 2π)).
	set = checkLevelSet(t, m, -2, -5, 5, 1)
	r := math.Sqrt(-2 * (-2 + 0.5*math.Log(2*math.Pi)))
	if math.Abs(set[0][0]+r) > 1e-14 || math.Abs(set[0][1]-r) > 1e-14 {
		t.Errorf("got %v, want ±%v", set[0], r)
	}
}

func TestHPDThreshold(t *testing.T) {
	// For one Gaussian the HPD region of mass level is the central interval.
	m := mix1(t, []float64{1}, []float64{2}, []float64{0.5})
	th, err := HPDThreshold(m, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	set, _ := LevelSet(m, th)
	lo, hi, _ := centralInterval(m, 0.9)
	if len(set) != 1 || math.Abs(set[0][0]-lo) > 1e-8 || math.Abs(set[0][1]-hi) > 1e-8 {
		t.Errorf("HPD region %v, want the central interval [%v, %v]", set, lo, hi)
	}
	// Bimodal: the mass of the region is the level, and it is shorter than
	// the central interval of the same mass.
	b := mix1(t, []float64{0.5, 0.5}, []float64{-3, 3}, []float64{0.5, 0.5})
	th, err = HPDThreshold(b, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	set, _ = LevelSet(b, th)
	if got := Mass(b, set); math.Abs(got-0.9) > 1e-8 || len(set) != 2 {
		t.Errorf("mass %v in %d intervals, want 0.9 in 2", got, len(set))
	}
	lo, hi, _ = centralInterval(b, 0.9)
	if Length(set) >= 0.5*(hi-lo) {
		t.Errorf("HPD length %v, central interval length %v", Length(set), hi-lo)
	}
	// Monte Carlo: the threshold and volume from draws agree with the exact ones.
	draws := LogDensityDraws(b, rand.New(rand.NewPCG(3, 4)), 200000)
	if got := HPDThresholdOfDraws(draws, 0.9); math.Abs(got-th) > 0.02 {
		t.Errorf("threshold from draws %v, exact %v", got, th)
	}
	if got := VolumeOfDraws(draws, th); math.Abs(got-Length(set)) > 0.02*Length(set) {
		t.Errorf("volume from draws %v, exact length %v", got, Length(set))
	}
}

func centralInterval(m *mixture.Mixture, level float64) (lo, hi float64, err error) {
	l, h := []float64{0}, []float64{0}
	err = Interval(m, LevelMass(level), l, h)
	return l[0], h[0], err
}
