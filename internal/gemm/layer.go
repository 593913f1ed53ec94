package gemm

import (
	"math"
	"math/bits"
)

// RowLayer sets o to one row through a dense layer, the k×n row-major
// weights w (n = len(o), k = len(x)) and bias b (len n), with ReLU if relu:
//
//	v_c = (Σ_{j<k, bit j of xm} x_j·w[j·n + c]) + b_c,   the sum in order of j with fused multiply-adds, from +0
//	o_c = v_c, or with relu max(v_c, 0) (−0 gives +0, NaN stays NaN)
//
// xm marks the inputs to sum: bit j%64 of xm[j/64] for x_j, set for the
// nonzero x_j and clear for the others and beyond k (NonzeroMask), so
// that the sum is RowTimes's. With relu, RowLayer also sets om (at least
// ⌈n/64⌉ words) to the mask of o's nonzero values, the xm of a next layer:
// the value kept by ReLU, v_c > 0 or NaN. Without relu om is not touched.
// So a layer's output is not scanned again for its zeros, and its bias
// and ReLU are applied while the sums are in registers, with the
// arithmetic (and bits) of RowTimes followed by model's biasAct.
//
// On amd64 with AVX2, FMA and BMI1 the columns go through an assembly
// kernel in blocks of 32 (YMM) or, with AVX-512, 64 (ZMM) accumulators;
// the last n mod 32 (64) columns in one more pass, with lane masks for
// the last n mod 4 (8), so that a narrow output layer is one chain of
// sums, not several. The kernel visits the inputs by the set bits of xm
// (no list of them is built). Elsewhere the same arithmetic runs in Go
// (math.FMA). It panics if a slice is too short.
func RowLayer(o, w, b, x []float64, xm, om []uint64, relu bool) {
	nw, omp, r, ok := rowLayerArgs(o, len(w), b, x, xm, om, relu)
	switch {
	case !ok:
	case useLayerAsm == layerAVX512:
		rowLayerAVX512(&o[0], first(w), &b[0], first(x), first(xm), nw, len(o), omp, r)
	case useLayerAsm == layerAVX2:
		rowLayerAVX2(&o[0], first(w), &b[0], first(x), first(xm), nw, len(o), omp, r)
	default:
		rowLayerGo(o, w, b, x, xm[:nw], om, relu)
	}
}

// RowLayer32 is RowLayer with float32 weights, each converted to float64
// (exactly) as it is read, so that it gives RowLayer's bits for the same
// weights in float64 while reading half the bytes: for a layer whose
// weights are float32 values (a model trained in float32), where one row's
// pass is bound by the weights' traffic from the L2 cache. It runs the AVX2
// kernel (VCVTPS2PD of 4 weights) on AVX-512 CPUs too: on Zen 4 a ZMM
// kernel converting 8 at a time was slower (the model's one-row pass took
// 8.0 µs with it, 7.4 with the AVX2 kernel, 8.0 with float64 weights).
func RowLayer32(o []float64, w []float32, b, x []float64, xm, om []uint64, relu bool) {
	nw, omp, r, ok := rowLayerArgs(o, len(w), b, x, xm, om, relu)
	switch {
	case !ok:
	case useLayerAsm >= layerAVX2:
		rowLayer32AVX2(&o[0], first(w), &b[0], first(x), first(xm), nw, len(o), omp, r)
	default:
		rowLayerGo(o, w, b, x, xm[:nw], om, relu)
	}
}

// rowLayerArgs checks RowLayer's arguments (lw = len(w)), clears om with
// relu, and returns the words of xm to read, om's first word (nil without
// relu), relu as 0 or 1, and whether there is anything to compute (n > 0).
func rowLayerArgs(o []float64, lw int, b, x []float64, xm, om []uint64, relu bool) (nw int, omp *uint64, r int, ok bool) {
	n, k := len(o), len(x)
	nw = (k + 63) / 64
	switch {
	case lw < k*n:
		panic("gemm: RowLayer: w is shorter than len(x)·len(o)")
	case len(b) < n:
		panic("gemm: RowLayer: b is shorter than o")
	case len(xm) < nw:
		panic("gemm: RowLayer: xm is shorter than ⌈len(x)/64⌉")
	case relu && len(om) < (n+63)/64:
		panic("gemm: RowLayer: om is shorter than ⌈len(o)/64⌉")
	case k%64 != 0 && xm[nw-1]>>(k%64) != 0:
		panic("gemm: RowLayer: xm has bits beyond len(x)")
	}
	if n == 0 {
		return nw, nil, 0, false
	}
	if relu {
		clear(om[:(n+63)/64])
		omp, r = &om[0], 1
	}
	return nw, omp, r, true
}

// first is &s[0], or nil for an empty s (the kernels read nothing through
// it then).
func first[T any](s []T) *T {
	if len(s) == 0 {
		return nil
	}
	return &s[0]
}

// rowLayerGo is RowLayer in Go: the sums row by row of w (each o_c still
// in order of j), then the bias, ReLU and mask.
func rowLayerGo[W float32 | float64](o []float64, w []W, b, x []float64, xm, om []uint64, relu bool) {
	n := len(o)
	clear(o)
	for wi, m := range xm {
		for m != 0 {
			j := wi*64 + bits.TrailingZeros64(m)
			m &= m - 1
			v, row := x[j], w[j*n:(j+1)*n]
			for c := range o {
				o[c] = math.FMA(v, float64(row[c]), o[c])
			}
		}
	}
	for c, bc := range b[:n] {
		v := o[c] + bc
		if relu {
			if v > 0 || v != v {
				om[c/64] |= 1 << (c % 64)
			} else {
				v = 0
			}
		}
		o[c] = v
	}
}

// NonzeroMask sets m (at least ⌈len(x)/64⌉ words) to the mask of the
// nonzero values of x (NaN counts as nonzero, ±0 not): bit j%64 of m[j/64]
// for x_j, the bits beyond len(x) clear. It is RowLayer's xm for an input
// that no RowLayer with ReLU produced.
func NonzeroMask(m []uint64, x []float64) {
	nw := (len(x) + 63) / 64
	clear(m[:nw])
	for j, v := range x {
		u := math.Float64bits(v) << 1
		m[j/64] |= ((u | -u) >> 63) << (j % 64)
	}
}

// CopyBits sets dst (at least ⌈n/64⌉ words) to the n bits of src from bit
// off on, the bits beyond n clear: the mask of a slice x[off:off+n] of the
// values that src marks.
func CopyBits(dst, src []uint64, off, n int) {
	nw := (n + 63) / 64
	for i := range nw {
		p := off + 64*i
		w, s := p/64, uint(p%64)
		v := src[w] >> s
		if s != 0 && w+1 < len(src) {
			v |= src[w+1] << (64 - s)
		}
		if rest := n - 64*i; rest < 64 {
			v &= 1<<uint(rest) - 1
		}
		dst[i] = v
	}
}
