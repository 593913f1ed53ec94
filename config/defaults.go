package config

import (
	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/encode"
)

// Default values of the training config. They are provisional and kept here,
// as named constants, so that they are easy to tune in one place. Default
// builds a Config from them; the docs (docs/config.md) list the same values.
const (
	// DefaultValidationFraction is data.validation_fraction: the fraction of
	// the training rows held out (seeded) for validation when no
	// data.validation file is given.
	DefaultValidationFraction = 0.1
	// DefaultCalibrationFraction is data.calibration_fraction: no rows are
	// held out for calibration. Holding out 0.2 of the rows cost
	// +0.0163 ± 0.0069 nats of held-out NLL per row on diabetes and
	// +0.0038 ± 0.0020 on quakes (+0.0082 ± 0.0078 on faithful; 40 splits
	// each, docs/results.md), so it is off unless asked for.
	DefaultCalibrationFraction = 0.0
	// DefaultStandardize is data.standardize: z-score x and y with
	// training-set statistics.
	DefaultStandardize = true
	// DefaultUnknownLevel is data.unknown_level: a label unseen in training
	// is an error.
	DefaultUnknownLevel = encode.UnknownError
	// DefaultMissing is data.missing: a missing cell is an error.
	DefaultMissing = encode.MissingError

	// DefaultComponents is model.components, the number K of mixture
	// components.
	DefaultComponents = 5
	// DefaultHiddenWidth and DefaultHiddenLayers give model.hidden: that
	// many hidden layers of that many units each ([64, 64]).
	DefaultHiddenWidth  = 64
	DefaultHiddenLayers = 2
	// DefaultActivation is model.activation.
	DefaultActivation = arch.ReLU
	// DefaultNoise is model.noise.
	DefaultNoise = arch.Diagonal
	// DefaultSigma is model.sigma, the map from a raw network output to σ.
	DefaultSigma = arch.Exp
	// DefaultSigmaMin is model.sigma_min, the floor added to every σ, in
	// standardized units of y.
	DefaultSigmaMin = 1e-3
	// DefaultDType is model.dtype, the floating-point type of the graph.
	DefaultDType = arch.Float32
	// DefaultInit is model.init, the initial weight distribution.
	DefaultInit = arch.Glorot
	// DefaultSkip is model.skip, the linear path from x to the normal
	// trunk's output. The size rule turns it on from SkipFrom training
	// rows (Sized).
	DefaultSkip = false

	// DefaultSteps is train.steps, the number of optimizer steps.
	DefaultSteps = 2000
	// DefaultBatchSize is train.batch_size; 0 means full batch. Shuffled
	// mini-batches of 256 rows fit ex1d as well as full batches and
	// generalize better, and far faster, on larger data (docs/results.md).
	DefaultBatchSize = 256
	// DefaultLR is train.lr, the peak Adam learning rate.
	DefaultLR = 0.005
	// DefaultSchedule is train.schedule.
	DefaultSchedule = arch.Cosine
	// DefaultWarmup is train.warmup, in steps.
	DefaultWarmup = 0
	// DefaultSeed is train.seed.
	DefaultSeed uint64 = 0
	// DefaultClipNorm is train.clip_norm; 0 means no clipping.
	DefaultClipNorm = 0.0
	// DefaultWeightDecay is train.weight_decay (decoupled, AdamW). 0.5
	// shrinks the weights by about e^(−0.5·Σ_t lr_t) ≈ e^(−1.25) over a
	// 2000-step cosine run at lr 0.005; it improved the test NLL on ex1d,
	// bimodal8 (4,500 and 18,000 rows) and left ring2d about even
	// (docs/results.md).
	DefaultWeightDecay = 0.5
	// DefaultEvalEvery is train.eval_every, in steps.
	DefaultEvalEvery = 50
	// DefaultPatience is train.patience, in evaluations; 0 means no early
	// stopping. 12 evaluations of 50 steps stop a network 600 steps after
	// its best validation NLL; on small tables the median best step of the
	// defaults is 50–150 of 2,000. Replayed from full-length runs of the
	// defaults (mcycle and faithful 20 splits, diabetes 6, quakes 5), it
	// ran 0.35–0.46 of the network-steps and changed the mean held-out NLL
	// by −0.003 to +0.001 nats; rerun on the six smaller tables' 20 splits,
	// by −0.003 to +0.0024. 3 or 6 evaluations cost nothing on those tables
	// but up to 0.029 nats on ex1d and 0.009 on bimodal8 at 20,000 rows
	// (docs/results.md).
	DefaultPatience = 12
	// DefaultRestoreBest is train.restore_best. Load and Decode turn it off
	// when the file does not set it and there is no validation data.
	DefaultRestoreBest = true
	// DefaultOnNaN is train.on_nan.
	DefaultOnNaN = arch.Rollback
	// DefaultEnsemble is train.ensemble, the number of networks averaged
	// into one mixture.
	DefaultEnsemble = 10
	// DefaultEnsembleMax is train.ensemble_max, the most members the
	// ensemble grows to on a table smaller than a batch (equal to
	// DefaultEnsemble: the defaults do not grow; a smaller train.ensemble
	// with this ensemble_max does).
	DefaultEnsembleMax = 10
	// MaxEnsemble is the largest train.ensemble accepted.
	MaxEnsemble = 64
	// DefaultNoiseScale is train.noise_scale, the constant c of the noise
	// bandwidth h = c·n^(−1/(4+d)); 0 means no noise.
	DefaultNoiseScale = 0.5
	// DefaultNoiseSelect is train.noise_select.
	DefaultNoiseSelect = true
	// MaxNoiseScale is the largest train.noise_scale accepted.
	MaxNoiseScale = 10.0
	// DefaultThreads is train.threads; 0 means all cores.
	DefaultThreads = 0
)

// DefaultCalibrationLevels returns data.calibration_levels, the levels of
// a calibration (those of mdn calibrate --level): 0.8, 0.9 and 0.95.
func DefaultCalibrationLevels() []float64 { return []float64{0.8, 0.9, 0.95} }

// Default returns a Config holding every default. Its data section has no
// files and no columns, so it does not validate until those are filled in.
// Each call returns fresh slices.
func Default() Config {
	hidden := make([]int, DefaultHiddenLayers)
	for i := range hidden {
		hidden[i] = DefaultHiddenWidth
	}
	return Config{
		Data: Data{
			ValidationFraction:  DefaultValidationFraction,
			CalibrationFraction: DefaultCalibrationFraction,
			CalibrationLevels:   DefaultCalibrationLevels(),
			Standardize:         DefaultStandardize,
			UnknownLevel:        DefaultUnknownLevel,
			Missing:             DefaultMissing,
			NAValues:            encode.DefaultNAValues(),
		},
		Model: Model{
			Components: DefaultComponents,
			Hidden:     hidden,
			Activation: DefaultActivation,
			Noise:      DefaultNoise,
			Sigma:      DefaultSigma,
			SigmaMin:   DefaultSigmaMin,
			DType:      DefaultDType,
			Init:       DefaultInit,
			Skip:       DefaultSkip,
		},
		Train: Train{
			Steps:       DefaultSteps,
			BatchSize:   DefaultBatchSize,
			LR:          DefaultLR,
			Schedule:    DefaultSchedule,
			Warmup:      DefaultWarmup,
			Seed:        DefaultSeed,
			ClipNorm:    DefaultClipNorm,
			WeightDecay: DefaultWeightDecay,
			EvalEvery:   DefaultEvalEvery,
			Patience:    DefaultPatience,
			RestoreBest: DefaultRestoreBest,
			OnNaN:       DefaultOnNaN,
			Threads:     DefaultThreads,
			Ensemble:    DefaultEnsemble,
			EnsembleMax: DefaultEnsembleMax,
			NoiseScale:  DefaultNoiseScale,
			NoiseSelect: DefaultNoiseSelect,
		},
	}
}
