package conformal

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mdn-go/mdn/mixture"
)

// TestIntervalScoreMatchesInterval checks the equivalence the interval
// score rests on: s(x, y) ≤ q exactly when y is inside Interval(m, q).
func TestIntervalScoreMatchesInterval(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	m, err := mixture.NewDiagonal([]float64{0, -1}, []float64{0, 1, 3, -2}, []float64{1, 0.5, 0.3, 2}, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := make([]float64, 2), make([]float64, 2)
	y := make([]float64, 2)
	for range 2000 {
		q := rng.Float64()
		if err := Interval(m, q, lo, hi); err != nil {
			t.Fatal(err)
		}
		m.Sample(rng, y)
		s := IntervalScore(m, y)
		inside := y[0] >= lo[0] && y[0] <= hi[0] && y[1] >= lo[1] && y[1] <= hi[1]
		// Away from the boundary (where the quantile's 1e-12 tolerance
		// decides) the two must agree.
		if math.Abs(s-q) > 1e-9 && inside != (s <= q) {
			t.Fatalf("y %v, q %v: score %v, box [%v, %v]: inside %v", y, q, s, lo, hi, inside)
		}
	}
}

// TestCoverageGuarantee checks split conformal's guarantee by simulation on
// a misspecified model. The truth: x ~ U(−1, 1), y = x + (±1)(1 + |x|) +
// 0.3(1 + |x|)·ε, a bimodal, heteroscedastic law; for D = 2 a second
// response x² + ε. The model: one Gaussian N(x, 0.5²) per response,
// far too narrow and unimodal, whose nominal 90% interval covers about a
// third of the rows. For each of R draws: n calibration rows, a
// Calibration, and the coverage of both calibrated regions on 100 fresh
// rows. The mean coverage over the draws must lie in
//
//	[level, level + 1/(n + 1)]
//
// up to 4 standard errors of the mean (the std of the per-draw coverage
// over √R).
func TestCoverageGuarantee(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation")
	}
	const (
		n     = 40
		nTest = 100
		draws = 800
	)
	for _, d := range []int{1, 2} {
		for _, level := range []float64{0.8, 0.9} {
			rng := rand.New(rand.NewPCG(uint64(d), uint64(level*100)))
			draw := func(y []float64) *mixture.Mixture {
				x := 2*rng.Float64() - 1
				s := 1 + math.Abs(x)
				sign := 1.0
				if rng.IntN(2) == 0 {
					sign = -1
				}
				y[0] = x + sign*s + 0.3*s*rng.NormFloat64()
				mu := []float64{x}
				sig := []float64{0.5}
				if d == 2 {
					y[1] = x*x + rng.NormFloat64()
					mu = append(mu, 0)
					sig = append(sig, 0.5)
				}
				m, err := mixture.NewDiagonal([]float64{0}, mu, sig, 1, d)
				if err != nil {
					t.Fatal(err)
				}
				return m
			}
			var sumI, sumR, sumI2, sumR2 float64
			var raw float64
			y := make([]float64, d)
			iv, rg := make([]float64, n), make([]float64, n)
			lo, hi := make([]float64, d), make([]float64, d)
			for range draws {
				for i := range n {
					m := draw(y)
					iv[i], rg[i] = IntervalScore(m, y), RegionScore(m, y)
				}
				c, err := New(iv, rg, []float64{level})
				if err != nil {
					t.Fatal(err)
				}
				q, _ := c.IntervalQuantile(level)
				th, _ := c.RegionThreshold(level)
				var ci, cr float64
				for r := range nTest {
					m := draw(y)
					// y is in the calibrated box exactly when its score is ≤ q̂
					// (TestIntervalScoreMatchesInterval); the box itself is
					// checked on every tenth row, to save the bisections.
					in := IntervalScore(m, y) <= q
					if r%10 == 0 {
						if err := Interval(m, q, lo, hi); err != nil {
							t.Fatal(err)
						}
						box := true
						for j := range d {
							box = box && y[j] >= lo[j] && y[j] <= hi[j]
						}
						if box != in && math.Abs(IntervalScore(m, y)-q) > 1e-9 {
							t.Fatalf("y %v: score %v, q̂ %v, box [%v, %v]", y, IntervalScore(m, y), q, lo, hi)
						}
					}
					if in {
						ci++
					}
					if m.LogProb(y) >= th {
						cr++
					}
					if IntervalScore(m, y) <= LevelMass(level) {
						raw++
					}
				}
				ci, cr = ci/nTest, cr/nTest
				sumI, sumI2 = sumI+ci, sumI2+ci*ci
				sumR, sumR2 = sumR+cr, sumR2+cr*cr
			}
			raw /= draws * nTest
			for _, r := range []struct {
				name     string
				sum, sq2 float64
			}{{"interval", sumI, sumI2}, {"region", sumR, sumR2}} {
				mean := r.sum / draws
				se := math.Sqrt((r.sq2/draws-mean*mean)/(draws-1)) + 1e-12
				lower, upper := level-4*se, level+1.0/(n+1)+4*se
				t.Logf("D = %d, level %v, %s: mean coverage %.4f (se %.4f); uncalibrated interval %.3f", d, level, r.name, mean, se, raw)
				if mean < lower || mean > upper {
					t.Errorf("D = %d, level %v, %s: mean coverage %.4f (se %.4f), want in [%.4f, %.4f]", d, level, r.name, mean, se, lower, upper)
				}
			}
			if raw > level-0.2 {
				t.Errorf("D = %d, level %v: the uncalibrated interval covers %.3f: the model is not misspecified enough to test anything", d, level, raw)
			}
		}
	}
}
