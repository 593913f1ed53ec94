package predict

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mdn-go/mdn/conformal"
	"github.com/mdn-go/mdn/data"
)

// truthRows draws n rows for testModel from a law it does not know:
// x ~ N(0, 1)², ya = 3 + 2·xa + (±2) + N(0, 0.5²), yb = xb² + N(0, 1).
func truthRows(rng *rand.Rand, n int) *data.Dataset {
	d := &data.Dataset{XNames: []string{"xa", "xb"}, YNames: []string{"ya", "yb"}, N: n, XDim: 2, YDim: 2,
		X: make([]float64, 2*n), Y: make([]float64, 2*n)}
	for i := range n {
		xa, xb := rng.NormFloat64(), rng.NormFloat64()
		sign := float64(2*rng.IntN(2) - 1)
		d.X[2*i], d.X[2*i+1] = xa, xb
		d.Y[2*i], d.Y[2*i+1] = 3+2*xa+2*sign+0.5*rng.NormFloat64(), xb*xb+rng.NormFloat64()
	}
	return d
}

// TestCalibrateAndEvaluate calibrates a random (so misspecified) 2-response
// network on 500 rows and checks on 2000 fresh rows that both calibrated
// regions cover about the level while the model's own do not, and that
// EvaluateConformal's interval coverage is what the Summarizer's
// calibrated intervals give row by row.
func TestCalibrateAndEvaluate(t *testing.T) {
	m := testModel(t)
	rng := rand.New(rand.NewPCG(7, 8))
	cal, test := truthRows(rng, 500), truthRows(rng, 2000)
	c, err := Calibrate(m, cal, []float64{0.9, 0.8})
	if err != nil {
		t.Fatal(err)
	}
	if c.Rows != 500 || len(c.Levels) != 2 || c.Levels[0] != 0.8 {
		t.Fatalf("calibration rows %d levels %v", c.Rows, c.Levels)
	}
	if err := m.SetCalibration(c); err != nil {
		t.Fatal(err)
	}
	cm, err := EvaluateConformal(m, test, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range cm.Levels {
		// One calibration draw: coverage given the calibration rows has sd
		// about √(level(1 − level)/(n + 2)) ≈ 0.013–0.018, the test rows add
		// √(level(1 − level)/2000) ≈ 0.007–0.009; 4 of their root sum of
		// squares is under 0.08.
		for name, s := range map[string]Size{"interval": l.Interval, "region": l.Region} {
			if math.Abs(s.Coverage-l.Level) > 0.08 || s.MeanSize == nil || !(*s.MeanSize > 0) {
				t.Errorf("level %v %s: coverage %v, mean size %v", l.Level, name, s.Coverage, s.MeanSize)
			}
		}
		if l.RawInterval.Coverage > l.Level-0.2 {
			t.Errorf("level %v: the random network's own interval covers %v: not misspecified enough", l.Level, l.RawInterval.Coverage)
		}
		// Row by row through the Summarizer.
		sum := Summarizer{Kind: KindInterval, Level: l.Level, Calibration: c}
		if err := sum.Validate(); err != nil {
			t.Fatal(err)
		}
		p := m.Predictor(1)
		var s Summary
		covered := 0
		for i := range test.N {
			x, y := test.Row(i)
			mix, err := p.Predict(x, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := sum.Summarize(&mix[0], &s); err != nil {
				t.Fatal(err)
			}
			if y[0] >= s.Lower[0] && y[0] <= s.Upper[0] && y[1] >= s.Lower[1] && y[1] <= s.Upper[1] {
				covered++
			}
		}
		if got := float64(covered) / float64(test.N); got != l.Interval.Coverage {
			t.Errorf("level %v: Summarizer covers %v, EvaluateConformal %v", l.Level, got, l.Interval.Coverage)
		}
	}
}

func TestCalibrateErrors(t *testing.T) {
	m := testModel(t)
	d := truthRows(rand.New(rand.NewPCG(1, 1)), 5)
	d.Path = "cal.csv"
	for _, c := range []struct {
		levels []float64
		want   string
	}{
		{[]float64{0.9}, "predict: calibrate: cal.csv has 5 rows, level 0.9 needs at least 9"},
		{[]float64{1}, "predict: calibrate: level must be in (0, 1), got 1"},
	} {
		if _, err := Calibrate(m, d, c.levels); err == nil || err.Error() != c.want {
			t.Errorf("levels %v: got %v, want %q", c.levels, err, c.want)
		}
	}
	if _, err := EvaluateConformal(m, d, 0); err == nil || !strings.Contains(err.Error(), "not calibrated") {
		t.Errorf("uncalibrated: got %v", err)
	}
}

// TestRegionSummary: for one response the Region summary is the level set
// of the threshold, calibrated or the model's own; for two responses an
// uncalibrated model has no region.
func TestRegionSummary(t *testing.T) {
	mix := mustDiag(t, []float64{math.Log(0.5), math.Log(0.5)}, []float64{-3, 3}, []float64{0.5, 0.5}, 2, 1)
	var s Summary
	own := Summarizer{Kind: KindRegion, Level: 0.9}
	if err := own.Summarize(mix, &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Region) != 2 || math.Abs(conformal.Mass(mix, s.Region)-0.9) > 1e-8 {
		t.Errorf("own region %v, mass %v; want two intervals of mass 0.9", s.Region, conformal.Mass(mix, s.Region))
	}
	iv, rg := make([]float64, 20), make([]float64, 20)
	for i := range iv {
		iv[i], rg[i] = float64(i)/10, float64(i)/5
	}
	c, err := conformal.New(iv, rg, []float64{0.9})
	if err != nil {
		t.Fatal(err)
	}
	cal := Summarizer{Kind: KindRegion, Level: 0.9, Calibration: c}
	if err := cal.Summarize(mix, &s); err != nil {
		t.Fatal(err)
	}
	th, _ := c.RegionThreshold(0.9)
	want, _ := conformal.LevelSet(mix, th)
	if s.Threshold != th || len(s.Region) != len(want) || s.Region[0] != want[0] {
		t.Errorf("calibrated region %v threshold %v, want %v, %v", s.Region, s.Threshold, want, th)
	}
	if err := (&Summarizer{Kind: KindRegion, Level: 0.99, Calibration: c}).Validate(); err == nil ||
		!strings.Contains(err.Error(), "level 0.99 needs at least 99 calibration rows, got 20") {
		t.Errorf("level 0.99 on 20 rows: %v", err)
	}
	two := mustDiag(t, []float64{0}, []float64{0, 0}, []float64{1, 1}, 1, 2)
	if err := own.Summarize(two, &s); err == nil || !strings.Contains(err.Error(), "needs a calibrated model") {
		t.Errorf("two responses, uncalibrated: %v", err)
	}
	if err := cal.Summarize(two, &s); err != nil || s.Threshold != th || len(s.Region) != 0 {
		t.Errorf("two responses, calibrated: %v, threshold %v, region %v", err, s.Threshold, s.Region)
	}
}
