package model

import (
	"fmt"
	"math"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/mixture"

	"github.com/mdn-go/mdn/internal/gemm"
	"github.com/mdn-go/mdn/internal/vec"
)

// DefaultBatch is the batch size of a Predictor asked for a batch < 1.
const DefaultBatch = 4096

// passFloats bounds the scratch of the stacked first layer, 2·M·Hidden[0]
// channels × the rows of a pass (2 MiB of float64), so that a pass's
// activations stay in the CPU's caches; maxPass bounds the rows of a pass.
const (
	passFloats = 1 << 18
	maxPass    = 256
)

// Predictor evaluates a model's networks in float64 on batches of rows and
// turns each row's outputs into its predictive mixture. All M members of
// an ensemble run in one pass over the rows (see Predict): their weights
// are stacked, with each member's standardization folded in, when the
// Predictor is made (Model.Predictor). It holds those weights (about the
// size of the model's; shared with the Predictors made from it by
// WithBatch) and the scratch for one pass of up to min(batch, 256) rows.
//
// A Predictor is not safe for concurrent use; make one per goroutine
// (WithBatch makes more that share the stacked weights).
type Predictor struct {
	*stacked
	batch int
	pass  int // rows per pass

	// Scratch, channel-major: channel c of a pass of r rows is c·r … c·r+r−1.
	xc  []float64    // (In, pass): x − center
	h0  []float64    // (2M·H0, pass)
	h   [2][]float64 // (widest later hidden layer, pass)
	z   []float64    // (M·K, pass): logits
	lw  []float64    // (M·K, pass): log weights
	out []float64    // (M·P, pass): normal trunks' outputs, then μ' and σ'
	e   []float64    // (M·K, pass): exp(z − max z); one row's σ channels (M·K·D)
	sk  []float64    // (M·P): one row's skip product, with Skip
	rb  gemm.RowBuf  // gemm.RowTimes's scratch (the skip product of one row)
	mx  []float64    // (pass)
	sum []float64    // (M, pass): Σ_k exp(z − max z), then its log

	// One row's masks of nonzero values (gemm.RowLayer's xm and om), a
	// bit a channel: of x − center, of the first layers' outputs, of one
	// trunk's share of those, and of the later hidden layers' outputs.
	mx0, mh0, mt []uint64
	mh           [2][]uint64
}

// stacked is the read-only part of a Predictor: the members' weights,
// stacked and folded, which Predictors made by WithBatch share.
type stacked struct {
	spec   arch.Spec
	m      int // members M
	logM   float64
	widest int   // widest hidden layer after the first
	err    error // a problem with the model, returned by Predict

	// center is subtracted from every row before the first layer: the
	// mean of the members' XMean, so that the folded shifts
	// (XMean_m − center)/XStd_m are small and cancel nothing.
	center []float64 // (In)
	// w0, b0 are the first layers of all 2M trunks side by side, member
	// m's pi trunk at columns 2m·H0 … and its normal trunk at (2m+1)·H0 …,
	// with the member's x-standardization folded in (foldX).
	w0, b0 []float64 // (In, 2M·H0), (2M·H0)
	trunks []trunk   // 2M: member m's pi trunk at 2m, normal trunk at 2m+1
	// skip holds the members' folded skip weights side by side, member m
	// at columns m·P … (P = NormalChannels); nil without arch.Spec.Skip.
	skip []float64 // (In, M·P)
	// foldSigma: log YStd_j is folded into the bias of each σ channel of
	// dimension j, so σ' = YStd_j·σ_min + exp(raw') (σ = exp, noise
	// diagonal or full). Otherwise σ' = YStd_j·σ(raw).
	foldSigma bool
	ys        []float64 // (M·D): each member's YStd
	fixed     []float64 // (M·D): YStd_j·FixedSigma_j, fixed noise
}

// trunk is the layers of one trunk after its first (which is in w0),
// with the y-standardization folded into a normal trunk's last layer.
type trunk struct {
	layers []arch.Layer
	// w32 holds, for one row's pass (run1), the weights of each layer whose
	// weights are all float32 values (a float32 model's, unless folded), as
	// float32: the same numbers in half the bytes; nil for the others.
	w32 [][]float32
	dst int // first output channel in Predictor.z (pi) or Predictor.out (normal)
	pi  bool
}

// Predictor returns a Predictor of m for batches of up to batch rows
// (DefaultBatch if batch < 1). If m is not valid (see Validate), Predict
// returns the reason.
func (m *Model) Predictor(batch int) *Predictor {
	return m.stack().predictor(batch)
}

// WithBatch returns a Predictor for batches of up to batch rows
// (DefaultBatch if batch < 1) that shares p's weights (read only) and has
// its own scratch: cheaper than Model.Predictor, which stacks the weights
// again.
func (p *Predictor) WithBatch(batch int) *Predictor {
	return p.stacked.predictor(batch)
}

// predictor returns a Predictor of the stacked weights with scratch for
// batches of up to batch rows.
func (st *stacked) predictor(batch int) *Predictor {
	if batch < 1 {
		batch = DefaultBatch
	}
	p := &Predictor{stacked: st, batch: batch}
	if st.err != nil {
		return p
	}
	s := st.spec
	M, In, K, P := st.m, s.In, s.K, s.NormalChannels()
	w0 := len(st.b0)
	p.pass = min(batch, maxPass, max(8, passFloats/w0))
	r := p.pass
	p.xc, p.h0 = make([]float64, In*r), make([]float64, w0*r)
	p.h[0], p.h[1] = make([]float64, st.widest*r), make([]float64, st.widest*r)
	p.z, p.lw = make([]float64, M*K*r), make([]float64, M*K*r)
	p.out = make([]float64, M*P*r)
	p.e, p.mx, p.sum = make([]float64, max(M*K*r, M*s.Out*K)), make([]float64, r), make([]float64, M*r)
	if st.skip != nil {
		p.sk = make([]float64, M*P)
	}
	words := func(n int) []uint64 { return make([]uint64, (n+63)/64) }
	p.mx0, p.mh0, p.mt = words(In), words(w0), words(s.Hidden[0])
	p.mh[0], p.mh[1] = words(st.widest), words(st.widest)
	return p
}

// stack stacks and folds the weights of m's members (see Predict).
func (m *Model) stack() *stacked {
	p := &stacked{}
	if err := m.Validate(); err != nil {
		p.err = fmt.Errorf("model: predictor: %w", err)
		return p
	}
	s := cloneSpec(m.Spec)
	p.spec = s
	M, In, D, K, P, H0 := m.Members(), s.In, s.Out, s.K, s.NormalChannels(), s.Hidden[0]
	p.m, p.logM = M, math.Log(float64(M))
	p.foldSigma = s.Transform == arch.Exp && (s.Noise == arch.Diagonal || s.Noise == arch.Full)
	scalers := []*Member{{Scaler: m.Scaler, Arrays: m.Arrays}}
	for i := range m.Ensemble {
		scalers = append(scalers, &m.Ensemble[i])
	}
	p.center = make([]float64, In)
	for _, e := range scalers {
		for j, v := range e.Scaler.XMean {
			p.center[j] += v / float64(M)
		}
	}
	w0 := 2 * M * H0
	p.w0, p.b0 = make([]float64, In*w0), make([]float64, w0)
	if s.Skip {
		p.skip = make([]float64, In*M*P)
	}
	p.ys = make([]float64, 0, M*D)
	for mi, e := range scalers {
		pi, normal, skip, err := arch.Layers(s, e.Arrays)
		if err != nil { // not reached: Validate checked the arrays
			p.err = fmt.Errorf("model: predictor: %w", err)
			return p
		}
		sc := e.Scaler
		p.ys = append(p.ys, sc.YStd...)
		if s.Noise == arch.Fixed {
			for j, v := range s.FixedSigma {
				p.fixed = append(p.fixed, sc.YStd[j]*v)
			}
		}
		for t, ls := range [][]arch.Layer{pi, normal} {
			col := (2*mi + t) * H0
			w, b := p.foldX(ls[0], sc.XMean, sc.XStd)
			for j := range In {
				copy(p.w0[j*w0+col:j*w0+col+H0], w[j*H0:(j+1)*H0])
			}
			copy(p.b0[col:col+H0], b)
			for _, l := range ls[1 : len(ls)-1] {
				p.widest = max(p.widest, l.Out)
			}
			tr := trunk{layers: ls[1:], pi: t == 0, dst: mi * K}
			if t == 1 {
				tr.dst = mi * P
				last := &tr.layers[len(tr.layers)-1]
				var sk []float64
				if skip != nil {
					var sb []float64
					sk, sb = p.foldX(arch.Layer{W: skip, B: make([]float64, P), In: In, Out: P}, sc.XMean, sc.XStd)
					// The skip's constant (−shift·S) joins the last layer's bias.
					for c, v := range sb {
						last.B[c] += v
					}
				}
				p.foldY(last, sk, sc.YMean, sc.YStd)
				for j := range len(sk) / P {
					copy(p.skip[j*M*P+mi*P:j*M*P+(mi+1)*P], sk[j*P:(j+1)*P])
				}
			}
			tr.w32 = make([][]float32, len(tr.layers))
			for l, ly := range tr.layers {
				tr.w32[l] = float32s(ly.W)
			}
			p.trunks = append(p.trunks, tr)
		}
	}
	return p
}

// float32s returns w in float32 if every weight is a float32 value (it
// converts back to the same bits), else nil.
func float32s(w []float64) []float32 {
	f := make([]float32, len(w))
	for i, v := range w {
		f[i] = float32(v)
		if math.Float64bits(float64(f[i])) != math.Float64bits(v) {
			return nil
		}
	}
	return f
}

// foldX returns the weights and bias of the first layer l applied to x − c
// (c = p.center) that give l applied to the standardized x' = (x − μ)/s:
//
//	x'·W + b = (x − c)·W' + b',  W'_jk = W_jk / s_j,  b' = b − Σ_j (μ_j − c_j)/s_j · W_jk
//
// exact up to rounding (the skip weight, given with a zero bias, gets its
// constant in b').
func (p *stacked) foldX(l arch.Layer, mean, std []float64) (w, b []float64) {
	out := make([]float64, l.In*l.Out+l.Out)
	w, b = out[:l.In*l.Out], out[l.In*l.Out:]
	copy(b, l.B)
	for j := range l.In {
		shift := (mean[j] - p.center[j]) / std[j]
		for k := range l.Out {
			wjk := l.W[j*l.Out+k]
			w[j*l.Out+k] = wjk / std[j]
			b[k] -= shift * wjk
		}
	}
	return w, b
}

// foldY folds the y-standardization into the normal trunk's last layer l
// and the (already x-folded) skip weight sk (In, P; nil without skip), in
// place. Channel c is scaled by g_c and shifted by a_c,
//
//	mean of dimension j:              g = YStd_j, a = YMean_j
//	σ channel of dimension j (foldSigma): g = 1,    a = log YStd_j
//	full: L entry (i, j), i > j:      g = YStd_i, a = 0
//
// (W'_:c = g_c·W_:c, b'_c = a_c + g_c·b_c, S'_:c = g_c·S_:c), so that the
// channel is μ' = YMean + YStd·μ, log YStd + raw, or YStd_i·L_ij directly:
// the same values as scaling the outputs, up to rounding.
func (p *stacked) foldY(l *arch.Layer, sk []float64, ym, ys []float64) {
	s := p.spec
	K, D, P := s.K, s.Out, s.NormalChannels()
	scale := func(c int, g, a float64) {
		for j := range l.In {
			l.W[j*P+c] *= g
		}
		for j := range len(sk) / P {
			sk[j*P+c] *= g
		}
		l.B[c] = a + g*l.B[c]
	}
	for c := range K * D {
		scale(c, ys[c%D], ym[c%D])
	}
	switch {
	case s.Noise == arch.Full:
		nb := D * (D + 1) / 2
		for k := range K {
			base := K*D + k*nb
			if p.foldSigma {
				for j := range D {
					scale(base+j, 1, math.Log(ys[j]))
				}
			}
			o := D
			for i := 1; i < D; i++ {
				for range i {
					scale(base+o, ys[i], 0)
					o++
				}
			}
		}
	case p.foldSigma: // diagonal
		for c := K * D; c < P; c++ {
			scale(c, 1, math.Log(ys[c%D]))
		}
	}
}

// Predict returns the predictive mixture of each of the n rows of raw
// covariates x (n×In row-major, original units) in the original units of y:
// for an ensemble of M members, the mixture of all members' M·K components
// with weights π_mk/M (member m's components at indices m·K … m·K+K−1).
//
// Each member m computes, from its standardized row x' = (x − XMean_m)/XStd_m,
// both trunks (Linear-act-…-Linear, the activation on hidden layers only;
// plus x'·S on the normal trunk with arch.Spec.Skip) as the graph does,
// and the outputs are turned into
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
// All members run together, on passes of up to 256 rows held channel by
// channel (each channel's values for the pass's rows side by side): one
// product (x − c)·[W_1 … W_2M] gives the first layers of all 2M trunks,
// with each member's x-standardization folded into its weights (see
// foldX); each later layer is one product per trunk; the normal trunks'
// last layers have the y-standardization folded in (foldY); the
// log-softmax and the σ transform run over all members' channels at once
// (vec.Exp, vec.Log). A pass of one row (mdn serve) takes gemm.RowLayer
// over the same stacked weights instead of products (run1), with the same
// arithmetic where Dgemm's micro-kernels sum in order with fused
// multiply-adds (AVX2, AVX-512), so a row gets the same bits alone as in a
// pass. The folds change only rounding: the results agree with running
// each member alone to about 1e-13 relative (TestStackedMatchesPerMember
// allows 1e-12; TestOldFilesSameNumbers holds old files to the numbers
// they gave).
//
// dst is reused: if cap(dst) ≥ n, dst[:n] is returned and the slices of its
// mixtures are overwritten where their capacity suffices; other storage is
// allocated once per call, never per row. Predict returns an error if
// len(x) != n·In, a covariate is not finite, or a row's outputs do not make
// a valid mixture (a NaN or infinite mean, log weight or factor). A σ (a
// diagonal entry of L_k, original units) that overflows or underflows is
// not an error: it is clamped to [1e-150, 1e150] (minScale, maxScale).
func (p *Predictor) Predict(x []float64, n int, dst []mixture.Mixture) ([]mixture.Mixture, error) {
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
	dst = prepareMixtures(dst, n, p.m*s.K, s.Out)
	for start := 0; start < n; start += p.batch {
		rows := min(p.batch, n-start)
		for lo := 0; lo < rows; lo += p.pass {
			r := min(p.pass, rows-lo)
			p.run(x[(start+lo)*s.In:(start+lo+r)*s.In], r)
			for i := range r {
				if err := p.row(&dst[start+lo+i], i, r); err != nil {
					return nil, fmt.Errorf("model: predict: row %d: %w", start+lo+i, err)
				}
			}
		}
	}
	return dst, nil
}

// run computes the log weights (p.lw), means and σ channels (p.out) of all
// members for the r rows of x, channel-major.
func (p *Predictor) run(x []float64, r int) {
	s := p.spec
	In, P, H0 := s.In, s.NormalChannels(), s.Hidden[0]
	w0 := len(p.b0)
	xc := p.xc[:In*r]
	for i := range r {
		for j, v := range x[i*In : (i+1)*In] {
			xc[j*r+i] = v - p.center[j]
		}
	}
	if r == 1 {
		p.run1(xc)
		return
	}
	h0 := p.h0[:w0*r]
	gemm.Dgemm(true, false, w0, r, In, 1, p.w0, w0, xc, r, 0, h0, r)
	biasAct(h0, p.b0, r, s.Activation)
	for t := range p.trunks {
		tr := &p.trunks[t]
		in := h0[t*H0*r : (t+1)*H0*r]
		for l := range tr.layers {
			ly := &tr.layers[l]
			var o []float64
			act := s.Activation
			switch {
			case l < len(tr.layers)-1:
				o = p.h[l%2][:ly.Out*r]
			case tr.pi:
				o, act = p.z[tr.dst*r:(tr.dst+ly.Out)*r], arch.Identity
			default:
				o, act = p.out[tr.dst*r:(tr.dst+ly.Out)*r], arch.Identity
			}
			dense(o, ly, in, r)
			biasAct(o, ly.B, r, act)
			in = o
		}
	}
	M := p.m
	if p.skip != nil {
		gemm.Dgemm(true, false, M*P, r, In, 1, p.skip, M*P, xc, r, 1, p.out[:M*P*r], r)
	}
	p.logSoftmax(r)
	p.sigmas(r)
}

// run1 is run for one row, xc = x − center: each layer is a
// gemm.RowLayer (the weights read once, in order, skipping the inputs that
// are 0: with ReLU about half of the hidden units; the bias and ReLU
// applied in the same pass, which also marks the outputs that are not 0
// for the next layer), so that a row alone gets the bits it gets in a pass
// of many rows wherever Dgemm's micro-kernels sum in order with fused
// multiply-adds (AVX2 or AVX-512: TestSingleRowBits). Another activation
// follows RowLayer as in biasAct, and its outputs' mask is taken from
// them. No allocations, no goroutines.
func (p *Predictor) run1(xc []float64) {
	s := p.spec
	In, P, H0 := s.In, s.NormalChannels(), s.Hidden[0]
	act := s.Activation
	h0 := p.h0[:len(p.b0)]
	gemm.NonzeroMask(p.mx0, xc[:In])
	p.layer1(h0, &arch.Layer{W: p.w0, B: p.b0, In: In, Out: len(p.b0)}, nil, xc[:In], p.mx0, p.mh0, act)
	for t := range p.trunks {
		tr := &p.trunks[t]
		in, im := h0[t*H0:(t+1)*H0], p.mt
		if H0%64 == 0 {
			im = p.mh0[t*H0/64 : (t+1)*H0/64]
		} else {
			gemm.CopyBits(im, p.mh0, t*H0, H0)
		}
		last := len(tr.layers) - 1
		for l := range last {
			ly := &tr.layers[l]
			o, om := p.h[l%2][:ly.Out], p.mh[l%2]
			p.layer1(o, ly, tr.w32[l], in, im, om, act)
			in, im = o, om
		}
		ly := &tr.layers[last]
		o := p.out[tr.dst : tr.dst+ly.Out]
		if tr.pi {
			o = p.z[tr.dst : tr.dst+ly.Out]
		}
		rowLayer(o, ly.W, tr.w32[last], ly.B, in, im, nil, false)
	}
	if p.skip != nil {
		out, sk := p.out[:p.m*P], p.sk
		gemm.RowTimes(sk, p.skip, xc[:In], &p.rb)
		for c, v := range sk {
			out[c] += v
		}
	}
	p.logSoftmax1()
	if s.Noise == arch.Diagonal && p.foldSigma {
		p.sigmas1()
		return
	}
	p.sigmas(1)
}

// layer1 sets o to one row's hidden layer act(in·W + b) and om to the mask
// of its nonzero values, im marking in's: gemm.RowLayer (RowLayer32 with
// the float32 weights w32 if not nil), with ReLU in one pass, with another
// activation applied after it (biasAct's arithmetic).
func (p *Predictor) layer1(o []float64, ly *arch.Layer, w32 []float32, in []float64, im, om []uint64, act arch.Activation) {
	if act == arch.ReLU {
		rowLayer(o, ly.W, w32, ly.B, in, im, om, true)
		return
	}
	rowLayer(o, ly.W, w32, ly.B, in, im, nil, false)
	if act != arch.Identity {
		arch.Activate(act, o, nil)
	}
	gemm.NonzeroMask(om, o)
}

// rowLayer is gemm.RowLayer32 with w32 if it is not nil (the same weights
// as w, in float32), else gemm.RowLayer with w.
func rowLayer(o, w []float64, w32 []float32, b, x []float64, xm, om []uint64, relu bool) {
	if w32 != nil {
		gemm.RowLayer32(o, w32, b, x, xm, om, relu)
		return
	}
	gemm.RowLayer(o, w, b, x, xm, om, relu)
}

// directRows is the most output channels of one Dgemm in dense: with up to
// 2·mr output rows (24 with AVX-512, 12 with AVX2) Dgemm reads the
// activations in place instead of packing them, which for a pass of 256
// rows copied 64 bytes a call (a tenth of mdn sample's time); 0 where
// Dgemm goes to gonum (one call a layer).
var directRows = gemm.DirectRows64()

// dense sets o (l.Out channels of r rows) to the product of the layer's
// weights with in (l.In channels of r rows), channel-major: oᵀ = Wᵀ·inᵀ,
// in blocks of directRows output channels. No block has a single channel
// where the layer has more: a one-channel product goes to gonum's Dgemv,
// which sums in another order than the micro-kernels (and than the one-row
// path, gemm.RowLayer), so a width of one more than a multiple of
// directRows (the full-noise normal trunk's 25 channels with K = 5, D = 2)
// ends in blocks of directRows − 1 and 2 channels instead.
func dense(o []float64, l *arch.Layer, in []float64, r int) {
	step := directRows
	if step == 0 {
		step = l.Out
	}
	for c0 := 0; c0 < l.Out; {
		c1 := min(l.Out, c0+step)
		if l.Out-c1 == 1 && c1-c0 > 2 {
			c1-- // leave two channels, not one, for the last block
		}
		gemm.Dgemm(true, false, c1-c0, r, l.In, 1, l.W[c0:], l.Out, in, r, 0, o[c0*r:c1*r], r)
		c0 = c1
	}
}

// biasAct adds b[c] to channel c of o (len(b) channels of r rows) and
// applies act, the formulas of arch.Activate.
func biasAct(o, b []float64, r int, act arch.Activation) {
	if r == 1 { // one row: one loop over the channels
		o = o[:len(b)]
		if act == arch.ReLU {
			for c, bc := range b {
				o[c] = max(o[c]+bc, 0)
			}
			return
		}
		for c, bc := range b {
			o[c] += bc
		}
		if act != arch.Identity {
			arch.Activate(act, o, nil)
		}
		return
	}
	for c, bc := range b {
		row := o[c*r : (c+1)*r]
		if act == arch.ReLU {
			vec.AddReLU64(row, bc)
			continue
		}
		for i := range row {
			row[i] += bc
		}
		if act != arch.Identity {
			arch.Activate(act, row, nil)
		}
	}
}

// logSoftmax sets p.lw to each member's log-softmax of its K logits in
// p.z, minus log M:
//
//	log π_mk − log M = (z_mk − m) − log Σ_k' exp(z_mk' − m) − log M,  m = max_k z_mk
//
// A NaN or infinite logit gives NaN log weights (reported by row).
func (p *Predictor) logSoftmax(r int) {
	K, M := p.spec.K, p.m
	mx, sums := p.mx[:r], p.sum[:M*r]
	for m := range M {
		z := p.z[m*K*r : (m+1)*K*r]
		lw := p.lw[m*K*r : (m+1)*K*r]
		copy(mx, z[:r])
		for k := 1; k < K; k++ {
			for i, v := range z[k*r : (k+1)*r] {
				if v > mx[i] || v != v {
					mx[i] = v
				}
			}
		}
		for k := range K {
			row := lw[k*r : (k+1)*r]
			for i, v := range z[k*r : (k+1)*r] {
				row[i] = v - mx[i]
			}
		}
	}
	// One exp over all members' channels and one log over their sums (for
	// one row, 10 members: 50 values and 10, mostly in AVX-512 blocks of 8).
	e := p.e[:M*K*r]
	vec.Exp(e, p.lw[:M*K*r])
	for m := range M {
		sum, em := sums[m*r:(m+1)*r], e[m*K*r:(m+1)*K*r]
		copy(sum, em[:r])
		for k := 1; k < K; k++ {
			for i, v := range em[k*r : (k+1)*r] {
				sum[i] += v
			}
		}
	}
	vec.Log(sums, sums)
	for m := range M {
		sum, lw := sums[m*r:(m+1)*r], p.lw[m*K*r:(m+1)*K*r]
		for k := range K {
			row := lw[k*r : (k+1)*r]
			for i := range row {
				row[i] = row[i] - sum[i] - p.logM
			}
		}
	}
}

// logSoftmax1 is logSoftmax for one row (r = 1), with its operations in
// its order, without its loops over the rows.
func (p *Predictor) logSoftmax1() {
	K, M, logM := p.spec.K, p.m, p.logM
	z, lw := p.z[:M*K], p.lw[:M*K]
	for m := range M {
		zm, lm := z[m*K:(m+1)*K], lw[m*K:(m+1)*K]
		mx := zm[0]
		for _, v := range zm[1:] {
			if v > mx || v != v {
				mx = v
			}
		}
		for k, v := range zm {
			lm[k] = v - mx
		}
	}
	e, sums := p.e[:M*K], p.sum[:M]
	vec.Exp(e, lw)
	for m := range M {
		em := e[m*K : (m+1)*K]
		sum := em[0]
		for _, v := range em[1:] {
			sum += v
		}
		sums[m] = sum
	}
	vec.Log(sums, sums)
	for m, sum := range sums {
		lm := lw[m*K : (m+1)*K]
		for k := range lm {
			lm[k] = lm[k] - sum - logM
		}
	}
}

// sigmas replaces the raw σ channels of p.out by σ' = a + exp(raw) (σ =
// exp; a = YStd_j·σ_min where the y-scaler is folded, else σ_min) or by
// σ(raw) (softplus); row multiplies the unfolded ones by YStd.
func (p *Predictor) sigmas(r int) {
	s := p.spec
	K, D, P := s.K, s.Out, s.NormalChannels()
	for m := range p.m {
		base := m * P
		ys := p.ys[m*D : (m+1)*D]
		switch s.Noise {
		case arch.Fixed:
		case arch.Full:
			nb := D * (D + 1) / 2
			for k := range K {
				for j := range D {
					c := base + K*D + k*nb + j
					p.sigma(p.out[c*r:(c+1)*r], ys[j])
				}
			}
		case arch.Diagonal:
			if r == 1 && p.foldSigma {
				continue // below: all members' σ channels in one vec.Exp
			}
			if !p.foldSigma {
				c := base + K*D
				p.sigma(p.out[c*r:(base+P)*r], 1)
				continue
			}
			for c := range K * D {
				ch := base + K*D + c
				p.sigma(p.out[ch*r:(ch+1)*r], ys[c%D])
			}
		default: // isotropic, isotropic across clusters: not folded
			c := base + K*D
			p.sigma(p.out[c*r:(base+P)*r], 1)
		}
	}
}

// sigmas1 is sigmas for one row with diagonal noise and the y-scaler
// folded: the σ channels of all members gathered into one vec.Exp.
func (p *Predictor) sigmas1() {
	K, D, sigmaMin := p.spec.K, p.spec.Out, p.spec.SigmaMin
	KD := K * D
	P := 2 * KD // diagonal: K·D means, K·D σ channels
	g := p.e[:p.m*KD]
	for m := range p.m {
		copy(g[m*KD:(m+1)*KD], p.out[m*P+KD:(m+1)*P])
	}
	vec.Exp(g, g)
	for m := range p.m {
		o, gm, ys := p.out[m*P+KD:(m+1)*P], g[m*KD:(m+1)*KD], p.ys[m*D:(m+1)*D]
		for k := range K {
			for j, y := range ys {
				o[k*D+j] = y*sigmaMin + gm[k*D+j]
			}
		}
	}
}

// sigma replaces the raw outputs v of σ channels by σ_min·g + exp(v) (σ =
// exp; g = YStd_j where it is folded, else 1) or by σ(v) (softplus).
func (p *Predictor) sigma(v []float64, g float64) {
	s := p.spec
	if s.Transform != arch.Exp {
		for i, r := range v {
			v[i] = s.Sigma(r)
		}
		return
	}
	vec.Exp(v, v)
	a := s.SigmaMin
	if p.foldSigma {
		a *= g
	}
	for i := range v {
		v[i] += a
	}
}

// row writes row i (of a pass of r rows) of p.lw and p.out into mx: the
// M·K log weights, means and Cholesky factors, with σ clamped to
// [minScale, maxScale]. It returns an error naming the member and what is
// not finite.
func (p *Predictor) row(mx *mixture.Mixture, i, r int) error {
	if r == 1 && p.spec.Noise == arch.Diagonal {
		return p.row1(mx)
	}
	return p.members(mx, i, r)
}

// members is row by member.
func (p *Predictor) members(mx *mixture.Mixture, i, r int) error {
	for m := range p.m {
		if err := p.member(mx, m, i, r); err != nil {
			return p.memberError(m, err)
		}
	}
	return nil
}

// member writes member m's K components of row i into mx.
func (p *Predictor) member(mx *mixture.Mixture, m, i, r int) error {
	s := p.spec
	K, D, P := s.K, s.Out, s.NormalChannels()
	dd := D * D
	lw := mx.LogWeights[m*K : (m+1)*K]
	for k := range lw {
		v := p.lw[(m*K+k)*r+i]
		if math.IsNaN(v) || math.IsInf(v, 1) {
			return p.logWeightError(m, k, v, i, r)
		}
		lw[k] = v
	}
	out := p.out[m*P*r:]
	means := mx.Means[m*K*D : (m+1)*K*D]
	for c := range means {
		mu := out[c*r+i]
		if math.IsNaN(mu) || math.IsInf(mu, 0) {
			return meanError(c, D, mu)
		}
		means[c] = mu
	}
	L := mx.Chol[m*K*dd : (m+1)*K*dd]
	clear(L)
	sg := out[K*D*r:]
	ys := p.ys[m*D : (m+1)*D]
	switch s.Noise {
	case arch.Diagonal:
		for c := range K * D {
			v := sg[c*r+i]
			if !p.foldSigma {
				v *= ys[c%D]
			}
			L[c/D*dd+c%D*(D+1)] = v
		}
	case arch.Isotropic:
		for k := range K {
			v := sg[k*r+i]
			for j := range D {
				L[k*dd+j*(D+1)] = ys[j] * v
			}
		}
	case arch.IsotropicAcrossClusters:
		v := sg[i]
		for k := range K {
			for j := range D {
				L[k*dd+j*(D+1)] = ys[j] * v
			}
		}
	case arch.Fixed:
		f := p.fixed[m*D : (m+1)*D]
		for k := range K {
			for j := range D {
				L[k*dd+j*(D+1)] = f[j]
			}
		}
	case arch.Full:
		nb := D * (D + 1) / 2
		for k := range K {
			blk := sg[k*nb*r:]
			lk := L[k*dd : (k+1)*dd]
			for j := range D {
				v := blk[j*r+i]
				if !p.foldSigma {
					v *= ys[j]
				}
				lk[j*D+j] = v
			}
			o := D
			for a := 1; a < D; a++ {
				for b := range a {
					lk[a*D+b] = blk[o*r+i]
					o++
				}
			}
		}
	}
	for k := range K {
		for a := range D {
			// Far outside the training range exp(raw) can underflow to 0 or
			// overflow; clamp each σ (diagonal of L) to [minScale, maxScale]
			// so that every prediction is a valid, finite mixture.
			aa := k*dd + a*D + a
			if v := L[aa]; v < minScale {
				L[aa] = minScale
			} else if v > maxScale {
				L[aa] = maxScale
			}
			for b := 0; b <= a; b++ {
				v := L[k*dd+a*D+b]
				if math.IsNaN(v) || math.IsInf(v, 0) || (a == b && v <= 0) {
					return scaleError(k, a, b, v)
				}
			}
		}
	}
	return nil
}

// row1 is row for a pass of one row (r = 1, i = 0) with diagonal noise:
// the same values and the same errors, each member's read and written
// without strides or divisions. σ is clamped as in member, after which
// only a NaN fails member's check of L (the off-diagonal entries are 0),
// in the same order of components and dimensions.
func (p *Predictor) row1(mx *mixture.Mixture) error {
	K, D := p.spec.K, p.spec.Out
	KD, dd := K*D, D*D
	P := 2 * KD // diagonal noise: K·D means, K·D σ channels
	fold, lws, outs, yss := p.foldSigma, p.lw[:p.m*K], p.out[:p.m*P], p.ys[:p.m*D]
	for m := range p.m {
		lw := lws[m*K : (m+1)*K]
		for k, v := range lw {
			if !(v <= math.MaxFloat64) { // NaN or +Inf
				return p.memberError(m, p.logWeightError(m, k, v, 0, 1))
			}
		}
		copy(mx.LogWeights[m*K:(m+1)*K], lw)
		out := outs[m*P : (m+1)*P]
		for c, mu := range out[:KD] {
			if mu-mu != 0 { // NaN or ±Inf
				return p.memberError(m, meanError(c, D, mu))
			}
		}
		copy(mx.Means[m*KD:(m+1)*KD], out[:KD])
		L := mx.Chol[m*K*dd : (m+1)*K*dd]
		clear(L)
		sg, ys := out[KD:], yss[m*D:(m+1)*D]
		for k := range K {
			for a, v := range sg[k*D : (k+1)*D] {
				if !fold {
					v *= ys[a]
				}
				if v < minScale {
					v = minScale
				} else if v > maxScale {
					v = maxScale
				} else if v != v {
					return p.memberError(m, scaleError(k, a, a, v)) // member's first error too
				}
				L[k*dd+a*(D+1)] = v
			}
		}
	}
	return nil
}

// memberError is err of member m as row returns it.
func (p *Predictor) memberError(m int, err error) error {
	if p.m > 1 {
		return fmt.Errorf("ensemble member %d: %w", m, err)
	}
	return err
}

// logWeightError is the error for member m's log weight k of row i (a pass
// of r rows), v, NaN or +Inf.
func (p *Predictor) logWeightError(m, k int, v float64, i, r int) error {
	logits := make([]float64, p.spec.K)
	for k2 := range logits {
		logits[k2] = p.z[(m*p.spec.K+k2)*r+i]
	}
	return fmt.Errorf("log weight %d is %v (logits %v)", k, v+p.logM, logits)
}

// meanError is the error for mean channel c (of D dimensions), mu, not
// finite.
func meanError(c, D int, mu float64) error {
	return fmt.Errorf("mean of component %d, dimension %d is %v", c/D, c%D, mu)
}

// scaleError is the error for the entry (a, b) of component k's factor L.
func scaleError(k, a, b int, v float64) error {
	return fmt.Errorf("scale factor L of component %d, row %d, column %d is %v (the σ transform overflowed or underflowed)", k, a, b, v)
}

// prepareMixtures returns dst[:n] with every mixture of K components in D
// dimensions, slices of length K, K·D and K·D·D, taking the missing storage
// from one allocation.
func prepareMixtures(dst []mixture.Mixture, n, K, D int) []mixture.Mixture {
	if cap(dst) < n {
		nd := make([]mixture.Mixture, n)
		copy(nd, dst[:cap(dst)])
		dst = nd
	}
	dst = dst[:n]
	nw, nm, nc := K, K*D, K*D*D
	short := func(m *mixture.Mixture) bool {
		return cap(m.LogWeights) < nw || cap(m.Means) < nm || cap(m.Chol) < nc
	}
	need := 0
	for i := range dst {
		if short(&dst[i]) {
			need++
		}
	}
	var slab []float64
	if need > 0 {
		slab = make([]float64, need*(nw+nm+nc))
	}
	for i := range dst {
		m := &dst[i]
		if short(m) {
			m.LogWeights, slab = slab[:nw:nw], slab[nw:]
			m.Means, slab = slab[:nm:nm], slab[nm:]
			m.Chol, slab = slab[:nc:nc], slab[nc:]
		} else {
			m.LogWeights, m.Means, m.Chol = m.LogWeights[:nw], m.Means[:nm], m.Chol[:nc]
		}
		m.K, m.D = K, D
	}
	return dst
}

// The range to which Predict clamps each predicted σ, in original units:
// wide enough never to matter in the training range, narrow enough that
// σ² stays a finite, positive float64.
const (
	minScale = 1e-150
	maxScale = 1e150
)
