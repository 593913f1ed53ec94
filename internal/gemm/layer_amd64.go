package gemm

import "golang.org/x/sys/cpu"

// The paths of RowLayer.
const (
	layerGo = iota
	layerAVX2
	layerAVX512
)

// useLayerAsm is RowLayer's path on this CPU: its AVX-512 kernel with
// AVX-512F, its AVX2 kernel with AVX2 and FMA (both need BMI1, for TZCNT
// and BLSR), else Go. A variable so that a test can compare the paths.
var useLayerAsm = layerTier()

func layerTier() int {
	switch {
	case !cpu.X86.HasBMI1:
		return layerGo
	case hasAVX512():
		return layerAVX512
	case hasAVX2FMA():
		return layerAVX2
	}
	return layerGo
}

// rowLayerAVX2 is RowLayer's kernel with YMM accumulators: for c < n,
// o[c] = (Σ x[j]·w[j·n + c] over the set bits j of xm[:nw], in order of
// j with VFMADD231PD, from +0) + b[c], with relu ≠ 0 ReLU'd and its
// nonzero mask ORed into om (which the caller clears).
//
//go:noescape
func rowLayerAVX2(o, w, b, x *float64, xm *uint64, nw, n int, om *uint64, relu int)

// rowLayerAVX512 is rowLayerAVX2 with ZMM accumulators.
//
//go:noescape
func rowLayerAVX512(o, w, b, x *float64, xm *uint64, nw, n int, om *uint64, relu int)

// rowLayer32AVX2 is rowLayerAVX2 with float32 weights (VCVTPS2PD).
//
//go:noescape
func rowLayer32AVX2(o *float64, w *float32, b, x *float64, xm *uint64, nw, n int, om *uint64, relu int)
