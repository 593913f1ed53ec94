package arch

import (
	"errors"
	"fmt"
	"math"
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
//
// The JSON keys are those of the "spec" object of the model file
// (docs/model-format.md): Spec is its one shape, written and read by
// package model as it is.
type Spec struct {
	In  int `json:"dim_in"`
	Out int `json:"dim_out"`
	K   int `json:"components"`
	// Hidden sizes of each trunk; default [50 50] in the original.
	Hidden     []int      `json:"hidden"`
	Activation Activation `json:"activation"`
	Noise      Noise      `json:"noise"`
	// FixedSigma is s_j for Fixed noise, one per response dimension, in the
	// units the network sees (standardized units when standardizing).
	FixedSigma []float64 `json:"fixed_sigma,omitempty"`
	Transform  Transform `json:"sigma"`
	// SigmaMin is the floor σ_min added to every learned scale (and to the
	// diagonal of L for Full), in the units the network sees.
	SigmaMin float64 `json:"sigma_min"`
	// Dtype is the type of the training graph.
	Dtype DType `json:"dtype"`
	// Skip adds a linear path from the covariates to the normal trunk's
	// output, a weight S (In, NormalChannels) without bias:
	//
	//	normal(x) = MLP(x) + x·S
	//
	// so that means and raw scales linear in x need no hidden units. A
	// Gaussian linear regression is the network with K = 1 whose MLP part
	// gives constant outputs. S starts at zero.
	Skip bool `json:"skip,omitempty"`
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

// Clone returns a copy of s that shares no slices with it.
func (s Spec) Clone() Spec {
	s.Hidden = append([]int(nil), s.Hidden...)
	if s.FixedSigma != nil {
		s.FixedSigma = append([]float64(nil), s.FixedSigma...)
	}
	return s
}

// Validate reports the first problem with s: a dimension below 1, one of
// Problems as "key: what" (the key of the model file, as in
// "components: must be ≥ 1, got 0"), fixed noise without Out sigmas, or
// more parameters than MaxParams.
func (s Spec) Validate() error {
	switch {
	case s.In < 1:
		return fmt.Errorf("input dimension must be ≥ 1, got %d", s.In)
	case s.Out < 1:
		return fmt.Errorf("output dimension must be ≥ 1, got %d", s.Out)
	}
	if ps := s.Problems(); len(ps) > 0 {
		return errors.New(ps[0].Key + ": " + ps[0].Msg)
	}
	if n := len(s.FixedSigma); s.Noise == Fixed && n != s.Out {
		return fmt.Errorf("fixed_sigma: has %d values, want %d (one per response)", n, s.Out)
	}
	if n := s.params(); n > MaxParams {
		return fmt.Errorf("the network would have %.3g parameters; at most %d are supported", n, MaxParams)
	}
	return nil
}

// Problem is one problem of a field of a Spec: Field is its Go name
// ("Hidden[1]"), Key its key in the model file's spec and in a config's
// model section ("hidden[1]"), Msg what is wrong ("must be ≥ 1, got 0").
type Problem struct {
	Field, Key, Msg string
}

// Problems lists every problem of the fields that describe the network,
// in field order: K, Hidden (at least one layer, at most MaxLayers, each
// ≥ 1), the enums (each its own Validate), FixedSigma with Fixed noise (at
// least one value, each finite and > 0; Validate wants Out of them) and
// SigmaMin (finite, ≥ 0). These are the one set of rules that Validate, a
// config's model section (package config) and a training recipe (package
// train) check, each naming the field its own way. In and Out, which come
// from the data, and the parameter count are Validate's.
func (s Spec) Problems() []Problem {
	var ps []Problem
	add := func(field, key, format string, args ...any) {
		ps = append(ps, Problem{Field: field, Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	if s.K < 1 {
		add("K", "components", "must be ≥ 1, got %d", s.K)
	}
	switch {
	case len(s.Hidden) == 0:
		add("Hidden", "hidden", "must have at least one layer")
	case len(s.Hidden) > MaxLayers:
		add("Hidden", "hidden", "has %d layers; at most %d are supported", len(s.Hidden), MaxLayers)
	default:
		for i, h := range s.Hidden {
			if h < 1 {
				add(fmt.Sprintf("Hidden[%d]", i), fmt.Sprintf("hidden[%d]", i), "must be ≥ 1, got %d", h)
			}
		}
	}
	if err := s.Activation.Validate(); err != nil {
		add("Activation", "activation", "%v", err)
	}
	switch err := s.Noise.Validate(); {
	case err != nil:
		add("Noise", "noise", "%v", err)
	case s.Noise == Fixed:
		if len(s.FixedSigma) == 0 {
			add("FixedSigma", "fixed_sigma", "required with noise fixed")
		}
		for j, v := range s.FixedSigma {
			if !(v > 0) || math.IsInf(v, 0) {
				add(fmt.Sprintf("FixedSigma[%d]", j), fmt.Sprintf("fixed_sigma[%d]", j), "must be > 0, got %v", v)
			}
		}
	}
	if err := s.Transform.Validate(); err != nil {
		add("Transform", "sigma", "%v", err)
	}
	if !(s.SigmaMin >= 0) || math.IsInf(s.SigmaMin, 0) {
		add("SigmaMin", "sigma_min", "must be ≥ 0, got %v", s.SigmaMin)
	}
	if err := s.Dtype.Validate(); err != nil {
		add("Dtype", "dtype", "%v", err)
	}
	return ps
}

// SigmaGrad is the σ transform f(r) = σ_min + t(r) of a raw output r and
// its derivative f'(r):
//
//	exp:      f = σ_min + exp(r),                   f' = exp(r)
//	softplus: f = σ_min + max(r,0) + log1p(e^−|r|),  f' = sigmoid(r)
//
// (the softplus form is stable for large |r|).
func (s Spec) SigmaGrad(r float64) (f, df float64) {
	if s.Transform == Softplus {
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

// Sigma is the positive scale σ_min + t(r) for a raw output r.
func (s Spec) Sigma(r float64) float64 { v, _ := s.SigmaGrad(r); return v }

// MaxParams bounds the parameter count (1 GiB of float32 weights), so that a
// typo in a config or a corrupt model file is an error, not an attempt to
// allocate terabytes.
const MaxParams = 1 << 28

// MaxLayers bounds the hidden layers of a trunk, so that a model file
// declaring millions of layers is refused before anything is allocated
// per layer (names, shapes, weights).
const MaxLayers = 1000

// Params is the number of parameters of s: the weights and biases of both
// trunks and, with Skip, the skip weight. A valid Spec has at most
// MaxParams.
func (s Spec) Params() int { return int(s.params()) }

// params is the number of parameters of s, in float64 so it cannot overflow.
func (s Spec) params() float64 {
	var n float64
	for _, out := range []int{s.K, s.NormalChannels()} {
		sz := s.TrunkSizes(out)
		for i := 0; i+1 < len(sz); i++ {
			n += float64(sz[i]+1) * float64(sz[i+1])
		}
	}
	if s.Skip {
		n += float64(s.In) * float64(s.NormalChannels())
	}
	return n
}

// TrunkSizes is [In, Hidden..., out]: the layer widths of a trunk with out
// outputs (K for the pi trunk, NormalChannels for the normal trunk).
func (s Spec) TrunkSizes(out int) []int {
	sz := append([]int{s.In}, s.Hidden...)
	return append(sz, out)
}
