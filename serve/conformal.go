package serve

import (
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
