package model

import (
	"encoding/json"
	"fmt"

	"github.com/mdn-go/mdn/conformal"
)

// calibOut is the "calibration" field as written.
type calibOut = conformal.Calibration

// calibIn is the "calibration" field as read: the scores raw, so
// that a null or a string among them is named (see numbers).
type calibIn struct {
	Rows     int             `json:"rows"`
	Levels   json.RawMessage `json:"levels"`
	Interval json.RawMessage `json:"interval_scores"`
	Region   json.RawMessage `json:"region_scores"`
}

// calibration decodes c (nil when the file has none); the caller's
// Validate checks it.
func (c *calibIn) calibration() (*conformal.Calibration, error) {
	if c == nil {
		return nil, nil
	}
	out := &conformal.Calibration{Rows: c.Rows}
	var err error
	if out.Levels, err = numbers("calibration.levels", c.Levels); err != nil {
		return nil, err
	}
	if out.Interval, err = numbers("calibration.interval_scores", c.Interval); err != nil {
		return nil, err
	}
	if out.Region, err = numbers("calibration.region_scores", c.Region); err != nil {
		return nil, err
	}
	return out, nil
}

// checkCalibration checks the calibration and that the version has it.
func (m *Model) checkCalibration() error {
	if m.Calibration == nil {
		return nil
	}
	if m.Version < CalibratedVersion {
		return fmt.Errorf("calibration: needs format version %d, the file is version %d", CalibratedVersion, m.Version)
	}
	if err := m.Calibration.Validate(); err != nil {
		return fmt.Errorf("calibration: %w", err)
	}
	return nil
}

// SetCalibration stores c as m's calibration, replacing any earlier one,
// and sets m.Version to CalibratedVersion; a nil c removes the calibration
// (the version stays). It returns an error, leaving m as it was, if c does
// not pass Validate.
func (m *Model) SetCalibration(c *conformal.Calibration) error {
	oldC, oldV := m.Calibration, m.Version
	m.Calibration = c
	if c != nil {
		m.Version = CalibratedVersion
	}
	if err := m.Validate(); err != nil {
		m.Calibration, m.Version = oldC, oldV
		return fmt.Errorf("model: %w", err)
	}
	return nil
}
