package main

import (
	"encoding/json"
	"fmt"
	stdio "io"

	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/encode"
	"github.com/mdn-go/mdn/model"
	"github.com/mdn-go/mdn/predict"
)

// runLogPDF is mdn predict --what logpdf: log p(y|x) of candidate rows
// (covariates and responses), and for a calibrated model whether each y is
// in the calibrated region of --level. The input is read whole (not
// streamed).
func runLogPDF(io streams, o *predictOptions) error {
	if o.qSet {
		return fmt.Errorf("predict: --q is only used with --what quantiles")
	}
	if o.out != "" && o.json {
		return fmt.Errorf("predict: --out and --json are mutually exclusive: --json prints to standard output")
	}
	if !(o.level > 0 && o.level < 1) {
		return fmt.Errorf("predict: --level must be in (0, 1), got %v", o.level)
	}
	tgt, err := resolveOut(io, "predict", "--out", o.out, inputOf(io, "--model", o.model), inputOf(io, "--input", o.input))
	if err != nil {
		return err
	}
	m, err := model.Load(o.model)
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	if o.levelSet && m.Calibration == nil {
		return fmt.Errorf("predict: --level: %s is not calibrated; --what logpdf uses --level only for a calibrated model's region", o.model)
	}
	sch, err := o.schema(m)
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	var d *data.Dataset
	if o.input == "-" {
		d, _, err = encode.ReadFrom(io.in, "<stdin>", sch, m.YNames)
	} else {
		d, _, err = encode.Read(o.input, sch, m.YNames)
	}
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	lp, err := predict.LogDensities(m, d)
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	cal := m.Calibration
	var th float64
	if cal != nil {
		if th, err = cal.RegionThreshold(o.level); err != nil {
			return fmt.Errorf("predict: --level %v: %s: %w", o.level, o.model, err)
		}
	}
	return writeStream(io, tgt, func(w stdio.Writer) error {
		if o.json {
			return writeLogPDFJSON(w, m, d, lp, o.level, th)
		}
		cols := append(append([]string{"row"}, m.YNames...), "log_density")
		if cal != nil {
			cols = append(cols, "in_region")
		}
		if _, err := w.Write(data.CSVHeader(m.XNames, cols)); err != nil {
			return err
		}
		var buf []byte
		for i := range d.N {
			x, y := d.Row(i)
			buf = data.AppendFloats(buf[:0], true, x...)
			buf = data.AppendFloats(buf, false, float64(i))
			buf = data.AppendFloats(buf, false, y...)
			buf = data.AppendFloats(buf, false, lp[i])
			if cal != nil {
				in := 0.0
				if lp[i] >= th {
					in = 1
				}
				buf = data.AppendFloats(buf, false, in)
			}
			if _, err := w.Write(append(buf, '\n')); err != nil {
				return err
			}
		}
		return nil
	})
}

// writeLogPDFJSON writes the JSON lines of --what logpdf --json.
func writeLogPDFJSON(w stdio.Writer, m *model.Model, d *data.Dataset, lp []float64, level, th float64) error {
	type line struct {
		Row        int                `json:"row"`
		X          map[string]float64 `json:"x"`
		Y          map[string]float64 `json:"y"`
		LogDensity *float64           `json:"log_density"`
		Level      float64            `json:"level,omitempty"`
		Calibrated bool               `json:"calibrated,omitempty"`
		Rows       int                `json:"calibration_rows,omitempty"`
		Threshold  *float64           `json:"log_density_threshold,omitempty"`
		InRegion   *bool              `json:"in_region,omitempty"`
	}
	named := func(names []string, v []float64) map[string]float64 {
		out := make(map[string]float64, len(names))
		for i, n := range names {
			out[n] = v[i]
		}
		return out
	}
	for i := range d.N {
		x, y := d.Row(i)
		l := line{Row: i, X: named(m.XNames, x), Y: named(m.YNames, y)}
		if v := lp[i]; v > -1e308 { // −Inf (an underflowed density) is null
			l.LogDensity = &v
		}
		if c := m.Calibration; c != nil {
			in := lp[i] >= th
			l.Level, l.Calibrated, l.Rows, l.Threshold, l.InRegion = level, true, c.Rows, &th, &in
		}
		b, err := json.Marshal(l)
		if err != nil {
			return err
		}
		if _, err := w.Write(append(b, '\n')); err != nil {
			return err
		}
	}
	return nil
}
