package arch

import (
	"fmt"
	"slices"
	"strings"
)

// Activation is the hidden-layer nonlinearity of the trunks (model.activation).
type Activation string

const (
	ReLU Activation = "relu" // max(0, z)
	Tanh Activation = "tanh" // tanh(z)
	ELU  Activation = "elu"  // z if z > 0, else exp(z) − 1
	SiLU Activation = "silu" // z·sigmoid(z)
	// Identity is the activation of the output layers; it is not a valid
	// hidden-layer choice.
	Identity Activation = "identity"
)

// Activations lists the valid hidden-layer activations.
var Activations = []Activation{ReLU, Tanh, ELU, SiLU}

// Validate reports whether a is one of Activations.
func (a Activation) Validate() error { return oneOf(a, Activations) }

// Noise is the covariance model of each mixture component (model.noise; the
// original README's list, numbered as there), with the number of scale
// channels of the network for K components and D = Out (see
// Spec.ScaleChannels).
type Noise string

const (
	// Full is option 1: Σ_k = L_k L_kᵀ with L_k lower triangular, predicted
	// per row. Its diagonal is positive (σ transform below); the strict lower
	// triangle is the raw network output. K·D(D+1)/2 channels.
	Full Noise = "full"
	// Diagonal is option 2: Σ_k = diag(σ_k1², …, σ_kD²). The default. K·D
	// channels.
	Diagonal Noise = "diagonal"
	// Isotropic is option 3: Σ_k = σ_k² I, one σ per component shared by
	// the D response dimensions. K channels.
	Isotropic Noise = "isotropic"
	// IsotropicAcrossClusters is option 4: Σ_k = σ² I, one σ per row for
	// every component and dimension. 1 channel.
	IsotropicAcrossClusters Noise = "isotropic_across_clusters"
	// Fixed is option 5: Σ_k = diag(s_1², …, s_D²) with s given, not
	// learned. 0 channels.
	Fixed Noise = "fixed"
)

// Noises lists the noise models in the original README's order.
var Noises = []Noise{Full, Diagonal, Isotropic, IsotropicAcrossClusters, Fixed}

// Validate reports whether n is one of Noises.
func (n Noise) Validate() error { return oneOf(n, Noises) }

// Transform maps a raw network output r to a positive scale σ (model.sigma).
type Transform string

const (
	// Exp is σ = σ_min + exp(r). With σ_min = 0 it is the original's
	// σ = exp(r + 1e-6) up to the constant 1e-6, which the last layer's bias
	// absorbs exactly.
	Exp Transform = "exp"
	// Softplus is σ = σ_min + log(1 + exp(r)).
	Softplus Transform = "softplus"
)

// Transforms lists the σ transforms.
var Transforms = []Transform{Exp, Softplus}

// Validate reports whether t is one of Transforms.
func (t Transform) Validate() error { return oneOf(t, Transforms) }

// DType is the floating-point type of the training graph (model.dtype).
// Predictions are always computed in float64.
type DType string

const (
	Float32 DType = "float32"
	Float64 DType = "float64"
)

// DTypes lists the graph types.
var DTypes = []DType{Float32, Float64}

// Validate reports whether d is one of DTypes.
func (d DType) Validate() error { return oneOf(d, DTypes) }

// Init names an initial weight distribution (model.init).
type Init string

const (
	// Glorot is Glorot-uniform matrices (Glorot & Bengio 2010),
	// W_ij ~ U(−a, a) with a = √(6/(in+out)), and zero biases.
	Glorot Init = "glorot"
	// Torch is PyTorch's nn.Linear default (kaiming_uniform with a = √5):
	// W_ij, b_j ~ U(−1/√in, 1/√in).
	Torch Init = "torch"
)

// Inits lists the initializations.
var Inits = []Init{Glorot, Torch}

// Validate reports whether i is one of Inits.
func (i Init) Validate() error { return oneOf(i, Inits) }

// Schedule names a learning-rate schedule (train.schedule). With warm-up
// W ≥ 0 steps, T steps in all and t counted from 0, the learning rate of
// step t is lr·(t+1)/W for t < W and then
//
//	cosine:   lr_t = lr · (1 + cos(π (t-W) / (T-W))) / 2
//	constant: lr_t = lr
//
// The cosine is PyTorch's CosineAnnealingLR(T_max = T-W, eta_min = 0),
// stepped once per optimizer step, annealed to 0 at the end of the run.
type Schedule string

const (
	Cosine   Schedule = "cosine"
	Constant Schedule = "constant"
)

// Schedules lists the learning-rate schedules.
var Schedules = []Schedule{Cosine, Constant}

// Validate reports whether s is one of Schedules.
func (s Schedule) Validate() error { return oneOf(s, Schedules) }

// OnNaN says what training does when the loss or a gradient is not finite
// (train.on_nan).
type OnNaN string

const (
	// Stop fails the run with an error naming the step; no weights with
	// NaN leave training.
	Stop OnNaN = "stop"
	// Rollback restores the weights, optimizer state and batch order of the
	// last good checkpoint (taken every eval_every steps), halves the
	// learning rate for the rest of the run and goes on; after a bounded
	// number of rollbacks it fails as Stop.
	Rollback OnNaN = "rollback"
)

// OnNaNs lists the NaN policies.
var OnNaNs = []OnNaN{Stop, Rollback}

// Validate reports whether o is one of OnNaNs.
func (o OnNaN) Validate() error { return oneOf(o, OnNaNs) }

// oneOf is the one validation of every enum: nil if v is in valid, else
//
//	must be one of a, b, c; got "v"
func oneOf[E ~string](v E, valid []E) error {
	if slices.Contains(valid, v) {
		return nil
	}
	names := make([]string, len(valid))
	for i, e := range valid {
		names[i] = string(e)
	}
	return fmt.Errorf("must be one of %s; got %q", strings.Join(names, ", "), string(v))
}
