package train

import (
	"errors"
	"fmt"
	"math"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/encode"
)

// Recipe is a training run described in Go, as optimize.Settings describes
// a minimization in gonum: the network, how the rows are read, held out and
// scaled, and how the networks are trained. It knows nothing of YAML; the
// config file's keys (docs/config.md) map one to one onto its fields
// (package fitconfig), and the messages of LoadData, PlanOf and Fit name
// those keys. Zero values are not defaults: package config has them.
type Recipe struct {
	// Spec is the network. Its In and Out are the data's: SpecOf sets them
	// (the encoded covariates and the responses), whatever they hold here.
	// FixedSigma, with Noise arch.Fixed, holds one σ for every response
	// (the config's model.fixed_sigma) or one per response.
	Spec arch.Spec
	// Init is the distribution of the initial weights.
	Init arch.Init
	// Data says how the rows are read, held out and scaled.
	Data DataOptions
	// Train are the options of every network of the run but those Fit sets
	// for each: Steps when Epochs > 0 (Recipe.Steps), Seed (MemberSeed of
	// Train.Seed), Noise (NoiseBandwidth of NoiseScale), NoNoise,
	// LogJacobian, Progress, Resume, and Threads, each network's share of
	// Train.Threads (0: GOMAXPROCS).
	Train Options
	// Epochs, when > 0, sets the run length in passes over the training
	// rows instead of Train.Steps (Recipe.Steps).
	Epochs int
	// Ensemble is the number M ≥ 1 of networks trained from different
	// seeds and averaged into one model; EnsembleMax ≥ Ensemble lets it grow
	// on a table with fewer rows than a batch (EnsembleSize).
	Ensemble, EnsembleMax int
	// NoiseScale is the constant c of the noise bandwidth (NoiseBandwidth);
	// 0: no noise.
	NoiseScale float64
	// NoiseSelect, with NoiseScale > 0 and validation rows, trains every
	// member with and without noise and keeps what the validation rows
	// prefer (FitResume).
	NoiseSelect bool
}

// DataOptions say which rows a run trains and validates on and how they
// are scaled.
type DataOptions struct {
	// Train is the training CSV file LoadData reads (the command's file
	// name; PlanOf names it in notes). DataOf, which takes the rows
	// themselves, does not use it.
	Train string
	// Validation is the validation CSV file, or "" for none; with one,
	// ValidationFraction is not used. DataOf takes validation rows instead.
	Validation string
	// ValidationFraction in [0, 1) is the fraction of the training file's
	// rows held out for validation (seeded by Train.Seed); 0: none. With
	// CalibrationFraction c > 0 it is still a fraction of the file: the
	// rows left after the calibration hold-out lose the fraction
	// ValidationFraction/(1 − c) of theirs (HeldFraction).
	ValidationFraction float64
	// Calibration is a CSV file of calibration rows, read with the
	// training file's encoding into Data.Cal; "" for none. Training does
	// not use them: the caller calibrates the trained model on them
	// (predict.Calibrate). DataOf does not read it.
	Calibration string
	// CalibrationFraction in [0, 1) is the fraction of the training file's
	// rows held out as Data.Cal (seeded by Train.Seed, on a stream of its
	// own), before the validation hold-out and the scaler, so that neither
	// training, scaling, validation nor early stopping sees them; 0: none.
	// Mutually exclusive with Calibration; ValidationFraction +
	// CalibrationFraction < 1.
	CalibrationFraction float64
	// Standardize z-scores x and y with the training rows' mean and
	// standard deviation (the 0/1 inputs of labels excepted).
	Standardize bool
	// Encode says which columns are x and y and how labels and missing
	// cells become inputs.
	Encode encode.Options
}

// HeldFraction is the fraction of the rows left after the calibration
// hold-out that the validation hold-out takes, so that it holds out
// ValidationFraction of the whole file:
//
//	ValidationFraction / (1 − CalibrationFraction)
//
// It is ValidationFraction without a calibration fraction, and 0 with a
// Validation file.
func (o DataOptions) HeldFraction() float64 {
	if o.Validation != "" {
		return 0
	}
	if o.CalibrationFraction <= 0 {
		return o.ValidationFraction
	}
	return o.ValidationFraction / (1 - o.CalibrationFraction)
}

// Steps returns the number of optimizer steps of the run, given nTrain, the
// number of training rows (after any validation hold-out). With Epochs = 0
// it is Train.Steps. With Epochs > 0 it is
//
//	Epochs · ⌊nTrain / B⌋   when 0 < B < nTrain (B = Train.BatchSize)
//	Epochs                  when B = 0 (full batch) or B ≥ nTrain
//
// since each epoch draws a permutation of the rows and takes consecutive
// batches of B rows, dropping the last incomplete one. It returns 0 with
// Epochs > 0 and nTrain < 1.
func (r *Recipe) Steps(nTrain int) int {
	e := r.Epochs
	if e <= 0 {
		return r.Train.Steps
	}
	if nTrain < 1 {
		return 0
	}
	b := r.Train.BatchSize
	if b <= 0 || b >= nTrain {
		return e
	}
	return e * (nTrain / b)
}

// Validate reports the problems of r that would stop a run or make it
// meaningless, all of them, joined, each naming the Recipe field: the
// network (its enums and sizes; In and Out are the data's), the hold-out,
// the encoding policies, and the training options. The columns are the
// data's business (LoadData checks Data.Encode's). A recipe from a valid
// config (package fitconfig) always passes. LoadData, DataOf and PlanOf
// (and so Fit) call it.
func (r *Recipe) Validate() error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("train: Recipe.%s: %s", field, fmt.Sprintf(format, args...)))
	}
	for _, p := range r.Spec.Problems() {
		add("Spec."+p.Field, "%s", p.Msg)
	}
	for _, e := range []struct {
		field string
		v     interface{ Validate() error }
	}{{"Init", r.Init}, {"Train.Schedule", r.Train.Schedule}, {"Train.OnNaN", r.Train.OnNaN},
		{"Data.Encode.Unknown", r.Data.Encode.Unknown}, {"Data.Encode.Missing", r.Data.Encode.Missing}} {
		if err := e.v.Validate(); err != nil {
			add(e.field, "%v", err)
		}
	}
	v, c := r.Data.ValidationFraction, r.Data.CalibrationFraction
	if !(v >= 0 && v < 1) {
		add("Data.ValidationFraction", "must be in [0, 1), got %v", v)
	}
	switch {
	case !(c >= 0 && c < 1):
		add("Data.CalibrationFraction", "must be in [0, 1), got %v", c)
	case c > 0 && r.Data.Calibration != "":
		add("Data.CalibrationFraction", "and Data.Calibration are mutually exclusive")
	case c > 0 && r.Data.Validation == "" && v >= 0 && !(v+c < 1 && v < 1-c):
		add("Data.CalibrationFraction", "%v with Data.ValidationFraction %v leaves no training rows: their sum must be < 1", c, v)
	}
	t := &r.Train
	switch {
	case r.Epochs < 0:
		add("Epochs", "must be ≥ 0, got %d", r.Epochs)
	case r.Epochs == 0 && t.Steps < 1:
		add("Train.Steps", "must be ≥ 1 (or Epochs ≥ 1), got %d", t.Steps)
	}
	if t.BatchSize < 0 {
		add("Train.BatchSize", "must be ≥ 0, got %d", t.BatchSize)
	}
	if !(t.LR > 0) || math.IsInf(t.LR, 1) {
		add("Train.LR", "must be > 0, got %v", t.LR)
	}
	if t.Warmup < 0 {
		add("Train.Warmup", "must be ≥ 0, got %d", t.Warmup)
	}
	if !(t.ClipNorm >= 0) || math.IsInf(t.ClipNorm, 1) {
		add("Train.ClipNorm", "must be ≥ 0, got %v", t.ClipNorm)
	}
	if !(t.WeightDecay >= 0) || math.IsInf(t.WeightDecay, 1) {
		add("Train.WeightDecay", "must be ≥ 0, got %v", t.WeightDecay)
	}
	if t.EvalEvery < 1 {
		add("Train.EvalEvery", "must be ≥ 1, got %d", t.EvalEvery)
	}
	if t.Patience < 0 {
		add("Train.Patience", "must be ≥ 0, got %d", t.Patience)
	}
	if t.Threads < 0 {
		add("Train.Threads", "must be ≥ 0, got %d", t.Threads)
	}
	if r.Ensemble < 1 {
		add("Ensemble", "must be ≥ 1, got %d", r.Ensemble)
	} else if r.EnsembleMax != 0 && r.EnsembleMax < r.Ensemble {
		add("EnsembleMax", "must be 0 or ≥ Ensemble (%d), got %d", r.Ensemble, r.EnsembleMax)
	}
	if !(r.NoiseScale >= 0) || math.IsInf(r.NoiseScale, 1) {
		add("NoiseScale", "must be ≥ 0, got %v", r.NoiseScale)
	}
	return errors.Join(errs...)
}
