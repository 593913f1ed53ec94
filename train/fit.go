package train

import (
	"context"
	"errors"
	"fmt"
	"github.com/mdn-go/mdn/arch"
	"math"
	"math/rand/v2"

	"github.com/mdn-go/mdn/config"
	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/encode"
	"github.com/mdn-go/mdn/graph"
	"github.com/mdn-go/mdn/model"
)

// Streams of the run's seed: each random choice draws from its own PCG
// stream, so that changing one (say the hold-out) leaves the others alone.
const (
	streamInit  = 1
	streamSplit = 2
)

// Data is the data of a run after loading: the training and validation
// rows in original units (covariates encoded as network inputs), the
// encoding, and the scaler fitted on the training rows.
type Data struct {
	Train, Val *data.Dataset
	// File is every row of the training file, before any hold-out.
	File   *data.Dataset
	Scaler data.Scaler
	// Schema encodes the covariate columns as the network's inputs (labels
	// one-hot, missing cells by data.missing); it is stored in the model.
	Schema *encode.Schema
	// Report and ValReport count the rows of the training and validation
	// files that were dropped or imputed.
	Report, ValReport encode.Report
}

// encodeOptions are the data keys of cfg that say how to read a file.
func encodeOptions(cfg *config.Config) encode.Options {
	d := cfg.Data
	return encode.Options{X: d.X, Y: d.Y, Categorical: d.Categorical, Unknown: d.UnknownLevel,
		Missing: d.Missing, NAValues: d.NAValues}
}

// LoadData reads the files of cfg, encodes the covariates (data.categorical,
// data.missing), holds out the validation fraction when there is no
// validation file, and fits the scaler on the training rows (the 0/1 inputs
// of labels and missing indicators are not scaled).
func LoadData(cfg *config.Config) (*Data, error) {
	opt := encodeOptions(cfg)
	numeric := len(cfg.Data.Categorical) == 0 && cfg.Data.Missing == encode.MissingError
	var (
		tr, val *data.Dataset
		s       *encode.Schema
		rep     encode.Report
		vrep    encode.Report
		err     error
	)
	if numeric {
		// The plain reader is the fast path; on a bad value the encoding
		// reader says why (a label, a missing cell and how many).
		if tr, err = data.Read(cfg.Data.Train, cfg.Data.X, cfg.Data.Y); err != nil {
			return nil, explain(err, func() error {
				_, _, _, e := encode.ReadTrain(cfg.Data.Train, opt)
				return e
			})
		}
		s = encode.Numeric(cfg.Data.X)
		s.Unknown, s.NAValues = cfg.Data.UnknownLevel, append([]string(nil), cfg.Data.NAValues...)
		rep = encode.Report{Rows: tr.N, Used: tr.N}
	} else if s, tr, rep, err = encode.ReadTrain(cfg.Data.Train, opt); err != nil {
		return nil, err
	}
	file := tr
	switch {
	case cfg.Data.Validation != "" && numeric:
		if val, err = data.Read(cfg.Data.Validation, cfg.Data.X, cfg.Data.Y); err != nil {
			return nil, explain(err, func() error {
				_, _, e := encode.ReadValidation(cfg.Data.Validation, s, cfg.Data.Y)
				return e
			})
		}
		vrep = encode.Report{Rows: val.N, Used: val.N}
	case cfg.Data.Validation != "":
		if val, vrep, err = encode.ReadValidation(cfg.Data.Validation, s, cfg.Data.Y); err != nil {
			return nil, err
		}
	case cfg.Data.ValidationFraction > 0:
		tr, val = tr.Split(cfg.Data.ValidationFraction, rand.New(rand.NewPCG(cfg.Train.Seed, streamSplit)))
	}
	if cfg.Model.DType == arch.Float32 {
		for _, d := range []*data.Dataset{tr, val} {
			if d == nil {
				continue
			}
			if err := data.CheckFloat32(d); err != nil {
				return nil, fmt.Errorf("%w (model.dtype is float32; use float64)", err)
			}
		}
	}
	sc := data.IdentityScaler(tr.XDim, tr.YDim)
	if cfg.Data.Standardize {
		sc = s.FitScaler(tr)
	}
	return &Data{Train: tr, Val: val, File: file, Scaler: sc, Schema: s, Report: rep, ValReport: vrep}, nil
}

// explain returns the error of the encoding reader (which names a label or
// counts the missing cells) for a value the plain reader rejected, else err.
func explain(err error, again func() error) error {
	if !errors.Is(err, data.ErrNotNumber) && !errors.Is(err, data.ErrNotFinite) {
		return err
	}
	if e := again(); e != nil {
		return e
	}
	return err
}

// SpecOf is the arch.Spec that cfg describes for xdim covariates and ydim
// responses.
func SpecOf(cfg *config.Config, xdim, ydim int) arch.Spec {
	m := cfg.Model
	s := arch.Spec{In: xdim, Out: ydim, K: m.Components, Hidden: append([]int(nil), m.Hidden...),
		Activation: m.Activation, Noise: m.Noise, Transform: m.Sigma, SigmaMin: m.SigmaMin, Dtype: m.DType}
	if s.Noise == arch.Fixed {
		s.FixedSigma = make([]float64, ydim)
		for j := range s.FixedSigma {
			s.FixedSigma[j] = m.FixedSigma
		}
	}
	return s
}

// OptionsOf is the Options that cfg describes for a training set of n rows.
func OptionsOf(cfg *config.Config, n int) Options {
	t := cfg.Train
	return Options{Steps: cfg.Steps(n), BatchSize: t.BatchSize, LR: t.LR, Schedule: t.Schedule,
		Warmup: t.Warmup, Seed: t.Seed, ClipNorm: t.ClipNorm, WeightDecay: t.WeightDecay,
		EvalEvery: t.EvalEvery, Patience: t.Patience, RestoreBest: t.RestoreBest, OnNaN: t.OnNaN,
		Threads: t.Threads}
}

// Fit trains the model that cfg describes on d. It returns the model, the
// run's result and, when ctx was cancelled, the model so far together with
// the error saying so.
func Fit(ctx context.Context, cfg *config.Config, d *Data, progress func(Progress)) (*model.Model, *Result, error) {
	return FitResume(ctx, cfg, d, nil, progress)
}

// FitResume is Fit continuing from the state of an interrupted run of the
// same config and data (nil: from the start).
func FitResume(ctx context.Context, cfg *config.Config, d *Data, st *State, progress func(Progress)) (*model.Model, *Result, error) {
	if _, err := PlanOf(cfg, d); err != nil {
		return nil, nil, err
	}
	spec := SpecOf(cfg, d.Train.XDim, d.Train.YDim)
	w, err := graph.NewWeightsInit(spec, cfg.Model.Init, rand.New(rand.NewPCG(cfg.Train.Seed, streamInit)))
	if err != nil {
		return nil, nil, err
	}
	opt := OptionsOf(cfg, d.Train.N)
	if opt.Warmup >= opt.Steps {
		return nil, nil, fmt.Errorf("train.warmup: must be < the %d steps of the run, got %d", opt.Steps, opt.Warmup)
	}
	opt.LogJacobian = d.Scaler.LogJacobian()
	opt.Progress = progress
	opt.Resume = st
	tr := d.Scaler.Apply(d.Train)
	var val *data.Dataset
	if d.Val != nil {
		val = d.Scaler.Apply(d.Val)
	}
	res, runErr := Run(ctx, w, tr, val, opt)
	if res == nil {
		return nil, nil, runErr
	}
	sum := model.Summary{Steps: res.Steps, Seconds: res.Seconds, Seed: cfg.Train.Seed,
		FinalTrainLoss: res.FinalLoss}
	if !math.IsNaN(res.BestValNLL) {
		v := res.BestValNLL
		sum.BestValidationNLL = &v
	}
	m, err := model.New(spec, res.Weights.Arrays(), d.Train.XNames, d.Train.YNames, d.Scaler, sum)
	if err == nil && d.Schema != nil {
		err = m.SetEncoding(d.Schema)
	}
	if err != nil {
		return nil, nil, errors.Join(err, runErr)
	}
	return m, res, runErr
}
