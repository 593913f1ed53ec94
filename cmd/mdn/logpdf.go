package main

import (
	"fmt"
	"io"
	"os"

	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/encode"
	"github.com/mdn-go/mdn/internal/cli"
	"github.com/mdn-go/mdn/model"
	"github.com/mdn-go/mdn/predict"
)

// runLogPDF is mdn predict --what logpdf: log p(y|x) of candidate rows
// (covariates and responses), and for a calibrated model whether each y is
// in the calibrated region of --level. The input is read whole (not
// streamed); the lines are written by predict.Encoder, as the other
// --what are, the covariates echoed as given. The flags are checked by
// predictOptions.check.
func runLogPDF(o *predictOptions, ios *cli.IOStreams) error {
	tgt, err := resolveOut(ios, "predict", "--out", o.out, inputOf(ios, "--model", o.model), inputOf(ios, "--input", o.input))
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
	enc := &predict.Encoder{Summarizer: predict.Summarizer{Kind: predict.KindLogPDF, Level: o.level, Calibration: m.Calibration},
		XNames: m.XNames, YNames: m.YNames, Schema: sch, JSON: o.json, Inputs: o.inputs}
	if c := m.Calibration; c != nil {
		if _, err := c.RegionThreshold(o.level); err != nil {
			return fmt.Errorf("predict: --level %v: %s: %w", o.level, o.model, err)
		}
	}
	var d *data.Dataset
	var given [][]string
	name := o.input
	var r io.Reader = ios.In
	if o.input == "-" {
		name = "<stdin>"
	} else {
		f, err := os.Open(o.input)
		if err != nil {
			return fmt.Errorf("predict: %w", &data.Error{File: o.input, Err: err}) // as encode.Read says it
		}
		defer f.Close()
		r = f
	}
	if d, given, _, err = encode.ReadGivenFrom(r, name, sch, m.YNames); err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	if m.Encoding == nil {
		given = nil // the covariates are the inputs: x by name, as Stream gives it
	}
	lp, err := predict.LogDensities(m, d)
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	return writeStream(ios, tgt, func(w io.Writer) error {
		if !o.json {
			if _, err := w.Write(data.CSVHeader(m.Columns(), enc.Columns())); err != nil {
				return err
			}
		}
		var sum predict.Summary
		var buf []byte
		for i := range d.N {
			x, y := d.Row(i)
			if err := enc.LogPDF(lp[i], y, &sum); err != nil {
				return fmt.Errorf("%s: line %d: %w", name, d.Lines[i], err)
			}
			if err := enc.CheckFinite(&sum, m.YNames); err != nil {
				return fmt.Errorf("%s: line %d: %w", name, d.Lines[i], err)
			}
			if given != nil {
				enc.Given = given[i]
			}
			if buf, err = enc.Append(buf[:0], i, x, &sum); err != nil {
				return fmt.Errorf("%s: line %d: %w", name, d.Lines[i], err)
			}
			if _, err := w.Write(buf); err != nil {
				return err
			}
		}
		return nil
	})
}
