package gemm

// useGonum is false: gonum has no assembly here.
const useGonum = false

// The kernels of arm64: the NEON 8×8 float32 tile (Advanced SIMD is part
// of every ARMv8-A CPU), the portable 4×4 tile where it pads a product
// much less, and the portable float64 kernel.
var (
	sgemmKernels = []kernel[float32]{goKernel32, neonKernel32}
	dgemmKernels = []kernel[float64]{goKernel64}
)

// neonKernel32 is the 8×8 float32 tile in sixteen 4-lane accumulators.
// Its speed relative to the Go 4×4 tile is the ratio of multiply-adds a
// cycle that docs/benchmarks.md derives from the instruction counts (it
// cannot be timed here).
var neonKernel32 = kernel[float32]{mr: 8, nr: 8, speed: 4, tile: tileNEON8x8, transpose: transposeInto[float32]}

// sgemm8x8NEON is the assembly body of tileNEON8x8 (mr = nr = 8).
//
//go:noescape
func sgemm8x8NEON(kc int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

func tileNEON8x8(kc int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32) {
	_ = a[(kc-1)*lda+7]
	_ = b[(kc-1)*ldb+7]
	_ = c[7*ldc+7]
	sgemm8x8NEON(kc, &a[0], lda, &b[0], ldb, &c[0], ldc, alpha, beta)
}
