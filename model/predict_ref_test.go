package model

import (
	"fmt"
	"math"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/mixture"

	"github.com/mdn-go/mdn/internal/gemm"
)

// This file keeps the Predictor as it was before the members were stacked
// (commit 9ac0eb9): each member run alone on its own standardized copy of
// the rows, row-major, one Dgemm per layer. It is the oracle of
// TestStackedMatchesPerMember.

// refPredictor evaluates a model's networks in float64 on batches of rows and
// turns each row's outputs into its predictive mixture. It holds float64
// copies of the weights and the scratch for one batch, of
// batch·(In + 2·max(Hidden) + K + NormalChannels) floats.
//
// A refPredictor is not safe for concurrent use; make one per goroutine.
type refPredictor struct {
	spec   arch.Spec
	nets   []refNet // one per ensemble member
	logM   float64
	batch  int
	xs     []float64 // (batch, In): standardized covariates
	h      [2][]float64
	logits []float64 // (batch, K)
	out    []float64 // (batch, NormalChannels)
	err    error     // a problem with the model, returned by Predict
}

// net is one ensemble member's scaler and float64 layers.
type refNet struct {
	scaler     data.Scaler
	pi, normal []arch.Layer
	skip       []float64 // (In, NormalChannels), nil without arch.Spec.Skip
}

// refPredictor returns a refPredictor of m for batches of up to batch rows
// (DefaultBatch if batch < 1). If m is not valid (see Validate), Predict
// returns the reason.
func (m *Model) refPredictor(batch int) *refPredictor {
	if batch < 1 {
		batch = DefaultBatch
	}
	p := &refPredictor{batch: batch}
	if err := m.Validate(); err != nil {
		p.err = fmt.Errorf("model: predictor: %w", err)
		return p
	}
	p.spec = cloneSpec(m.Spec)
	widest := 0
	add := func(sc data.Scaler, arrays []arch.Array) error {
		pi, normal, skip, err := arch.Layers(p.spec, arrays)
		if err != nil { // not reached: Validate checked the arrays
			return fmt.Errorf("model: predictor: %w", err)
		}
		for _, ls := range [][]arch.Layer{pi, normal} {
			for _, l := range ls[:len(ls)-1] {
				widest = max(widest, l.Out)
			}
		}
		p.nets = append(p.nets, refNet{scaler: cloneScaler(sc), pi: pi, normal: normal, skip: skip})
		return nil
	}
	if p.err = add(m.Scaler, m.Arrays); p.err != nil {
		return p
	}
	for _, e := range m.Ensemble {
		if p.err = add(e.Scaler, e.Arrays); p.err != nil {
			return p
		}
	}
	p.logM = math.Log(float64(len(p.nets)))
	p.xs = make([]float64, batch*p.spec.In)
	p.h[0] = make([]float64, batch*widest)
	p.h[1] = make([]float64, batch*widest)
	p.logits = make([]float64, batch*p.spec.K)
	p.out = make([]float64, batch*p.spec.NormalChannels())
	return p
}

// Predict returns the predictive mixture of each of the n rows of raw
// covariates x (n×In row-major, original units) in the original units of y:
// for an ensemble of M members, the mixture of all members' M·K components
// with weights π_mk/M (member m's components at indices m·K … m·K+K−1).
// For each member, each row is standardized with the member's scaler,
//
//	x'_j = (x_j − XMean[j]) / XStd[j],
//
// run through both trunks (Linear-act-…-Linear, the activation on hidden
// layers only; plus x'·S on the normal trunk with arch.Spec.Skip) exactly
// as the graph does, and the outputs are turned into
//
//	log π = log-softmax(logits)                           (K)
//	μ_k[j] = channel k·D+j                                (K, D)
//	L_k = diag(σ_k1, …, σ_kD)                             diagonal, isotropic,
//	                                                      isotropic_across_clusters, fixed
//	L_k[j][j] = σ(raw_j), L_k[i][j] = raw (i > j)         full (layout: arch.Spec.ScaleChannels)
//
// with σ(r) = arch.Spec.Sigma(r), and finally to original units,
//
//	μ'_k = YMean + YStd ⊙ μ_k,   L'_k = diag(YStd) L_k,
//
// so that log p(y) = log p'(y') − Σ_j log YStd[j] with y' the standardized y.
//
// dst is reused: if cap(dst) ≥ n, dst[:n] is returned and the slices of its
// mixtures are overwritten where their capacity suffices; other storage is
// allocated once per call, never per row. Predict returns an error if
// len(x) != n·In, a covariate is not finite, or a row's outputs do not make
// a valid mixture (a NaN or infinite mean, log weight or factor). A σ (a
// diagonal entry of L_k, original units) that overflows or underflows is
// not an error: it is clamped to [1e-150, 1e150] (minScale, maxScale).
func (p *refPredictor) Predict(x []float64, n int, dst []mixture.Mixture) ([]mixture.Mixture, error) {
	if p.err != nil {
		return nil, p.err
	}
	s := p.spec
	if n < 0 {
		return nil, fmt.Errorf("model: predict: n must be ≥ 0, got %d", n)
	}
	if len(x) != n*s.In {
		return nil, fmt.Errorf("model: predict: x has %d values, want n·dim_in = %d·%d = %d", len(x), n, s.In, n*s.In)
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("model: predict: row %d, covariate %d: must be finite, got %v", i/s.In, i%s.In, v)
		}
	}
	dst = prepareMixtures(dst, n, len(p.nets)*p.spec.K, p.spec.Out)
	K, D, P := s.K, s.Out, s.NormalChannels()
	for start := 0; start < n; start += p.batch {
		rows := min(p.batch, n-start)
		xb := x[start*s.In : (start+rows)*s.In]
		for m := range p.nets {
			nt := &p.nets[m]
			for i, v := range xb {
				j := i % s.In
				p.xs[i] = (v - nt.scaler.XMean[j]) / nt.scaler.XStd[j]
			}
			p.trunk(nt.pi, rows, p.logits)
			p.trunk(nt.normal, rows, p.out)
			if nt.skip != nil {
				gemm.Dgemm(false, false, rows, P, s.In, 1, p.xs, s.In, nt.skip, P, 1, p.out, P)
			}
			for i := range rows {
				mx := &dst[start+i]
				lw, mu, l := mx.LogWeights[m*K:(m+1)*K], mx.Means[m*K*D:(m+1)*K*D], mx.Chol[m*K*D*D:(m+1)*K*D*D]
				if err := p.fill(nt, lw, mu, l, p.logits[i*K:(i+1)*K], p.out[i*P:(i+1)*P]); err != nil {
					if len(p.nets) > 1 {
						return nil, fmt.Errorf("model: predict: row %d: ensemble member %d: %w", start+i, m, err)
					}
					return nil, fmt.Errorf("model: predict: row %d: %w", start+i, err)
				}
				if p.logM != 0 {
					for k := range lw {
						lw[k] -= p.logM
					}
				}
			}
		}
	}
	return dst, nil
}

// trunk runs the rows of p.xs through ls into dst (rows, last layer's out):
//
//	h_0 = x',  h_{i+1} = act(h_i·W_i + b_i),  act = identity on the last layer,
//
// with the same Dgemm as the graph's dense op, so that the float64 results
// are the graph's.
func (p *refPredictor) trunk(ls []arch.Layer, rows int, dst []float64) {
	h := p.xs[:rows*p.spec.In]
	for i, l := range ls {
		last := i == len(ls)-1
		var o []float64
		if last {
			o = dst[:rows*l.Out]
		} else {
			o = p.h[i%2][:rows*l.Out]
		}
		for r := range rows {
			copy(o[r*l.Out:(r+1)*l.Out], l.B)
		}
		gemm.Dgemm(false, false, rows, l.Out, l.In, 1, h, l.In, l.W, l.Out, 1, o, l.Out)
		if !last {
			arch.Activate(p.spec.Activation, o, nil)
		}
		h = o
	}
}

// fill writes one member's K components of one row, from its logits (K)
// and normal trunk outputs out (NormalChannels), into the log weights lw
// (K), means (K·D) and Cholesky factors L (K·D·D) of the row's mixture.
func (p *refPredictor) fill(nt *refNet, lw, means, L, logits, out []float64) error {
	s := p.spec
	K, D := s.K, s.Out
	ym, ys := nt.scaler.YMean, nt.scaler.YStd
	arch.LogSoftmax(lw, logits)
	for k, v := range lw {
		if math.IsNaN(v) || math.IsInf(v, 1) {
			return fmt.Errorf("log weight %d is %v (logits %v)", k, v, logits)
		}
	}
	for i, v := range out[:K*D] {
		j := i % D
		mu := ym[j] + ys[j]*v
		if math.IsNaN(mu) || math.IsInf(mu, 0) {
			return fmt.Errorf("mean of component %d, dimension %d is %v", i/D, j, mu)
		}
		means[i] = mu
	}
	raw := out[K*D:]
	clear(L)
	dd := D * D
	switch s.Noise {
	case arch.Diagonal:
		for k := range K {
			for j := range D {
				L[k*dd+j*D+j] = ys[j] * s.Sigma(raw[k*D+j])
			}
		}
	case arch.Isotropic:
		for k := range K {
			sg := s.Sigma(raw[k])
			for j := range D {
				L[k*dd+j*D+j] = ys[j] * sg
			}
		}
	case arch.IsotropicAcrossClusters:
		sg := s.Sigma(raw[0])
		for k := range K {
			for j := range D {
				L[k*dd+j*D+j] = ys[j] * sg
			}
		}
	case arch.Fixed:
		for k := range K {
			for j := range D {
				L[k*dd+j*D+j] = ys[j] * s.FixedSigma[j]
			}
		}
	case arch.Full:
		nb := D * (D + 1) / 2
		for k := range K {
			blk := raw[k*nb : (k+1)*nb]
			lk := L[k*dd : (k+1)*dd]
			for j := range D {
				lk[j*D+j] = ys[j] * s.Sigma(blk[j])
			}
			o := D
			for i := 1; i < D; i++ {
				for j := range i {
					lk[i*D+j] = ys[i] * blk[o]
					o++
				}
			}
		}
	}
	for k := range K {
		for i := range D {
			// Far outside the training range exp(raw) can underflow to 0 or
			// overflow; clamp each σ (diagonal of L) to [minScale, maxScale]
			// so that every prediction is a valid, finite mixture.
			ii := k*dd + i*D + i
			if v := L[ii]; v < minScale {
				L[ii] = minScale
			} else if v > maxScale {
				L[ii] = maxScale
			}
			for j := 0; j <= i; j++ {
				v := L[k*dd+i*D+j]
				if math.IsNaN(v) || math.IsInf(v, 0) || (i == j && v <= 0) {
					return fmt.Errorf("scale factor L of component %d, row %d, column %d is %v (the σ transform overflowed or underflowed)", k, i, j, v)
				}
			}
		}
	}
	return nil
}
