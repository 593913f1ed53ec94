package gemm

import "math"

// RowTimes sets o to the product of one row x (len k) with the k×n
// row-major matrix w (n = len(o)), as the sum over the rows of w in order,
// skipping the rows whose x_j is 0:
//
//	o_c = Σ_{j<k, x_j ≠ 0} x_j·w[j·n + c],   each sum in order of j with fused multiply-adds
//
// which is the arithmetic of Dgemm's AVX2 and AVX-512 micro-kernels for
// one element with k ≤ 256 (a sum from +0, in order, fused), so a row alone
// gives the bits a blocked product with n ≥ 2 gives it on those CPUs; a skipped row
// adds x_j·w = ±0, which can change only the sign of a zero sum. On amd64
// with AVX2 and FMA the columns go through an assembly kernel in blocks of
// 32, 16, 8 and 4 (the accumulators in registers, w streamed once); the
// last n mod 4 columns, and every column elsewhere, through the same
// arithmetic in Go (math.FMA). It is the matrix-vector product of
// model.Predictor for one row, where ReLU makes about half of the x_j 0.
//
// buf is RowTimes's scratch (a *RowBuf kept by the caller, so that a call
// clears nothing but o). It panics if len(w) < k·len(o).
func RowTimes(o, w, x []float64, buf *RowBuf) {
	n, k := len(o), len(x)
	if len(w) < k*n {
		panic("gemm: RowTimes: w is shorter than len(x)·len(o)")
	}
	clear(o)
	if n == 0 {
		return
	}
	nv := 0
	if useRowsAsm {
		nv = n &^ 3
	}
	// The nonzero x_j and the byte offsets of their rows, a chunk of up to
	// rowsChunk at a time, so that the kernel's loop has no branch on x_j;
	// each chunk continues the sums from o.
	xv, off := &buf.xv, &buf.off
	for j0 := 0; j0 < k; j0 += rowsChunk {
		nnz := 0
		for j, v := range x[j0:min(k, j0+rowsChunk)] {
			// Keep v unless it is ±0, without a branch (ReLU makes the
			// zeros unpredictable): u ≠ 0 ⇔ (u | −u) has its top bit set.
			u := math.Float64bits(v) << 1
			xv[nnz], off[nnz] = v, 8*(j0+j)*n
			nnz += int((u | -u) >> 63)
		}
		if nnz == 0 {
			continue
		}
		if nv > 0 {
			rowTimesAVX2(&o[0], &w[0], &xv[0], &off[0], nv, nnz)
		}
		for c := nv; c < n; c++ {
			s := o[c]
			for t, v := range xv[:nnz] {
				s = math.FMA(v, w[off[t]/8+c], s)
			}
			o[c] = s
		}
	}
}

// RowBuf is the scratch of RowTimes: the nonzero x_j of a chunk of rows
// and the byte offsets of their rows of w.
type RowBuf struct {
	xv  [rowsChunk]float64
	off [rowsChunk]int
}

// rowsChunk is the number of rows of w that RowTimes hands to its kernel
// at a time.
const rowsChunk = 64

// DirectRows64 is the most rows m of a float64 product op(A)·B, B with
// contiguous rows, for which Dgemm reads B in place instead of packing
// it: 2·mr of this CPU's fastest float64 kernel (24 with AVX-512, 12 with
// AVX2), or 0 where products go to gonum. A caller with many columns and
// more rows than this (model.Predictor's channel-major layers) can split
// its product into blocks of rows to skip the packing.
func DirectRows64() int {
	if useGonum {
		return 0
	}
	return 2 * dgemmKernels[len(dgemmKernels)-1].mr
}
