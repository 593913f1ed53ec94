package config

import (
	"errors"
	"fmt"
	"github.com/mdn-go/mdn/arch"
	"math"
	"os"
	"slices"
	"strings"
)

// FieldError is a problem with one field (or a pair of fields) of a config.
// Path is the yaml path of the field, as in "train.batch_size" or
// "model.hidden[1]". Line is the line of the file that gives its value
// (Decode and Load set it; for a pair of fields, the first one the file
// gives), 0 when the value is a default or the Config was built in Go.
type FieldError struct {
	Path string
	Msg  string
	Line int
}

func (e *FieldError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s: %s", e.Line, e.Path, e.Msg)
	}
	return e.Path + ": " + e.Msg
}

// Validate checks every field of c and returns nil or all the problems found,
// joined with errors.Join, each a *FieldError naming the field path:
//
//	train.batch_size: must be ≥ 0, got -3
//
// It stats data.train, data.validation and data.calibration (as they are: Load and Decode have
// already resolved relative paths against the config directory).
//
// On a Config built in Go, a field counts as given when it is non-zero: so
// Epochs > 0 needs Steps == 0, and FixedSigma != 0 needs noise fixed. Decode
// uses which keys the file has instead.
func (c *Config) Validate() error {
	return errors.Join(c.check(func(path string) bool {
		switch path {
		case "train.steps":
			return c.Train.Steps != 0
		case "train.epochs":
			return c.Train.Epochs != 0
		case "model.fixed_sigma":
			return c.Model.FixedSigma != 0
		}
		return false
	})...)
}

// check returns the problems of c. given reports whether the field at a path
// was given; it is asked only about train.steps, train.epochs,
// model.fixed_sigma and data.calibration_levels.
func (c *Config) check(given func(path string) bool) []error {
	var errs []error
	add := func(path, format string, args ...any) {
		errs = append(errs, &FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
	}

	// data
	d := &c.Data
	if d.Train == "" {
		add("data.train", "required")
	} else if msg := checkFile(d.Train); msg != "" {
		add("data.train", "%s", msg)
	}
	if d.Validation != "" {
		if msg := checkFile(d.Validation); msg != "" {
			add("data.validation", "%s", msg)
		}
	}
	if f := d.ValidationFraction; !(f >= 0 && f < 1) {
		add("data.validation_fraction", "must be in [0, 1), got %v", f)
	}
	c.checkCalibration(add, given)
	checkColumns := func(path string, cols []string) map[string]bool {
		seen := make(map[string]bool, len(cols))
		if len(cols) == 0 {
			add(path, "required: list at least one column")
		}
		for i, name := range cols {
			switch {
			case strings.TrimSpace(name) == "":
				add(fmt.Sprintf("%s[%d]", path, i), "empty column name")
			case seen[name]:
				add(fmt.Sprintf("%s[%d]", path, i), "duplicate column %q", name)
			}
			seen[name] = true
		}
		return seen
	}
	xs := checkColumns("data.x", d.X)
	checkColumns("data.y", d.Y)
	for i, name := range d.Y {
		if xs[name] && strings.TrimSpace(name) != "" {
			add(fmt.Sprintf("data.y[%d]", i), "column %q is also in data.x", name)
		}
	}

	for i, name := range d.Categorical {
		switch {
		case !xs[name]:
			add(fmt.Sprintf("data.categorical[%d]", i), "column %q is not in data.x (only covariates can be labels)", name)
		case slices.Index(d.Categorical, name) < i:
			add(fmt.Sprintf("data.categorical[%d]", i), "duplicate column %q", name)
		}
	}
	if err := d.UnknownLevel.Validate(); err != nil {
		add("data.unknown_level", "%v", err)
	}
	if err := d.Missing.Validate(); err != nil {
		add("data.missing", "%v", err)
	}

	// model: the rules of arch.Spec (Problems) under the config's keys,
	// but fixed_sigma, one number here, given or not.
	m := &c.Model
	for _, p := range m.Spec().Problems() {
		if !strings.HasPrefix(p.Field, "FixedSigma") {
			add("model."+p.Key, "%s", p.Msg)
		}
	}
	if m.Noise.Validate() == nil {
		switch fixed := m.Noise == arch.Fixed; {
		case fixed && !given("model.fixed_sigma"):
			add("model.fixed_sigma", "required (> 0) with noise: fixed")
		case fixed && !positive(m.FixedSigma):
			add("model.fixed_sigma", "must be > 0, got %v", m.FixedSigma)
		case !fixed && given("model.fixed_sigma"):
			add("model.fixed_sigma", "only used with noise: fixed")
		}
	}
	if err := m.Init.Validate(); err != nil {
		add("model.init", "%v", err)
	}

	// train
	t := &c.Train
	if given("train.epochs") {
		if given("train.steps") {
			add("train.steps, train.epochs", "mutually exclusive: give one or the other")
		}
		if t.Epochs < 1 {
			add("train.epochs", "must be ≥ 1, got %d", t.Epochs)
		}
	} else {
		if t.Steps < 1 {
			add("train.steps", "must be ≥ 1, got %d", t.Steps)
		}
	}
	if t.BatchSize < 0 {
		add("train.batch_size", "must be ≥ 0, got %d", t.BatchSize)
	}
	if !positive(t.LR) {
		add("train.lr", "must be > 0, got %v", t.LR)
	}
	if err := t.Schedule.Validate(); err != nil {
		add("train.schedule", "%v", err)
	}
	switch {
	case t.Warmup < 0:
		add("train.warmup", "must be ≥ 0, got %d", t.Warmup)
	case t.Epochs == 0 && t.Steps >= 1 && t.Warmup >= t.Steps:
		add("train.warmup", "must be < train.steps (%d), got %d", t.Steps, t.Warmup)
	}
	if !nonNegative(t.ClipNorm) {
		add("train.clip_norm", "must be ≥ 0, got %v", t.ClipNorm)
	}
	if !nonNegative(t.WeightDecay) {
		add("train.weight_decay", "must be ≥ 0, got %v", t.WeightDecay)
	}
	if t.EvalEvery < 1 {
		add("train.eval_every", "must be ≥ 1, got %d", t.EvalEvery)
	}
	if t.Patience < 0 {
		add("train.patience", "must be ≥ 0, got %d", t.Patience)
	} else if t.Patience > 0 && !c.HasValidation() {
		add("train.patience", "needs validation data (data.validation, or data.validation_fraction > 0)")
	}
	if t.RestoreBest && !c.HasValidation() {
		add("train.restore_best", "needs validation data (data.validation, or data.validation_fraction > 0)")
	}
	if err := t.OnNaN.Validate(); err != nil {
		add("train.on_nan", "%v", err)
	}
	if t.Threads < 0 {
		add("train.threads", "must be ≥ 0, got %d", t.Threads)
	}
	if t.Ensemble < 1 || t.Ensemble > MaxEnsemble {
		add("train.ensemble", "must be in [1, %d], got %d", MaxEnsemble, t.Ensemble)
	} else if t.EnsembleMax < t.Ensemble || t.EnsembleMax > MaxEnsemble {
		add("train.ensemble_max", "must be in [train.ensemble, %d] = [%d, %d], got %d", MaxEnsemble, t.Ensemble, MaxEnsemble, t.EnsembleMax)
	}
	if !(t.NoiseScale >= 0 && t.NoiseScale <= MaxNoiseScale) {
		add("train.noise_scale", "must be in [0, %v], got %v", MaxNoiseScale, t.NoiseScale)
	}
	return errs
}

// checkCalibration adds the problems of the calibration keys of c's data
// section: the file, the fraction, the two together, the fraction with the
// validation fraction, and the levels.
func (c *Config) checkCalibration(add func(path, format string, args ...any), given func(path string) bool) {
	d := &c.Data
	if d.Calibration != "" {
		if msg := checkFile(d.Calibration); msg != "" {
			add("data.calibration", "%s", msg)
		} else {
			for _, o := range []struct{ key, path string }{{"data.train", d.Train}, {"data.validation", d.Validation}} {
				if sameFile(d.Calibration, o.path) {
					add("data.calibration", "%s is also %s: calibration rows must be rows the model is neither trained nor validated on", d.Calibration, o.key)
				}
			}
		}
	}
	f := d.CalibrationFraction
	switch {
	case !(f >= 0 && f < 1):
		add("data.calibration_fraction", "must be in [0, 1), got %v", f)
	case f > 0 && d.Calibration != "":
		add("data.calibration, data.calibration_fraction", "mutually exclusive: give one or the other")
	case f > 0 && d.Validation == "" && d.ValidationFraction >= 0 && d.ValidationFraction < 1 && !(d.ValidationFraction+f < 1 && d.ValidationFraction < 1-f):
		add("data.validation_fraction, data.calibration_fraction", "together hold out %v + %v of the training rows, leaving none to train on: their sum must be < 1",
			d.ValidationFraction, f)
	}
	if given("data.calibration_levels") && !c.HasCalibration() {
		add("data.calibration_levels", "only used with data.calibration or data.calibration_fraction > 0")
	}
	if c.HasCalibration() && len(d.CalibrationLevels) == 0 {
		add("data.calibration_levels", "must have at least one level")
	}
	for i, l := range d.CalibrationLevels {
		if !(l > 0 && l < 1) {
			add(fmt.Sprintf("data.calibration_levels[%d]", i), "must be in (0, 1), got %v", l)
		}
	}
}

// sameFile reports whether paths a and b name the same existing file.
func sameFile(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// positive reports whether v is finite and > 0.
func positive(v float64) bool { return v > 0 && !math.IsInf(v, 1) }

// nonNegative reports whether v is finite and ≥ 0.
func nonNegative(v float64) bool { return v >= 0 && !math.IsInf(v, 1) }

// checkFile returns "" when path is a regular file (or a link to one), and
// otherwise a message naming the path.
func checkFile(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return fmt.Sprintf("%s: %v", path, pe.Err)
		}
		return err.Error()
	}
	if fi.IsDir() {
		return path + ": is a directory"
	}
	return ""
}
