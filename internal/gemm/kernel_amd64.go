package gemm

import "golang.org/x/sys/cpu"

// The kernels chosen for this CPU; read-only after package initialisation.
var (
	sgemmKernel = pickKernel32()
	dgemmKernel = pickKernel64()
)

func hasAVX2FMA() bool { return cpu.X86.HasAVX2 && cpu.X86.HasFMA }

func pickKernel32() kernel[float32] {
	if hasAVX2FMA() {
		return kernel[float32]{mr: 6, nr: 16, tile: tileAVX2x32}
	}
	return goKernel32
}

func pickKernel64() kernel[float64] {
	if hasAVX2FMA() {
		return kernel[float64]{mr: 6, nr: 8, tile: tileAVX2x64}
	}
	return goKernel64
}

// sgemm6x16AVX2 is the assembly body of tileAVX2x32 (mr = 6, nr = 16).
//
//go:noescape
func sgemm6x16AVX2(kc int, a, b, c *float32, ldc int, alpha, beta float32)

func tileAVX2x32(kc int, a, b, c []float32, ldc int, alpha, beta float32) {
	_ = a[6*kc-1]
	_ = b[16*kc-1]
	_ = c[5*ldc+15]
	sgemm6x16AVX2(kc, &a[0], &b[0], &c[0], ldc, alpha, beta)
}

// dgemm6x8AVX2 is the assembly body of tileAVX2x64 (mr = 6, nr = 8).
//
//go:noescape
func dgemm6x8AVX2(kc int, a, b, c *float64, ldc int, alpha, beta float64)

func tileAVX2x64(kc int, a, b, c []float64, ldc int, alpha, beta float64) {
	_ = a[6*kc-1]
	_ = b[8*kc-1]
	_ = c[5*ldc+7]
	dgemm6x8AVX2(kc, &a[0], &b[0], &c[0], ldc, alpha, beta)
}
