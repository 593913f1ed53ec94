package graph

import (
	"fmt"
	"github.com/mdn-go/mdn/arch"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// ln2π is log(2π), the constant of the Gaussian log-density.
var ln2π = math.Log(2 * math.Pi)

// rowNLL holds the scratch of the per-row mixture NLL.
type rowNLL struct {
	spec            arch.Spec
	pi, a, gam      []float64 // K
	logSig          []float64 // K·D: log σ
	sig, dsig, z, w []float64 // per component scratch (D·D for full)
	lmat            []float64 // K·D·D lower-triangular factors, full only
	dlogN           []float64 // ∂ log N_k / ∂(normal channels), P
}

func newRowNLL(s arch.Spec) *rowNLL {
	d := s.Out
	return &rowNLL{
		spec: s, pi: make([]float64, s.K), a: make([]float64, s.K), gam: make([]float64, s.K),
		logSig: make([]float64, s.K*s.Out),
		sig:    make([]float64, s.K*d), dsig: make([]float64, s.K*d), z: make([]float64, d), w: make([]float64, d),
		lmat: make([]float64, s.K*d*d), dlogN: make([]float64, s.NormalChannels()),
	}
}

// eval computes the NLL of one row,
//
//	ℓ = −logsumexp_k( log π_k + log N(y; μ_k, Σ_k) )
//	log N = −½‖L_k⁻¹(y − μ_k)‖² − Σ_j log L_k,jj − (D/2) log 2π
//
// from logits (K), the normal trunk's output p (NormalChannels) and y (D).
// If dl and dp are not nil it also writes ∂ℓ/∂logits and ∂ℓ/∂p, scaled by
// scale. With responsibilities γ_k = softmax_k(log π_k + log N_k):
//
//	∂ℓ/∂logit_k = π_k − γ_k      ∂ℓ/∂θ_k = −γ_k ∂log N_k/∂θ_k
//	∂log N/∂μ = w,  ∂log N/∂L = tril(w zᵀ) − diag(1/L_jj),  z = L⁻¹(y−μ), w = L⁻ᵀz
//
// and the chain rule through σ = σ_min + f(r) for the diagonal raws.
func (r *rowNLL) eval(logits, p, y []float64, dl, dp []float64, scale float64) float64 {
	s := r.spec
	K, D := s.K, s.Out
	lseLogits := arch.SoftmaxLSE(r.pi, logits) // log π_k = logit_k − lseLogits
	mu := p[:K*D]
	raw := p[K*D:]
	grad := dl != nil
	if grad {
		clear(r.dlogN)
	}
	// Per-component scales, shared code for the diagonal noise models.
	switch s.Noise {
	case arch.Diagonal:
		if s.Transform == arch.Exp {
			// SigmaGrad's exp branch, σ = σ_min + e^r and σ' = e^r, without
			// copying s into a call per channel.
			smin := s.SigmaMin
			for i, v := range raw[:K*D] {
				e := math.Exp(v)
				r.sig[i], r.dsig[i] = smin+e, e
			}
			break
		}
		for i := range K * D {
			r.sig[i], r.dsig[i] = s.SigmaGrad(raw[i])
		}
	case arch.Isotropic:
		for k := range K {
			v, dv := s.SigmaGrad(raw[k])
			for j := range D {
				r.sig[k*D+j], r.dsig[k*D+j] = v, dv
			}
		}
	case arch.IsotropicAcrossClusters:
		v, dv := s.SigmaGrad(raw[0])
		for i := range K * D {
			r.sig[i], r.dsig[i] = v, dv
		}
	case arch.Fixed:
		for k := range K {
			copy(r.sig[k*D:(k+1)*D], s.FixedSigma)
		}
	}
	if s.Noise != arch.Full {
		// log σ; with σ = exp(r) exactly (σ_min = 0) it is r itself.
		rawLog := s.Transform == arch.Exp && s.SigmaMin == 0
		for i := range K * D {
			switch {
			case rawLog && s.Noise == arch.Diagonal:
				r.logSig[i] = raw[i]
			case rawLog && s.Noise == arch.Isotropic:
				r.logSig[i] = raw[i/D]
			case rawLog && s.Noise == arch.IsotropicAcrossClusters:
				r.logSig[i] = raw[0]
			default:
				r.logSig[i] = math.Log(r.sig[i])
			}
		}
	}
	cst := 0.5 * float64(D) * ln2π
	for k := range K {
		muk := mu[k*D : (k+1)*D]
		logPi := logits[k] - lseLogits
		if s.Noise == arch.Full {
			r.a[k] = logPi + r.fullLogN(k, muk, raw, y, false) - cst
			continue
		}
		var q, ls float64
		for j := range D {
			zj := (y[j] - muk[j]) / r.sig[k*D+j]
			q += zj * zj
			ls += r.logSig[k*D+j]
		}
		r.a[k] = logPi - 0.5*q - ls - cst
	}
	lse := arch.SoftmaxLSE(r.gam, r.a) // r.gam holds γ_k
	if !grad {
		return -lse
	}
	for k := range K {
		dl[k] = scale * (r.pi[k] - r.gam[k])
	}
	for k := range K {
		g := r.gam[k]
		muk := mu[k*D : (k+1)*D]
		if s.Noise == arch.Full {
			r.fullLogN(k, muk, raw, y, true) // fills r.dlogN for component k
			continue
		}
		for j := range D {
			sg := r.sig[k*D+j]
			zj := (y[j] - muk[j]) / sg
			r.dlogN[k*D+j] = g * zj / sg // ∂/∂μ_kj, times γ_k
			dsg := g * (zj*zj - 1) / sg * r.dsig[k*D+j]
			switch s.Noise {
			case arch.Diagonal:
				r.dlogN[K*D+k*D+j] += dsg
			case arch.Isotropic:
				r.dlogN[K*D+k] += dsg
			case arch.IsotropicAcrossClusters:
				r.dlogN[K*D] += dsg
			}
		}
	}
	for i, v := range r.dlogN {
		dp[i] = -scale * v
	}
	return -lse
}

// fullLogN is log N(y; μ_k, L_k L_kᵀ) without the 2π constant for the Full
// noise model. With grad it adds γ_k·∂log N/∂(channels of k) to r.dlogN
// (r.gam[k] holding γ_k). Channel layout of component k's block, of size
// D(D+1)/2: D diagonal raws, then L[i][j] for i > j row by row.
func (r *rowNLL) fullLogN(k int, mu, raw, y []float64, grad bool) float64 {
	s := r.spec
	D := s.Out
	nb := D * (D + 1) / 2
	blk := raw[k*nb : (k+1)*nb]
	L := r.lmat[k*D*D : (k+1)*D*D]
	dd := r.dsig[k*D : (k+1)*D]
	var ls float64
	for j := range D {
		L[j*D+j], dd[j] = s.SigmaGrad(blk[j])
		ls += math.Log(L[j*D+j])
	}
	o := D
	for i := 1; i < D; i++ {
		for j := 0; j < i; j++ {
			L[i*D+j] = blk[o]
			o++
		}
	}
	// Forward substitution: L z = y − μ.
	z := r.z
	var q float64
	for i := range D {
		v := y[i] - mu[i]
		for j := 0; j < i; j++ {
			v -= L[i*D+j] * z[j]
		}
		z[i] = v / L[i*D+i]
		q += z[i] * z[i]
	}
	if !grad {
		return -0.5*q - ls
	}
	// Back substitution: Lᵀ w = z.
	w := r.w
	for i := D - 1; i >= 0; i-- {
		v := z[i]
		for j := i + 1; j < D; j++ {
			v -= L[j*D+i] * w[j]
		}
		w[i] = v / L[i*D+i]
	}
	g := r.gam[k]
	K := s.K
	base := K*D + k*nb
	for j := range D {
		r.dlogN[k*D+j] = g * w[j]
		r.dlogN[base+j] = g * (w[j]*z[j] - 1/L[j*D+j]) * dd[j]
	}
	o = D
	for i := 1; i < D; i++ {
		for j := 0; j < i; j++ {
			r.dlogN[base+o] = g * w[i] * z[j]
			o++
		}
	}
	return -0.5*q - ls
}

// nllOp is the fused mixture negative log-likelihood, averaged over rows:
//
//	loss = (1/B) Σ_i ℓ(logits_i, p_i, y_i)      (see rowNLL.eval)
//
// inputs: logits (B, K), normal trunk output p (B, NormalChannels), y (B, D);
// output: a scalar in nats, including the (D/2) log 2π constant.
// When built for training it computes ∂loss/∂logits and ∂loss/∂p in the same
// pass; its gradient ops scale those by the incoming gradient.
type nllOp struct {
	opBase
	spec     arch.Spec
	withGrad bool
	rows     []*rowNLL
	diag     *diagNLL // the batched NLL, for the models diagBatched takes
	dl, dp   []float64
	loss     float64
	perRow   []float64
}

func newNLLOp(s arch.Spec, withGrad bool) *nllOp {
	return &nllOp{opBase: opBase{name: "mixtureNLL(" + string(s.Noise) + ")"}, spec: s, withGrad: withGrad}
}

func (o *nllOp) Arity() int { return 3 }
func (o *nllOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(matType(a), matType(a), matType(a), a)
}
func (o *nllOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	l, p, y := in[0].(tensor.Shape), in[1].(tensor.Shape), in[2].(tensor.Shape)
	s := o.spec
	if len(l) != 2 || len(p) != 2 || len(y) != 2 || l[1] != s.K || p[1] != s.NormalChannels() || y[1] != s.Out ||
		l[0] != p[0] || l[0] != y[0] {
		return nil, fmt.Errorf("graph: mixture NLL: shapes %v %v %v do not fit K=%d, %d channels, D=%d",
			l, p, y, s.K, s.NormalChannels(), s.Out)
	}
	return tensor.ScalarShape(), nil
}

func (o *nllOp) Do(vs ...G.Value) (G.Value, error) {
	var ts [3]*tensor.Dense
	for i := range ts {
		t, err := dense(vs[i])
		if err != nil {
			return nil, err
		}
		ts[i] = t
	}
	B := ts[0].Shape()[0]
	o.scratch(B, diagBatched(o.spec))
	switch ts[0].Dtype() {
	case tensor.Float32:
		o.loss = nllRows(o, Elems[float32](ts[0]), Elems[float32](ts[1]), Elems[float32](ts[2]), B)
		v := G.F32(float32(o.loss))
		return &v, nil
	case tensor.Float64:
		o.loss = nllRows(o, Elems[float64](ts[0]), Elems[float64](ts[1]), Elems[float64](ts[2]), B)
		v := G.F64(o.loss)
		return &v, nil
	}
	return nil, fmt.Errorf("graph: mixture NLL: unsupported dtype %v", ts[0].Dtype())
}

// scratch sizes the op's buffers for batches of B rows, with diagNLL's
// when batched.
func (o *nllOp) scratch(B int, batched bool) {
	P := o.spec.NormalChannels()
	if batched {
		if o.diag == nil || o.diag.n != B {
			o.diag = newDiagNLL(o.spec, B)
		}
	} else {
		o.diag = nil
		if len(o.rows) == 0 {
			o.rows = []*rowNLL{newRowNLL(o.spec)}
		}
	}
	if o.withGrad && len(o.dl) != B*o.spec.K {
		o.dl = make([]float64, B*o.spec.K)
		o.dp = make([]float64, B*P)
	}
	if len(o.perRow) != B {
		o.perRow = make([]float64, B)
	}
}

// nllRows computes the loss of the batch, its per-row NLL into o.perRow
// and, when o.withGrad, the gradients into o.dl and o.dp: through diagNLL
// when o.diag is set, else row by row with rowNLL.eval.
func nllRows[T float](o *nllOp, logits, p, y []T, B int) float64 {
	scale := 1 / float64(B)
	if d := o.diag; d != nil {
		diagLoad(d, logits, p, y)
		var dl, dp []float64
		if o.withGrad {
			dl, dp = o.dl, o.dp
		}
		d.eval(o.perRow, dl, dp, scale)
		var sum float64
		for _, v := range o.perRow {
			sum += v
		}
		return sum / float64(B)
	}
	s := o.spec
	K, P, D := s.K, s.NormalChannels(), s.Out
	r := o.rows[0]
	var lb, pb, yb [64]float64
	lr, pr, yr := lb[:0], pb[:0], yb[:0]
	if K > len(lb) || P > len(pb) || D > len(yb) {
		lr, pr, yr = make([]float64, 0, K), make([]float64, 0, P), make([]float64, 0, D)
	}
	lr, pr, yr = lr[:K], pr[:P], yr[:D]
	var sum float64
	for i := range B {
		for k := range K {
			lr[k] = float64(logits[i*K+k])
		}
		for c := range P {
			pr[c] = float64(p[i*P+c])
		}
		for j := range D {
			yr[j] = float64(y[i*D+j])
		}
		var dl, dp []float64
		if o.withGrad {
			dl, dp = o.dl[i*K:(i+1)*K], o.dp[i*P:(i+1)*P]
		}
		v := r.eval(lr, pr, yr, dl, dp, scale)
		o.perRow[i] = v
		sum += v
	}
	return sum / float64(B)
}

func (o *nllOp) DiffWRT(int) []bool { return []bool{true, true, false} }

func (o *nllOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	if !o.withGrad {
		return nil, fmt.Errorf("graph: mixture NLL built without gradients")
	}
	dl, err := G.ApplyOp(&nllGradOp{opBase: opBase{name: "mixtureNLL'logits"}, fwd: o, which: 0}, in[0], out, grad)
	if err != nil {
		return nil, err
	}
	dp, err := G.ApplyOp(&nllGradOp{opBase: opBase{name: "mixtureNLL'normal"}, fwd: o, which: 1}, in[1], out, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dl, dp, nil}, nil
}

// nllGradOp returns g·∂loss/∂logits (which = 0) or g·∂loss/∂p (which = 1)
// from the values its forward op computed. Inputs: the differentiated input
// (for its shape), the loss (for ordering) and the incoming gradient g.
type nllGradOp struct {
	opBase
	fwd   *nllOp
	which int
	buf   *tensor.Dense
}

func (o *nllGradOp) Arity() int { return 3 }
func (o *nllGradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(matType(a), a, a, matType(a))
}
func (o *nllGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}
func (o *nllGradOp) Do(vs ...G.Value) (G.Value, error) {
	x, err := dense(vs[0])
	if err != nil {
		return nil, err
	}
	g, err := scalarOf(vs[2])
	if err != nil {
		return nil, err
	}
	src := o.fwd.dl
	if o.which == 1 {
		src = o.fwd.dp
	}
	o.buf = buffer(o.buf, x.Dtype(), x.Shape()...)
	switch o.buf.Dtype() {
	case tensor.Float32:
		d := Elems[float32](o.buf)
		for i, v := range src {
			d[i] = float32(g * v)
		}
	case tensor.Float64:
		d := Elems[float64](o.buf)
		for i, v := range src {
			d[i] = g * v
		}
	}
	return o.buf, nil
}
