package graph

import (
	"math"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/internal/vec"
)

// diagNLL is rowNLL.eval for the diagonal noise model with σ = σ_min + e^r
// (the common case, and the original's), done for all B rows of a batch at
// once: the inputs are first copied into float64 columns (structure of
// arrays, column c of row i at c·stride + i), so that every step is a loop over
// contiguous rows and the exponentials (the σ channels, and both softmaxes)
// go through vec.Exp, eight at a time, and the logarithms through vec.Log.
// Per row it computes what eval does, in the same order except that it
// multiplies by 1/σ instead of dividing by σ, and e^x and log x are vec's
// (within 1 ulp, not bit for bit math.Exp's and math.Log's):
//
//	log π_k = l_k − lse_k(l),  σ_kj = σ_min + e^{r_kj},  z_kj = (y_j − μ_kj)/σ_kj
//	a_k = log π_k − ½Σ_j z_kj² − Σ_j log σ_kj − (D/2) log 2π,   ℓ = −lse_k(a)
//
// lse by the max-subtracted sum, and the gradients of eval. Each row's
// result depends on that row alone, so the loss of a row does not depend
// on the batch (or shard) it is part of.
type diagNLL struct {
	spec   arch.Spec
	n      int // rows
	stride int // distance between columns, ≥ n
	// Columns of n rows: logits, then π (K); μ, raw r, then e^r, σ (then
	// 1/σ), log σ, z (K·D); y (D).
	lg, pi              []float64
	mu, raw, e, sig, ls []float64
	z, y                []float64
	a, gam, t           []float64 // K: a_k, γ_k, and the arguments of exp
	m, s, logS, lse0    []float64 // per row: max, sum of exps, its log, lse of the logits
}

// diagBatched reports whether s's NLL goes through diagNLL.
func diagBatched(s arch.Spec) bool { return s.Noise == arch.Diagonal && s.Transform == arch.Exp }

func newDiagNLL(s arch.Spec, n int) *diagNLL {
	K, KD := s.K, s.K*s.Out
	// Columns a multiple of 4 KiB apart would share the L1 sets of the
	// loads' and stores' addresses (the large benchmark's 1024 rows ran
	// at a third of the speed); one more cache line between them keeps
	// the 20-odd columns a row touches in different sets.
	st := (n + 7) &^ 7
	if st%64 == 0 {
		st += 8
	}
	f := func(c int) []float64 { return make([]float64, c*st) }
	d := &diagNLL{spec: s, n: n, stride: st, lg: f(K), pi: f(K), mu: f(KD), raw: f(KD), e: f(KD), sig: f(KD), z: f(KD),
		y: f(s.Out), a: f(K), gam: f(K), t: f(K), m: f(1), s: f(1), logS: f(1), lse0: f(1)}
	if s.SigmaMin != 0 {
		d.ls = f(KD) // else log σ is r itself
	}
	return d
}

// col is column c of the columns x.
func (d *diagNLL) col(x []float64, c int) []float64 { return x[c*d.stride : c*d.stride+d.n] }

// load copies the batch into the columns, column by column: each column
// is written in order, and the few rows of the inputs it reads from stay
// in L1 (row by row, the 27 columns of the large workload were written
// one element at a time, with the slices reloaded for each).
func diagLoad[T float](d *diagNLL, logits, p, y []T) {
	s, n, st := d.spec, d.n, d.stride
	K, KD, D, P := s.K, s.K*s.Out, s.Out, s.NormalChannels()
	loadCols(d.lg, st, logits[:n*K], K, 0, K, n)
	loadCols(d.mu, st, p[:n*P], P, 0, KD, n)
	loadCols(d.raw, st, p[:n*P], P, KD, KD, n)
	loadCols(d.y, st, y[:n*D], D, 0, D, n)
}

// loadCols sets dst[c*st+i] = src[i*ld+off+c] for c < cols, i < n: cols
// columns of a row-major matrix with row length ld, from column off on,
// as float64 columns st apart.
func loadCols[T float](dst []float64, st int, src []T, ld, off, cols, n int) {
	for c := range cols {
		col := dst[c*st : c*st+n]
		from := src[off+c:]
		for i := range col {
			col[i] = float64(from[i*ld])
		}
	}
}

// lse sets d.m to the row maxima of the K columns of x, out to their
// softmax and lse[i] to the log-sum-exp, as arch.SoftmaxLSE does row by
// row: e_k = e^{x_k − m}, s = Σ_k e_k in order, π_k = e_k·(1/s),
// lse = m + log s. A row with an infinite maximum gets lse = m and NaN
// for its softmax, like SoftmaxLSE; a NaN anywhere in a row makes its lse
// and softmax NaN.
func (d *diagNLL) lse(x, out, lse []float64, K int) {
	n := d.n
	m, s, t := d.m[:n], d.s[:n], d.t
	// The maximum by comparisons: a NaN never wins, but it makes its
	// row's sum, and so lse and softmax, NaN below.
	copy(m, x[:n])
	for k := 1; k < K; k++ {
		xk := d.col(x, k)
		for i, v := range xk {
			if v > m[i] {
				m[i] = v
			}
		}
	}
	for k := range K {
		xk, tk := d.col(x, k), d.col(t, k)
		for i, v := range xk {
			tk[i] = v - m[i]
		}
	}
	vec.Exp(out[:K*d.stride], t[:K*d.stride])
	copy(s, out[:n])
	for k := 1; k < K; k++ {
		for i, v := range d.col(out, k) {
			s[i] += v
		}
	}
	ls := d.logS[:n]
	vec.Log(ls, s)
	for i, si := range s {
		mi := m[i]
		if math.IsInf(mi, 0) {
			lse[i] = mi
			s[i] = math.NaN() // π = NaN
			continue
		}
		lse[i] = mi + ls[i]
		s[i] = 1 / si
	}
	for k := range K {
		ok := d.col(out, k)
		for i := range ok {
			ok[i] *= s[i]
		}
	}
}

// eval computes the NLL of every row into perRow, and, if dl and dp are
// not nil, ∂ℓ/∂logits and ∂ℓ/∂p times scale, row-major (B, K) and
// (B, NormalChannels).
func (d *diagNLL) eval(perRow, dl, dp []float64, scale float64) {
	s, n := d.spec, d.n
	K, D, KD := s.K, s.Out, s.K*s.Out
	d.lse(d.lg, d.pi, d.lse0, K)
	vec.Exp(d.e, d.raw)
	smin := s.SigmaMin
	for c, v := range d.e {
		d.sig[c] = smin + v
	}
	logSig := d.raw // log σ = r when σ_min = 0
	if smin != 0 {
		vec.Log(d.ls, d.sig)
		logSig = d.ls
	}
	cst := 0.5 * float64(D) * ln2π
	for k := range K {
		// q and Σ_j log σ accumulate over j as eval does, in a and (for
		// now) gam.
		ak, lsk, lk := d.col(d.a, k), d.col(d.gam, k), d.col(d.lg, k)
		clear(ak)
		clear(lsk)
		for j := range D {
			c := k*D + j
			mu, sg, lsg, z := d.col(d.mu, c), d.col(d.sig, c), d.col(logSig, c), d.col(d.z, c)
			y := d.col(d.y, j)
			for i := range n {
				inv := 1 / sg[i]
				sg[i] = inv // from here on sig holds 1/σ
				zj := (y[i] - mu[i]) * inv
				z[i] = zj
				ak[i] += zj * zj
				lsk[i] += lsg[i]
			}
		}
		for i := range n {
			logPi := lk[i] - d.lse0[i]
			ak[i] = logPi - 0.5*ak[i] - lsk[i] - cst
		}
	}
	d.lse(d.a, d.gam, perRow, K) // perRow = lse(a), then ℓ = −lse
	for i := range perRow {
		perRow[i] = -perRow[i]
	}
	if dl == nil {
		return
	}
	P := s.NormalChannels()
	for k := range K {
		pk, gk := d.col(d.pi, k), d.col(d.gam, k)
		for i := range n {
			dl[i*K+k] = scale * (pk[i] - gk[i])
		}
		for j := range D {
			c := k*D + j
			inv, z, e := d.col(d.sig, c), d.col(d.z, c), d.col(d.e, c)
			for i := range n {
				gi := -scale * gk[i] * inv[i] // −scale·γ/σ
				zj := z[i]
				dp[i*P+c] = gi * zj
				dp[i*P+KD+c] = gi * (zj*zj - 1) * e[i]
			}
		}
	}
}
