package graph

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"gorgonia.org/tensor"
)

// Noise is the covariance model of each mixture component (the original
// README's list, numbered as there).
type Noise string

const (
	// Full is option 1: Σ_k = L_k L_kᵀ with L_k lower triangular, predicted
	// per row. Its diagonal is positive (σ transform below); the strict lower
	// triangle is the raw network output.
	Full Noise = "full"
	// Diagonal is option 2: Σ_k = diag(σ_k1², …, σ_kD²). The default.
	Diagonal Noise = "diagonal"
	// Isotropic is option 3: Σ_k = σ_k² I, one σ per component shared by
	// the D response dimensions.
	Isotropic Noise = "isotropic"
	// IsotropicAcrossClusters is option 4: Σ_k = σ² I, one σ per row for
	// every component and dimension.
	IsotropicAcrossClusters Noise = "isotropic_across_clusters"
	// Fixed is option 5: Σ_k = diag(s_1², …, s_D²) with s given, not learned.
	Fixed Noise = "fixed"
)

// Noises lists the noise models in the original README's order.
var Noises = []Noise{Full, Diagonal, Isotropic, IsotropicAcrossClusters, Fixed}

// Transform maps a raw network output r to a positive scale σ.
type Transform string

const (
	// Exp is σ = σ_min + exp(r). With σ_min = 0 it is the original's
	// σ = exp(r + 1e-6) up to the constant 1e-6, which the last layer's bias
	// absorbs exactly.
	Exp Transform = "exp"
	// Softplus is σ = σ_min + log(1 + exp(r)).
	Softplus Transform = "softplus"
)

// Activation is the hidden-layer nonlinearity of the trunks.
type Activation string

const (
	ReLU Activation = "relu" // max(0, z)
	Tanh Activation = "tanh" // tanh(z)
	ELU  Activation = "elu"  // z if z > 0, else exp(z) − 1
	SiLU Activation = "silu" // z·sigmoid(z)
	// Identity is used for the output layers.
	Identity Activation = "identity"
)

// Spec describes an MDN: two MLP trunks (Bishop 1994; the layout of
// tonyduan/mixture-density-network) over covariates x ∈ ℝ^In,
//
//	pi trunk:     x → Linear-act-…-Linear → K logits → log-softmax → log π
//	normal trunk: x → Linear-act-…-Linear → [μ (K·Out) | scale channels]
//
// The normal trunk's output channels are, per row, the K·Out means in
// component-major order (μ_k[j] at k·Out+j), then the scale channels of the
// noise model (see ScaleChannels).
type Spec struct {
	In, Out, K int
	// Hidden sizes of each trunk; default [50 50] in the original.
	Hidden     []int
	Activation Activation
	Noise      Noise
	// FixedSigma is s_j for Fixed noise, one per response dimension, in the
	// units the network sees (standardized units when standardizing).
	FixedSigma []float64
	Transform  Transform
	// SigmaMin is the floor σ_min added to every learned scale (and to the
	// diagonal of L for Full), in the units the network sees.
	SigmaMin float64
	Dtype    tensor.Dtype
}

// ScaleChannels is the number of scale channels of the normal trunk:
//
//	full: K·Out(Out+1)/2   (per component: Out diagonal raws, then the strict
//	                        lower triangle row by row: (1,0), (2,0), (2,1), …)
//	diagonal: K·Out    isotropic: K    isotropic_across_clusters: 1    fixed: 0
func (s Spec) ScaleChannels() int {
	switch s.Noise {
	case Full:
		return s.K * s.Out * (s.Out + 1) / 2
	case Diagonal:
		return s.K * s.Out
	case Isotropic:
		return s.K
	case IsotropicAcrossClusters:
		return 1
	}
	return 0
}

// NormalChannels is the width of the normal trunk's output: K·Out + ScaleChannels.
func (s Spec) NormalChannels() int { return s.K*s.Out + s.ScaleChannels() }

// Validate reports the first problem with s.
func (s Spec) Validate() error {
	switch {
	case s.In < 1:
		return fmt.Errorf("graph: input dimension must be ≥ 1, got %d", s.In)
	case s.Out < 1:
		return fmt.Errorf("graph: output dimension must be ≥ 1, got %d", s.Out)
	case s.K < 1:
		return fmt.Errorf("graph: components must be ≥ 1, got %d", s.K)
	case len(s.Hidden) == 0:
		return errors.New("graph: hidden must have at least one layer")
	}
	for i, h := range s.Hidden {
		if h < 1 {
			return fmt.Errorf("graph: hidden[%d] must be ≥ 1, got %d", i, h)
		}
	}
	switch s.Activation {
	case ReLU, Tanh, ELU, SiLU:
	default:
		return fmt.Errorf("graph: unknown activation %q (want relu, tanh, elu or silu)", s.Activation)
	}
	switch s.Transform {
	case Exp, Softplus:
	default:
		return fmt.Errorf("graph: unknown sigma transform %q (want exp or softplus)", s.Transform)
	}
	if !(s.SigmaMin >= 0) || math.IsInf(s.SigmaMin, 0) {
		return fmt.Errorf("graph: sigma_min must be finite and ≥ 0, got %v", s.SigmaMin)
	}
	known := false
	for _, n := range Noises {
		known = known || n == s.Noise
	}
	if !known {
		names := make([]string, len(Noises))
		for i, n := range Noises {
			names[i] = string(n)
		}
		return fmt.Errorf("graph: unknown noise model %q (want %s)", s.Noise, strings.Join(names, ", "))
	}
	if s.Noise == Fixed {
		if len(s.FixedSigma) != s.Out {
			return fmt.Errorf("graph: fixed noise needs %d sigmas, got %d", s.Out, len(s.FixedSigma))
		}
		for j, v := range s.FixedSigma {
			if !(v > 0) || math.IsInf(v, 0) {
				return fmt.Errorf("graph: fixed sigma[%d] must be finite and > 0, got %v", j, v)
			}
		}
	}
	if n := s.params(); n > maxParams {
		return fmt.Errorf("graph: the network would have %.3g parameters; at most %d are supported", n, maxParams)
	}
	if s.Dtype != tensor.Float32 && s.Dtype != tensor.Float64 {
		return fmt.Errorf("graph: dtype must be float32 or float64, got %v", s.Dtype)
	}
	return nil
}

// sigma is the σ transform f(r) and its derivative f'(r).
func (s Spec) sigma(r float64) (f, df float64) {
	if s.Transform == Softplus {
		// softplus(r) = max(r,0) + log1p(exp(−|r|)), stable for large |r|;
		// its derivative is the logistic sigmoid.
		e := math.Exp(-math.Abs(r))
		sp := math.Max(r, 0) + math.Log1p(e)
		var sg float64
		if r >= 0 {
			sg = 1 / (1 + e)
		} else {
			sg = e / (1 + e)
		}
		return s.SigmaMin + sp, sg
	}
	e := math.Exp(r)
	return s.SigmaMin + e, e
}

// Sigma is the positive scale σ_min + f(r) for a raw output r.
func (s Spec) Sigma(r float64) float64 { v, _ := s.sigma(r); return v }

// maxParams bounds the parameter count (1 GiB of float32 weights), so that a
// typo in a config or a corrupt model file is an error, not an attempt to
// allocate terabytes.
const maxParams = 1 << 28

// params is the number of parameters of s, in float64 so it cannot overflow.
func (s Spec) params() float64 {
	var n float64
	for _, out := range []int{s.K, s.NormalChannels()} {
		sz := s.trunkSizes(out)
		for i := 0; i+1 < len(sz); i++ {
			n += float64(sz[i]+1) * float64(sz[i+1])
		}
	}
	return n
}
