package serve

import (
	"math"

	"github.com/mdn-go/mdn/conformal"
	"github.com/mdn-go/mdn/model"
	"github.com/mdn-go/mdn/predict"
)

// calibrate gives an interval or region summary the model's calibration
// (mdn calibrate), as mdn predict does: a level the calibration rows do not
// allow, or the region of several responses of an uncalibrated model, is a
// 400.
func calibrate(sz *predict.Summarizer, m *model.Model) error {
	if sz.Kind != predict.KindInterval && sz.Kind != predict.KindRegion {
		return nil
	}
	c := m.Calibration
	if c == nil {
		if sz.Kind == predict.KindRegion && m.Spec.Out > 1 {
			return badRequest("what: region: the model has %d responses and no calibration; calibrate it first (mdn calibrate)", m.Spec.Out)
		}
		return nil
	}
	if conformal.Rank(c.Rows, sz.Level) > c.Rows {
		return badRequest("level: %v: the model is calibrated on %d rows, the level needs at least %d",
			sz.Level, c.Rows, conformal.MinRows(sz.Level))
	}
	sz.Calibration = c
	return nil
}

// floatOrNull appends v, or null for ±Inf (an unbounded end of a
// calibrated interval or region), as predict.Encoder writes it.
func (w *jsonWriter) floatOrNull(v float64) {
	if math.IsInf(v, 0) {
		w.raw("null")
		return
	}
	w.float(v)
}

// objectOrNull is object with null for ±Inf values.
func (w *jsonWriter) objectOrNull(n *names, v []float64) {
	w.byte('{')
	for i, j := range n.order {
		if i > 0 {
			w.byte(',')
		}
		w.bytes(n.keys[j])
		w.floatOrNull(v[j])
	}
	w.byte('}')
}

// calibrated appends the fields a calibrated summary adds after the
// interval's: ,"calibrated":true,"calibration_rows":n.
func (f *summary) calibrated(out *jsonWriter) {
	if c := f.sz.Calibration; c != nil {
		out.raw(`,"calibrated":true,"calibration_rows":`)
		out.int(c.Rows)
	}
}

// region appends the fields of a region result, in predict.Encoder's
// order: level, calibrated, calibration_rows, region (one response),
// log_density_threshold.
func (f *summary) region(out *jsonWriter, sum *predict.Summary) {
	out.raw(`,"level":`)
	out.float(f.sz.Level)
	if f.sz.Calibration == nil {
		out.raw(`,"calibrated":false`)
	} else {
		f.calibrated(out)
	}
	if len(f.st.yNames.keys) == 1 {
		out.raw(`,"region":{`)
		out.bytes(f.st.yNames.keys[0])
		out.byte('[')
		for i, iv := range sum.Region {
			if i > 0 {
				out.byte(',')
			}
			out.byte('[')
			out.floatOrNull(iv[0])
			out.byte(',')
			out.floatOrNull(iv[1])
			out.byte(']')
		}
		out.raw("]}")
	}
	out.raw(`,"log_density_threshold":`)
	out.float(sum.Threshold)
}

// calibInfo is the "calibration" of GET /v1/model: how many rows the model
// was calibrated on and the levels asked for (the scores stay in the file).
type calibInfo struct {
	Rows   int       `json:"rows"`
	Levels []float64 `json:"levels"`
}

// calibInfoOf is m's calibInfo, nil for an uncalibrated model.
func calibInfoOf(m *model.Model) *calibInfo {
	if m.Calibration == nil {
		return nil
	}
	return &calibInfo{Rows: m.Calibration.Rows, Levels: m.Calibration.Levels}
}
