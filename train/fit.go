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
// rows in original units, and the scaler fitted on the training rows.
type Data struct {
	Train, Val *data.Dataset
	// File is every row of the training file, before any hold-out.
	File   *data.Dataset
	Scaler data.Scaler
}

// LoadData reads the files of cfg, holds out the validation fraction when
// there is no validation file, and fits the scaler on the training rows.
func LoadData(cfg *config.Config) (*Data, error) {
	tr, err := data.Read(cfg.Data.Train, cfg.Data.X, cfg.Data.Y)
	if err != nil {
		return nil, err
	}
	file := tr
	var val *data.Dataset
	switch {
	case cfg.Data.Validation != "":
		if val, err = data.Read(cfg.Data.Validation, cfg.Data.X, cfg.Data.Y); err != nil {
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
		sc = data.FitScaler(tr)
	}
	return &Data{Train: tr, Val: val, File: file, Scaler: sc}, nil
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
	if err != nil {
		return nil, nil, errors.Join(err, runErr)
	}
	return m, res, runErr
}
