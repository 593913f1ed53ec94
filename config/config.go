package config

import (
	"slices"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/encode"
)

// Config is the training config of `mdn train --config FILE`. The yaml keys
// are a public interface; docs/config.md is their reference.
type Config struct {
	// Data says where the rows come from and which columns are x and y.
	Data Data `yaml:"data"`
	// Model is the network and the mixture it outputs.
	Model Model `yaml:"model"`
	// Train is the optimizer, the schedule and the stopping rules.
	Train Train `yaml:"train"`

	// Dir is the directory of the config file, against which Load and
	// Decode resolved relative data paths. Load makes it absolute; it is
	// empty for a config decoded with no directory. It is not a yaml key.
	Dir string `yaml:"-"`
	// given holds the dotted paths of the keys the file gave (Given).
	given map[string]bool
}

// Data is the data section: CSV files with a header row, and the columns
// used as the covariate x (dim_in columns) and the response y (dim_out
// columns).
type Data struct {
	// Train is the training CSV file. Required. A relative path is relative
	// to the config file's directory; Load stores the resolved path.
	Train string `yaml:"train"`
	// Validation is an optional validation CSV file, resolved like Train.
	// Default: none. When it is given, ValidationFraction is ignored.
	Validation string `yaml:"validation"`
	// ValidationFraction is the fraction of the training rows held out for
	// validation (chosen with the seeded RNG) when Validation is empty.
	// 0 means no validation data. Default 0.1; unitless, in [0, 1).
	ValidationFraction float64 `yaml:"validation_fraction"`
	// Calibration is an optional CSV file of calibration rows, resolved like
	// Train: after training, mdn train calibrates the model on them (split
	// conformal, package conformal) and writes a calibrated model. Default:
	// none. Mutually exclusive with CalibrationFraction.
	Calibration string `yaml:"calibration"`
	// CalibrationFraction is the fraction of the training file's rows held
	// out for calibration (chosen with the seeded RNG, before the
	// validation rows and the scaler, so that neither training, scaling nor
	// validation sees them); the model is calibrated on them after
	// training. 0 means none. Default 0 (DefaultCalibrationFraction);
	// unitless, in [0, 1), and with no Validation file
	// ValidationFraction + CalibrationFraction < 1 (both are fractions of
	// the file's rows).
	CalibrationFraction float64 `yaml:"calibration_fraction"`
	// CalibrationLevels are the levels the calibration is asked for (as mdn
	// calibrate --level), each in (0, 1); calibration rows too few for one
	// of them stop mdn train before training. Default [0.8, 0.9, 0.95];
	// only used with Calibration or CalibrationFraction.
	CalibrationLevels []float64 `yaml:"calibration_levels"`
	// X lists the covariate columns, in order. Required, non-empty, without
	// duplicates and without any column of Y.
	X []string `yaml:"x"`
	// Y lists the response columns, in order. Required, non-empty, without
	// duplicates.
	Y []string `yaml:"y"`
	// Standardize z-scores each column of x and y with the mean and standard
	// deviation (ddof 0) of the training rows:
	//
	//	x' = (x - mean_train(x)) / std_train(x)
	//
	// Default true.
	Standardize bool `yaml:"standardize"`
	// Categorical lists the columns of X whose values are labels, each
	// encoded one-hot over the levels seen in data.train (sorted, stored in
	// the model file). Default none; each must be in X, at most once.
	Categorical []string `yaml:"categorical"`
	// UnknownLevel is what a label not seen in training gets when new rows
	// are read (validation, eval, predict, sample, plot): error, or zero (all
	// of the column's one-hot inputs 0). Default error; stored in the model.
	UnknownLevel encode.Unknown `yaml:"unknown_level"`
	// Missing is what a missing cell (one of NAValues) gets: error, drop
	// (the row is left out) or impute (a number: the training mean plus a
	// 0/1 missing-indicator input; a label: its own level). A row with a
	// missing response is left out under drop and impute. Default error;
	// stored in the model.
	Missing encode.Missing `yaml:"missing"`
	// NAValues are the fields (after trimming spaces) that mean a missing
	// cell. Default ["", "NA", "N/A", "NaN", "nan", "null"].
	NAValues []string `yaml:"na_values"`
}

// Model is the model section: an MLP from x to the parameters of a K-component
// Gaussian mixture over y (Bishop 1994),
//
//	p(y|x) = Σ_k π_k(x) N(y; μ_k(x), Σ_k(x))
//
// with π: (batch, K), μ: (batch, K, dim_out) and Σ_k given by Noise.
//
// Model is the YAML view of arch.Spec, the model description, with the
// defaults of a config and two keys of its own (init, and fixed_sigma as one
// number); Spec is the one conversion.
type Model struct {
	// Components is the number K of mixture components. Default 5; ≥ 1.
	Components int `yaml:"components"`
	// Hidden lists the width of each hidden layer, in units. Default
	// [64, 64]; at least one layer, each ≥ 1.
	Hidden []int `yaml:"hidden"`
	// Activation is the hidden-layer nonlinearity. Default relu.
	Activation arch.Activation `yaml:"activation"`
	// Noise is the structure of the component covariances Σ_k. Default
	// diagonal.
	Noise arch.Noise `yaml:"noise"`
	// FixedSigma is the σ of every component and output dimension when
	// Noise is fixed, in standardized units of y (original units when
	// Standardize is false). Required (> 0) with noise fixed, not allowed
	// otherwise. No default.
	FixedSigma float64 `yaml:"fixed_sigma"`
	// Sigma is the map from a raw network output r to a standard deviation:
	//
	//	exp:      σ = sigma_min + exp(r)
	//	softplus: σ = sigma_min + log(1 + exp(r))
	//
	// Default exp.
	Sigma arch.Transform `yaml:"sigma"`
	// SigmaMin is the floor added to every σ, in standardized units of y
	// (original units when Standardize is false). Default 1e-3; ≥ 0.
	SigmaMin float64 `yaml:"sigma_min"`
	// DType is the floating-point type of the graph. Default float32.
	DType arch.DType `yaml:"dtype"`
	// Init is the distribution of the initial weights (package graph):
	//
	//	glorot: W ~ U(−a, a), a = √(6/(fan_in+fan_out)), b = 0
	//	torch:  W, b ~ U(−1/√fan_in, 1/√fan_in)  (PyTorch's nn.Linear default)
	//
	// Default glorot.
	Init arch.Init `yaml:"init"`
	// Skip adds a linear path from x to the normal trunk's output
	// (arch.Spec.Skip): means and raw scales are MLP(x) + x·S, S starting
	// at zero. Default false.
	Skip bool `yaml:"skip"`
}

// Spec is the arch.Spec that m describes, without the dimensions (In and
// Out come from the data): K from components, Transform from sigma, and
// for noise fixed the one FixedSigma, which the training repeats per
// response (train.SpecOf). Init is not part of the spec. The slices are
// copies.
func (m *Model) Spec() arch.Spec {
	s := arch.Spec{K: m.Components, Hidden: slices.Clone(m.Hidden), Activation: m.Activation,
		Noise: m.Noise, Transform: m.Sigma, SigmaMin: m.SigmaMin, Dtype: m.DType, Skip: m.Skip}
	if m.Noise == arch.Fixed {
		s.FixedSigma = []float64{m.FixedSigma}
	}
	return s
}

// Train is the train section: Adam (AdamW with WeightDecay) on the mean
// negative log-likelihood per row,
//
//	loss = -(1/B) Σ_i log p(y_i|x_i)
//
// over a batch of B rows.
type Train struct {
	// Steps is the number of optimizer steps. Default 2000; ≥ 1. Zero when
	// Epochs is used: the two are mutually exclusive (train.Recipe.Steps turns
	// epochs into steps).
	Steps int `yaml:"steps"`
	// Epochs, when > 0, sets the run length in passes over the training
	// rows instead of Steps. Default 0 (unused); ≥ 1 when given.
	Epochs int `yaml:"epochs"`
	// BatchSize is the number of rows in a step; 0 (or ≥ the number of
	// training rows) means all training rows (full batch). Default 256
	// (DefaultBatchSize); ≥ 0.
	BatchSize int `yaml:"batch_size"`
	// LR is the peak learning rate of Adam, per step. Default 0.005; > 0.
	LR float64 `yaml:"lr"`
	// Schedule is the learning-rate schedule over the run. Default cosine.
	Schedule arch.Schedule `yaml:"schedule"`
	// Warmup is the number of steps over which the learning rate rises
	// linearly to LR before Schedule takes over. Default 0; ≥ 0 and
	// < Steps.
	Warmup int `yaml:"warmup"`
	// Seed seeds every random choice of a run (initial weights, validation
	// hold-out, batches, sampling). Default 0.
	Seed uint64 `yaml:"seed"`
	// ClipNorm is the threshold c of global gradient-norm clipping,
	//
	//	g ← g · min(1, c / ‖g‖₂)   over all parameters at once,
	//
	// in units of the loss gradient; 0 turns clipping off. Default 0; ≥ 0.
	ClipNorm float64 `yaml:"clip_norm"`
	// WeightDecay is the decoupled (AdamW) weight decay λ, per step:
	//
	//	w ← w - lr_t · λ · w
	//
	// Default 0; ≥ 0.
	WeightDecay float64 `yaml:"weight_decay"`
	// EvalEvery is the number of steps between evaluations of the
	// validation NLL. Default 50; ≥ 1.
	EvalEvery int `yaml:"eval_every"`
	// Patience stops training after this many evaluations in a row without
	// a better validation NLL, and restores the best weights. 0 turns early
	// stopping off. Default 0; ≥ 0; needs validation data when > 0.
	Patience int `yaml:"patience"`
	// RestoreBest keeps, at the end of the run, the weights with the best
	// validation NLL. Default true when there is validation data; needs
	// validation data.
	RestoreBest bool `yaml:"restore_best"`
	// OnNaN says what to do when the loss or a gradient is not finite.
	// Default rollback.
	OnNaN arch.OnNaN `yaml:"on_nan"`
	// Ensemble is the number M of networks trained from different seeds
	// (member m > 0 uses train.seed's m-th derived seed for its weights,
	// hold-out and batches) and combined into one mixture of M·K
	// components,
	//
	//	p(y|x) = (1/M) Σ_m Σ_k π_mk(x) N(y; μ_mk(x), Σ_mk(x)).
	//
	// Members train in parallel, one per core. Default DefaultEnsemble;
	// 1 ≤ M ≤ MaxEnsemble. See EnsembleMax for small tables.
	Ensemble int `yaml:"ensemble"`
	// EnsembleMax lets the ensemble grow on a table with fewer training
	// rows n than the batch size B, where a step costs n rows, not B: the
	// ensemble has
	//
	//	M' = min(EnsembleMax, max(M, ⌈M·B/n⌉))
	//
	// members, about the rows per step of M members on full batches
	// (train.EnsembleSize). Default DefaultEnsembleMax; Load and Decode set
	// it to Ensemble when the file gives ensemble but not ensemble_max, so
	// that a file's ensemble is exact. Ensemble ≤ EnsembleMax ≤ MaxEnsemble.
	EnsembleMax int `yaml:"ensemble_max"`
	// NoiseScale is the constant c of the noise-regularization bandwidth
	// (Rothfuss et al. 2019): every training batch gets Gaussian noise of
	// standard deviation
	//
	//	h = c · n^(−1/(4+d))     (n training rows, d = dim_in + dim_out)
	//
	// added to each value of x and y in the units the network sees
	// (standardized units when standardizing). 0 turns it off. Default
	// DefaultNoiseScale; ≥ 0, ≤ 10.
	NoiseScale float64 `yaml:"noise_scale"`
	// NoiseSelect, with NoiseScale > 0 and validation data, trains every
	// ensemble member both with and without noise (2M networks) and keeps
	// the M networks with noise, the M without, or (for M > 1) all 2M as
	// one ensemble, whichever has the lowest validation NLL, each scored
	// as two-network ensembles on hold-outs shared by pairs of members
	// (train.chooseNoise). Default DefaultNoiseSelect.
	NoiseSelect bool `yaml:"noise_select"`
	// Threads is the number of worker goroutines for a step (the result
	// does not depend on it, only the speed); 0 means one
	// per core. Default 0; ≥ 0.
	Threads int `yaml:"threads"`
}

// HasCalibration reports whether the config provides calibration rows: a
// calibration file or a held-out fraction of the training rows.
func (c *Config) HasCalibration() bool {
	return c.Data.Calibration != "" || c.Data.CalibrationFraction > 0
}

// HasValidation reports whether the config provides validation data: a
// validation file or a held-out fraction of the training rows.
func (c *Config) HasValidation() bool {
	return c.Data.Validation != "" || c.Data.ValidationFraction > 0
}
