package fitconfig

import (
	"slices"

	"github.com/mdn-go/mdn/config"
	"github.com/mdn-go/mdn/encode"
	"github.com/mdn-go/mdn/train"
)

// Recipe is the train.Recipe of cfg as the file gives it, without the size
// rule: enough to load the data (train.LoadData), whose number of training
// rows Sized needs. Slices are copied (a nil slice stays nil, an empty one
// empty: encode.Options.NAValues tells them apart).
func Recipe(cfg *config.Config) train.Recipe {
	d, m, t := &cfg.Data, &cfg.Model, &cfg.Train
	return train.Recipe{
		Spec: m.Spec(),
		Init: m.Init,
		Data: train.DataOptions{
			Train: d.Train, Validation: d.Validation, ValidationFraction: d.ValidationFraction,
			Calibration: d.Calibration, CalibrationFraction: d.CalibrationFraction, Standardize: d.Standardize,
			Encode: encode.Options{X: slices.Clone(d.X), Y: slices.Clone(d.Y),
				Categorical: slices.Clone(d.Categorical), Unknown: d.UnknownLevel, Missing: d.Missing,
				NAValues: slices.Clone(d.NAValues)},
		},
		Train: train.Options{Steps: t.Steps, BatchSize: t.BatchSize, LR: t.LR, Schedule: t.Schedule,
			Warmup: t.Warmup, Seed: t.Seed, ClipNorm: t.ClipNorm, WeightDecay: t.WeightDecay,
			EvalEvery: t.EvalEvery, Patience: t.Patience, RestoreBest: t.RestoreBest, OnNaN: t.OnNaN,
			Threads: t.Threads},
		Epochs:      t.Epochs,
		Ensemble:    t.Ensemble,
		EnsembleMax: t.EnsembleMax,
		NoiseScale:  t.NoiseScale,
		NoiseSelect: t.NoiseSelect,
	}
}

// Sized is the train.Recipe of cfg for a run on n training rows (after the
// validation hold-out: train.Data's Train.N): the recipe of cfg.Sized(n),
// in which the keys of the size rule that the file left at their defaults
// grow with n (config.SizedFrom), and with it what the rule changed, for
// the plan line (train.Plan.Sized; "" when nothing). Below
// config.SizedFrom rows it is Recipe(cfg).
func Sized(cfg *config.Config, n int) (train.Recipe, string) {
	s, note := cfg.Sized(n)
	return Recipe(s), note
}

// FingerprintOf returns the train.Fingerprint of a run of cfg on d, as
// train.LoadData returned it (before training, which may reorder the
// rows): every key of cfg (config.Values) but train.threads, which does not
// change the result, and the rows of each data file (those held out of
// data.train for validation and calibration counted with it). With d nil,
// only the config's part (Fingerprint.Check then compares the config
// only).
func FingerprintOf(cfg *config.Config, d *train.Data) *train.Fingerprint {
	v := cfg.Values()
	delete(v, "train.threads")
	f := &train.Fingerprint{Config: v}
	if d == nil {
		return f
	}
	// The rows of data.train: those held out of it too (DataPrintOf
	// skips a nil part).
	val, cal := d.Val, d.Cal
	if cfg.Data.Validation != "" {
		val = nil
	}
	if cfg.Data.Calibration != "" {
		cal = nil
	}
	f.Data = []train.DataPrint{train.DataPrintOf("data.train", cfg.Data.Train, d.Train, val, cal)}
	if cfg.Data.Validation != "" {
		f.Data = append(f.Data, train.DataPrintOf("data.validation", cfg.Data.Validation, d.Val))
	}
	if cfg.Data.Calibration != "" {
		f.Data = append(f.Data, train.DataPrintOf("data.calibration", cfg.Data.Calibration, d.Cal))
	}
	return f
}
