package predict

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"text/tabwriter"

	"github.com/mdn-go/mdn/conformal"
	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/mixture"
	"github.com/mdn-go/mdn/model"
)

// Calibrate scores every row of d (covariates and responses, in the
// model's columns) under m and returns the split conformal calibration at
// levels (conformal.New): per row the interval score max_j −log(2 min(F_j, 1 − F_j))
// and the region score −log p(y|x). The rows must not have been used to
// train m, or the guarantee does not hold. A level outside (0, 1) or one
// that needs more rows than d has is an error saying how many it needs.
func Calibrate(m *model.Model, d *data.Dataset, levels []float64) (*conformal.Calibration, error) {
	if d.XDim != m.Spec.In || d.YDim != m.Spec.Out {
		return nil, fmt.Errorf("predict: calibrate: the data have %d covariate and %d response columns, the model wants %d and %d",
			d.XDim, d.YDim, m.Spec.In, m.Spec.Out)
	}
	for _, l := range levels {
		if err := conformal.CheckLevel(l); err != nil {
			return nil, fmt.Errorf("predict: calibrate: %w", err)
		}
		if conformal.Rank(d.N, l) > d.N {
			return nil, fmt.Errorf("predict: calibrate: %s has %d rows, level %v needs at least %d", d.Path, d.N, l, conformal.MinRows(l))
		}
	}
	iv, rg := make([]float64, d.N), make([]float64, d.N)
	err := eachMixture(m, d, func(i int, mx *mixture.Mixture, y []float64) error {
		iv[i], rg[i] = conformal.IntervalScore(mx, y), conformal.RegionScore(mx, y)
		if math.IsNaN(rg[i]) {
			return fmt.Errorf("log density is NaN")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	c, err := conformal.New(iv, rg, levels)
	if err != nil {
		return nil, fmt.Errorf("predict: calibrate %s: %w", d.Path, err)
	}
	return c, nil
}

// eachMixture calls f with the index, predictive mixture and response of
// every row of d, in batches of model.DefaultBatch.
func eachMixture(m *model.Model, d *data.Dataset, f func(i int, mx *mixture.Mixture, y []float64) error) error {
	const chunk = model.DefaultBatch
	p := m.Predictor(chunk)
	var mix []mixture.Mixture
	var err error
	for lo := 0; lo < d.N; lo += chunk {
		n := min(chunk, d.N-lo)
		if mix, err = p.Predict(d.X[lo*d.XDim:(lo+n)*d.XDim], n, mix); err != nil {
			return fmt.Errorf("predict: %w", err)
		}
		for i := range n {
			_, y := d.Row(lo + i)
			if err := f(lo+i, &mix[i], y); err != nil {
				return rowError(d, lo+i, err)
			}
		}
	}
	return nil
}

// RegionDraws is the number of draws per row from which EvaluateConformal
// estimates the model's own highest-density region (any D) and the volume
// of a region (D > 1).
const RegionDraws = 2000

// Size is the coverage and mean size of one kind of region on labelled
// rows.
type Size struct {
	// Coverage is the fraction of rows whose y lies in the row's region.
	Coverage float64 `json:"coverage"`
	// MeanSize is the mean over the rows of the region's length (one
	// response) or volume (several), in the units of y (to the power D).
	// A region that is the whole line has size +Inf; JSON gets null.
	MeanSize *float64 `json:"mean_size"`
}

// LevelMetrics are the regions of one level, calibrated and not.
type LevelMetrics struct {
	Level float64 `json:"level"`
	// Interval is the calibrated central interval (per response; the box for
	// several), Region the calibrated highest-density region
	// {y : log p(y|x) ≥ t}.
	Interval Size `json:"interval"`
	Region   Size `json:"region"`
	// RawInterval is the model's own central interval of mass Level,
	// RawRegion its own highest-density region of mass Level (threshold
	// estimated from RegionDraws draws per row).
	RawInterval Size `json:"raw_interval"`
	RawRegion   Size `json:"raw_region"`
}

// ConformalMetrics is what mdn eval reports for a calibrated model.
type ConformalMetrics struct {
	// CalibrationRows is the number of rows the model was calibrated on.
	CalibrationRows int `json:"calibration_rows"`
	// Levels has one entry per level of the calibration.
	Levels []LevelMetrics `json:"levels"`
}

// EvaluateConformal measures, on the labelled rows d, the coverage and
// mean size of the calibrated interval and region of m at each level of
// its calibration, beside those of the model's own central interval and
// highest-density region of the same mass. Sizes: an interval's length
// (D = 1) or its box's volume Π_j (hi_j − lo_j); the region's length
// (D = 1, exact from conformal.LevelSet) or its volume from RegionDraws
// draws (conformal.VolumeOfDraws). The model's own region has the
// threshold conformal.HPDThresholdOfDraws of RegionDraws draws; row i's
// draws come from PCG(seed, i), so the result does not depend on
// batching. It returns an error if m has no calibration.
func EvaluateConformal(m *model.Model, d *data.Dataset, seed uint64) (*ConformalMetrics, error) {
	c := m.Calibration
	if c == nil {
		return nil, fmt.Errorf("predict: evaluate: the model is not calibrated (mdn calibrate)")
	}
	if d.XDim != m.Spec.In || d.YDim != m.Spec.Out {
		return nil, fmt.Errorf("predict: evaluate: the data have %d covariate and %d response columns, the model wants %d and %d",
			d.XDim, d.YDim, m.Spec.In, m.Spec.Out)
	}
	nl := len(c.Levels)
	qs, ts := make([]float64, nl), make([]float64, nl)
	for i, l := range c.Levels {
		var err error
		if qs[i], err = c.IntervalQuantile(l); err != nil {
			return nil, err
		}
		if ts[i], err = c.RegionThreshold(l); err != nil {
			return nil, err
		}
	}
	type acc struct{ cov, size float64 }
	sums := make([][4]acc, nl) // interval, region, raw interval, raw region
	dim := m.Spec.Out
	lo, hi := make([]float64, dim), make([]float64, dim)
	box := func(mx *mixture.Mixture, q float64, y []float64, a *acc) error {
		if err := conformal.Interval(mx, q, lo, hi); err != nil {
			return err
		}
		in, vol := true, 1.0
		for j := range dim {
			in = in && y[j] >= lo[j] && y[j] <= hi[j]
			vol *= hi[j] - lo[j]
		}
		if in {
			a.cov++
		}
		a.size += vol
		return nil
	}
	err := eachMixture(m, d, func(i int, mx *mixture.Mixture, y []float64) error {
		lp := mx.LogProb(y)
		draws := conformal.LogDensityDraws(mx, rand.New(rand.NewPCG(seed, uint64(i))), RegionDraws)
		region := func(t float64, a *acc) error {
			if lp >= t {
				a.cov++
			}
			if dim > 1 {
				a.size += conformal.VolumeOfDraws(draws, t)
				return nil
			}
			set, err := conformal.LevelSet(mx, t)
			a.size += conformal.Length(set)
			return err
		}
		for li, l := range c.Levels {
			s := &sums[li]
			if err := box(mx, qs[li], y, &s[0]); err != nil {
				return err
			}
			if err := region(ts[li], &s[1]); err != nil {
				return err
			}
			if err := box(mx, conformal.LevelMass(l), y, &s[2]); err != nil {
				return err
			}
			if err := region(conformal.HPDThresholdOfDraws(draws, l), &s[3]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &ConformalMetrics{CalibrationRows: c.Rows}
	n := float64(d.N)
	size := func(a acc) Size {
		s := Size{Coverage: a.cov / n}
		if v := a.size / n; !math.IsInf(v, 0) && !math.IsNaN(v) {
			s.MeanSize = &v
		}
		return s
	}
	for li, l := range c.Levels {
		s := sums[li]
		out.Levels = append(out.Levels, LevelMetrics{Level: l, Interval: size(s[0]), Region: size(s[1]),
			RawInterval: size(s[2]), RawRegion: size(s[3])})
	}
	return out, nil
}

// WriteTable prints cm as the conformal part of mdn eval's table: per
// level the coverage and mean size of the four regions.
func (cm *ConformalMetrics) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "conformal\tcalibrated on %d rows\n", cm.CalibrationRows)
	fmt.Fprintln(tw, "level\tregion\tcoverage\tmean size\tuncalibrated coverage\tuncalibrated mean size")
	f := func(s Size) string {
		if s.MeanSize == nil {
			return "inf"
		}
		return fmt.Sprintf("%.5g", *s.MeanSize)
	}
	for _, l := range cm.Levels {
		fmt.Fprintf(tw, "%g\tinterval\t%.3f\t%s\t%.3f\t%s\n", l.Level, l.Interval.Coverage, f(l.Interval), l.RawInterval.Coverage, f(l.RawInterval))
		fmt.Fprintf(tw, "%g\tregion\t%.3f\t%s\t%.3f\t%s\n", l.Level, l.Region.Coverage, f(l.Region), l.RawRegion.Coverage, f(l.RawRegion))
	}
	return tw.Flush()
}

// LogDensities returns log p(y_i|x_i) of every row of d under m, in nats,
// original units (mixture.LogProb).
func LogDensities(m *model.Model, d *data.Dataset) ([]float64, error) {
	if d.XDim != m.Spec.In || d.YDim != m.Spec.Out {
		return nil, fmt.Errorf("predict: log density: the data have %d covariate and %d response columns, the model wants %d and %d",
			d.XDim, d.YDim, m.Spec.In, m.Spec.Out)
	}
	out := make([]float64, d.N)
	err := eachMixture(m, d, func(i int, mx *mixture.Mixture, y []float64) error {
		out[i] = mx.LogProb(y)
		return nil
	})
	return out, err
}
