//go:build !amd64

package gemm

// useRowsAsm is false: RowTimes has no assembly here.
var useRowsAsm = false

func rowTimesAVX2(o, w, xv *float64, off *int, n, nnz int) { panic("gemm: no AVX2 here") }

func hasAVX2FMA() bool { return false }

func hasAVX512() bool { return false }

// The paths of RowLayer: Go only here.
const (
	layerGo = iota
	layerAVX2
	layerAVX512
)

var useLayerAsm = layerGo

func rowLayerAVX2(o, w, b, x *float64, xm *uint64, nw, n int, om *uint64, relu int) {
	panic("gemm: no AVX2 here")
}

func rowLayerAVX512(o, w, b, x *float64, xm *uint64, nw, n int, om *uint64, relu int) {
	panic("gemm: no AVX-512 here")
}

func rowLayer32AVX2(o *float64, w *float32, b, x *float64, xm *uint64, nw, n int, om *uint64, relu int) {
	panic("gemm: no AVX2 here")
}
