package predict

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mdn-go/mdn/mixture"
)

// TestTrueModelIsCalibrated draws y from known mixtures that change from row
// to row (2-D, correlated full covariances, multimodal marginals) and scores
// the true mixtures: interval coverage must be within 4 binomial standard
// errors of the level, every PIT bin within 4 standard errors of 1/10, and
// the KS distance below its 1% critical value 1.63/√n (Kolmogorov).
func TestTrueModelIsCalibrated(t *testing.T) {
	const n = 20000
	rng := rand.New(rand.NewPCG(11, 12))
	ev, err := NewEvaluator(3, []string{"y1", "y2"})
	if err != nil {
		t.Fatal(err)
	}
	y := make([]float64, 2)
	for i := range n {
		s := float64(i) / n
		m, err := mixture.New(
			[]float64{math.Log(0.5 + 0.3*s), math.Log(0.3), math.Log(0.2 - 0.1*s)},
			[]float64{-2 + s, 0, 1, 2 * s, 3, -1},
			[]float64{
				0.5, 0, 0.2, 0.3, // L_0
				1, 0, -0.4 * s, 0.6, // L_1
				0.2 + s, 0, 0.1, 0.1, // L_2
			}, 3, 2)
		if err != nil {
			t.Fatal(err)
		}
		m.Sample(rng, y)
		if err := ev.Add(m, y); err != nil {
			t.Fatal(err)
		}
	}
	met, err := ev.Metrics()
	if err != nil {
		t.Fatal(err)
	}
	se := func(p float64) float64 { return math.Sqrt(p * (1 - p) / n) }
	for _, r := range met.Responses {
		for _, c := range []struct{ got, level float64 }{{r.Coverage50, 0.5}, {r.Coverage80, 0.8}, {r.Coverage95, 0.95}} {
			if math.Abs(c.got-c.level) > 4*se(c.level) {
				t.Errorf("%s: coverage of the %v interval is %v, want %v ± %v", r.Name, c.level, c.got, c.level, 4*se(c.level))
			}
		}
		for b, f := range r.PITHistogram {
			if math.Abs(f-0.1) > 4*se(0.1) {
				t.Errorf("%s: PIT bin %d holds %v, want 0.1 ± %v", r.Name, b, f, 4*se(0.1))
			}
		}
		if ks := r.CalibrationError; ks > 1.63/math.Sqrt(n) {
			t.Errorf("%s: KS distance %v above the 1%% critical value %v", r.Name, ks, 1.63/math.Sqrt(n))
		}
	}
	// A miscalibrated forecast (the same mixtures with σ halved) must fail
	// the same checks, or the test could not fail.
	rng = rand.New(rand.NewPCG(11, 12))
	bad, _ := NewEvaluator(3, []string{"y1", "y2"})
	for i := range n {
		s := float64(i) / n
		tm, _ := mixture.New([]float64{math.Log(0.5 + 0.3*s), math.Log(0.3), math.Log(0.2 - 0.1*s)},
			[]float64{-2 + s, 0, 1, 2 * s, 3, -1},
			[]float64{0.5, 0, 0.2, 0.3, 1, 0, -0.4 * s, 0.6, 0.2 + s, 0, 0.1, 0.1}, 3, 2)
		tm.Sample(rng, y)
		if err := bad.Add(tm.WithTemperature(0.25), y); err != nil {
			t.Fatal(err)
		}
	}
	bm, _ := bad.Metrics()
	if ks := bm.Responses[0].CalibrationError; ks < 10*1.63/math.Sqrt(n) {
		t.Errorf("overconfident forecast: KS distance %v, want far above %v", ks, 1.63/math.Sqrt(n))
	}
}
