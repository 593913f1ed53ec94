package gemm

// useRowsAsm: RowTimes runs rowTimesAVX2 (AVX2 and FMA). A variable so
// that a test can compare both paths.
var useRowsAsm = hasAVX2FMA()

// rowTimesAVX2 adds Σ_{t<nnz} xv[t]·w[off[t]/8 + c] to o[c] for c < n (n a
// multiple of 4, ≥ 4; nnz ≥ 1), continuing each sum from o[c] in order of t
// with VFMADD231PD.
//
//go:noescape
func rowTimesAVX2(o, w, xv *float64, off *int, n, nnz int)
