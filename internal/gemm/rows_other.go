//go:build !amd64

package gemm

// useRowsAsm is false: RowTimes has no assembly here.
var useRowsAsm = false

func rowTimesAVX2(o, w, xv *float64, off *int, n, nnz int) { panic("gemm: no AVX2 here") }

func hasAVX2FMA() bool { return false }

func hasAVX512() bool { return false }
