package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/mdn-go/mdn/conformal"
	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/encode"
	"github.com/mdn-go/mdn/internal/cli"
	"github.com/mdn-go/mdn/model"
	"github.com/mdn-go/mdn/predict"
	"github.com/spf13/cobra"
)

// calibrateOptions are mdn calibrate's flags.
type calibrateOptions struct {
	model  string
	data   string
	out    string
	levels []float64
	schemaFlags
}

// newCalibrateCmd is mdn calibrate; runF, when not nil, gets the checked
// options instead of runCalibrate.
func newCalibrateCmd(ios *cli.IOStreams, runF func(*calibrateOptions) error) *cobra.Command {
	o := &calibrateOptions{}
	c := &cobra.Command{
		Use:   "calibrate --model FILE --data CSV --out FILE",
		Short: "Calibrate the model's intervals and regions on held-out rows (split conformal)",
		Long: `Score every row of --data (the model's covariate and response columns, rows
the model was NOT trained on) and write a copy of the model with the split
conformal calibration stored in it (package conformal; format version 4).
--model is not changed; --out may not be --model.

For n calibration rows and a level, k = ⌈(n+1)·level⌉ and the k-th smallest
score is the threshold. Two scores per row:

  interval  max_j −log(2 min(F_j(y_j), 1 − F_j(y_j))), F_j the marginal
            distribution function of response j (a monotone transform of
            |2F_j(y_j) − 1|): the calibrated interval is the central
            interval of mass 1 − e^(−q̂) (instead of level) of each response,
            jointly covering y.
  region    −log p(y|x): the calibrated region is {y : log p(y|x) ≥ t},
            t = −q̂ (for one response a union of intervals).

For a new row exchangeable with the calibration rows each covers y with
probability at least level (and, without ties among the scores, at most
level + 1/(n+1)), whatever the model got wrong. A level needs at least ⌈level/(1−level)⌉ rows (9 for 0.9, 19 for
0.95). All sorted scores are stored (up to 10,000; see docs/model-format.md),
so mdn predict can use any level the rows allow; --level names the levels
asked for, which mdn eval reports. Recalibrating a calibrated model replaces
its calibration (and says so on standard error).`,
		Example: `  mdn calibrate --model out/model.json --data cal.csv --out out/calibrated.json
  mdn calibrate --model out/model.json --data cal.csv --out out/calibrated.json --level 0.9 --level 0.99`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return runCalibrate(c.Context(), o, ios)
		},
	}
	o.schemaFlags.add(c)
	f := c.Flags()
	f.StringVar(&o.model, "model", "", "model file written by mdn train (required; not changed)")
	f.StringVar(&o.data, "data", "", "labelled CSV of rows the model never saw, with its covariate and response columns (required)")
	f.StringVar(&o.out, "out", "", "calibrated model file to write (required)")
	f.Float64SliceVar(&o.levels, "level", []float64{0.8, 0.9, 0.95}, "level in (0, 1) to calibrate for; repeat or comma-separate for several")
	f.Lookup("level").DefValue = "0.8,0.9,0.95"
	return c
}

// check checks the flags by themselves, before anything is read or written.
func (o *calibrateOptions) check() error {
	if err := required("calibrate", "--model", o.model, "--data", o.data, "--out", o.out); err != nil {
		return err
	}
	if o.out == "-" {
		return fmt.Errorf("calibrate: --out must be a file, not standard output")
	}
	if err := o.schemaFlags.check("calibrate"); err != nil {
		return err
	}
	for _, l := range o.levels {
		if !(l > 0 && l < 1) || math.IsInf(l, 0) {
			return fmt.Errorf("calibrate: --level %v is not in (0, 1)", l)
		}
	}
	return nil
}

// runCalibrate writes o.model calibrated on o.data to o.out and prints a
// summary on ios.Out.
func runCalibrate(_ context.Context, o *calibrateOptions, ios *cli.IOStreams) error {
	tgt, err := resolveOut(ios, "calibrate", "--out", o.out, inputOf(ios, "--model", o.model), inputOf(ios, "--data", o.data))
	if err != nil {
		return err
	}
	if tgt == nil { // check refused --out -
		return fmt.Errorf("calibrate: --out must be a file, not standard output")
	}
	m, err := model.Load(o.model)
	if err != nil {
		return fmt.Errorf("calibrate: %w", err)
	}
	sch, err := o.schema(m)
	if err != nil {
		return fmt.Errorf("calibrate: %w", err)
	}
	d, rep, err := encode.Read(o.data, sch, m.YNames)
	if err != nil {
		return fmt.Errorf("calibrate: %w", err)
	}
	if l, ok := tooFewRows(d.N, o.levels); ok {
		return fmt.Errorf("calibrate: --data %s: %d rows, too few for --level %v, which needs at least %d (level/(1 − level))",
			o.data, d.N, l, conformal.MinRows(l))
	}
	old := m.Calibration
	c, err := calibrateModel(m, d, o.levels)
	if err != nil {
		return fmt.Errorf("calibrate: %w", err)
	}
	if old != nil {
		fmt.Fprintf(ios.ErrOut, "mdn: calibrate: %s was calibrated on %d rows (levels %s); the new calibration replaces it\n",
			o.model, old.Rows, levelList(old.Levels))
	}
	if err := tgt.Write(m.Encode); err != nil {
		return fmt.Errorf("calibrate: %w", err)
	}
	if msg := rep.String(); msg != "" {
		fmt.Fprintf(ios.ErrOut, "mdn: calibrate: %s: %s\n", o.data, msg)
	}
	err = writeCalibrationSummary(ios.Out, c.Rows, o.out, func(l float64) (float64, float64) {
		q, _ := c.IntervalQuantile(l)
		t, _ := c.RegionThreshold(l)
		return conformal.IntervalMass(q), t
	}, c.Levels)
	if err != nil {
		return fmt.Errorf("calibrate: %w", err)
	}
	return nil
}

// tooFewRows returns the first of levels that n calibration rows are too
// few for (conformal.Rank(n, level) > n; conformal.MinRows says how many it
// needs), and whether there is one. mdn calibrate checks --level with it
// and mdn train data.calibration_levels, before any work.
func tooFewRows(n int, levels []float64) (float64, bool) {
	for _, l := range levels {
		if conformal.Rank(n, l) > n {
			return l, true
		}
	}
	return 0, false
}

// calibrateModel calibrates m on the labelled rows d for levels
// (predict.Calibrate: the split conformal scores of every row) and stores
// the calibration in m, replacing any (model.Model.SetCalibration: m
// becomes format version 4). It is how both mdn calibrate and mdn train
// (data.calibration, data.calibration_fraction) calibrate a model; on an
// error m is unchanged.
func calibrateModel(m *model.Model, d *data.Dataset, levels []float64) (*conformal.Calibration, error) {
	c, err := predict.Calibrate(m, d, levels)
	if err != nil {
		return nil, err
	}
	if err := m.SetCalibration(c); err != nil {
		return nil, err
	}
	return c, nil
}

// writeCalibrationSummary prints what mdn calibrate did: one line per level
// with the interval's mass q̂ and the region's log-density threshold.
func writeCalibrationSummary(w io.Writer, rows int, out string, at func(float64) (float64, float64), levels []float64) error {
	fmt.Fprintf(w, "calibrated on %d rows\n", rows)
	for _, l := range levels {
		q, t := at(l)
		fmt.Fprintf(w, "level %g: interval = central interval of mass %.6g; region = {y : log p(y|x) ≥ %.6g}\n", l, q, t)
	}
	_, err := fmt.Fprintf(w, "wrote %s\n", out)
	return err
}

// levelList is levels as "0.8, 0.9".
func levelList(levels []float64) string {
	s := make([]string, len(levels))
	for i, l := range levels {
		s[i] = fmt.Sprint(l)
	}
	return strings.Join(s, ", ")
}
