package gemm

import "golang.org/x/sys/cpu"

// The kernels this CPU runs best, fastest last; read-only after package
// initialisation. Each call picks one by the padding its shape needs.
var (
	sgemmKernels = pickKernels32()
	dgemmKernels = pickKernels64()
)

// useGonum is set on amd64 CPUs without AVX2 and FMA: there gonum's
// SSE-assembly product (about 8 GFLOP/s at 512×50·50×50 on this kind of
// machine) beats the portable 4×4 Go kernel (about 3.4), which spills
// registers with the sixteen XMM registers of amd64.
var useGonum = !hasAVX2FMA()

func hasAVX2FMA() bool { return cpu.X86.HasAVX2 && cpu.X86.HasFMA }

// hasAVX512 reports AVX-512F with OS support for the ZMM state (x/sys/cpu
// checks XCR0), with AVX2 and FMA for the narrower kernel.
func hasAVX512() bool { return hasAVX2FMA() && cpu.X86.HasAVX512F }

var (
	avx2Kernel32   = kernel[float32]{mr: 6, nr: 16, speed: 4, tile: tileAVX2x32, edge: edgeAVX2x32, transpose: transposeAVX, packRows: packRows16}
	avx2Kernel64   = kernel[float64]{mr: 6, nr: 8, speed: 4, tile: tileAVX2x64, transpose: transposeInto[float64]}
	avx512Kernel32 = kernel[float32]{mr: 12, nr: 16, speed: 6, tile: tileAVX512x32, transpose: transposeAVX}
	avx512Kernel64 = kernel[float64]{mr: 12, nr: 8, speed: 6, tile: tileAVX512x64, transpose: transposeInto[float64]}
	// Two ZMM accumulators a row: fewer loads per FMA, about 1.3× the rate
	// of the 12×16 tile (BenchmarkTile).
	avx512Kernel32w = kernel[float32]{mr: 12, nr: 32, speed: 8, tile: tileAVX512x32w, transpose: transposeAVX, packRows: packRows32}
	avx512Kernel32n = kernel[float32]{mr: 8, nr: 32, speed: 8, tile: tileAVX512x32n, edge: edgeAVX512x32n, transpose: transposeAVX, packRows: packRows32}
)

func pickKernels32() []kernel[float32] {
	switch {
	case hasAVX512():
		return []kernel[float32]{avx2Kernel32, avx512Kernel32, avx512Kernel32n, avx512Kernel32w}
	case hasAVX2FMA():
		return []kernel[float32]{avx2Kernel32}
	}
	return []kernel[float32]{goKernel32}
}

func pickKernels64() []kernel[float64] {
	switch {
	case hasAVX512():
		return []kernel[float64]{avx2Kernel64, avx512Kernel64}
	case hasAVX2FMA():
		return []kernel[float64]{avx2Kernel64}
	}
	return []kernel[float64]{goKernel64}
}

// sgemm6x16AVX2 is the assembly body of tileAVX2x32 (mr = 6, nr = 16).
//
//go:noescape
func sgemm6x16AVX2(kc int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

func tileAVX2x32(kc int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32) {
	_ = a[(kc-1)*lda+5]
	_ = b[(kc-1)*ldb+15]
	_ = c[5*ldc+15]
	sgemm6x16AVX2(kc, &a[0], lda, &b[0], ldb, &c[0], ldc, alpha, beta)
}

// sgemm6x16AVX2Edge is the assembly body of edgeAVX2x32: the 6×16 tile
// read and written through lane masks of the first cols columns, for the
// first rows rows.
//
//go:noescape
func sgemm6x16AVX2Edge(kc int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, rows, cols int)

func edgeAVX2x32(kc int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, rows, cols int) {
	if rows < 1 || rows > 6 || cols < 1 || cols > 16 {
		panic("gemm: edge tile out of range")
	}
	_ = a[(kc-1)*lda+5]
	_ = b[(kc-1)*ldb+15]
	_ = c[(rows-1)*ldc+cols-1]
	sgemm6x16AVX2Edge(kc, &a[0], lda, &b[0], ldb, &c[0], ldc, alpha, beta, rows, cols)
}

// laneMask32 is sixteen all-ones lanes, then sixteen zero lanes: the AVX2
// edge tile and packRows16 load their column masks from it.
var laneMask32 = [32]int32{-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}

// packRows16AVX2 is the assembly body of packRows16.
//
//go:noescape
func packRows16AVX2(dst *float32, src *float32, rs int, kc int, cols int)

// packRows16 is packRows32 for 16-column panels (the AVX2 kernel's),
// through masked YMM loads.
func packRows16(dst []float32, src []float32, rs, kc, cols int) {
	if kc < 1 || cols < 1 || cols > 16 {
		panic("gemm: packRows16 out of range")
	}
	_ = dst[kc*16-1]
	_ = src[(kc-1)*rs+cols-1]
	packRows16AVX2(&dst[0], &src[0], rs, kc, cols)
}

// dgemm6x8AVX2 is the assembly body of tileAVX2x64 (mr = 6, nr = 8).
//
//go:noescape
func dgemm6x8AVX2(kc int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int, alpha, beta float64)

func tileAVX2x64(kc int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int, alpha, beta float64) {
	_ = a[(kc-1)*lda+5]
	_ = b[(kc-1)*ldb+7]
	_ = c[5*ldc+7]
	dgemm6x8AVX2(kc, &a[0], lda, &b[0], ldb, &c[0], ldc, alpha, beta)
}

// sgemm12x16AVX512 is the assembly body of tileAVX512x32 (mr = 12, nr = 16).
//
//go:noescape
func sgemm12x16AVX512(kc int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

func tileAVX512x32(kc int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32) {
	_ = a[(kc-1)*lda+11]
	_ = b[(kc-1)*ldb+15]
	_ = c[11*ldc+15]
	sgemm12x16AVX512(kc, &a[0], lda, &b[0], ldb, &c[0], ldc, alpha, beta)
}

// dgemm12x8AVX512 is the assembly body of tileAVX512x64 (mr = 12, nr = 8).
//
//go:noescape
func dgemm12x8AVX512(kc int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int, alpha, beta float64)

func tileAVX512x64(kc int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int, alpha, beta float64) {
	_ = a[(kc-1)*lda+11]
	_ = b[(kc-1)*ldb+7]
	_ = c[11*ldc+7]
	dgemm12x8AVX512(kc, &a[0], lda, &b[0], ldb, &c[0], ldc, alpha, beta)
}

// sgemm12x32AVX512 is the assembly body of tileAVX512x32w (mr = 12, nr = 32).
//
//go:noescape
func sgemm12x32AVX512(kc int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

func tileAVX512x32w(kc int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32) {
	_ = a[(kc-1)*lda+11]
	_ = b[(kc-1)*ldb+31]
	_ = c[11*ldc+31]
	sgemm12x32AVX512(kc, &a[0], lda, &b[0], ldb, &c[0], ldc, alpha, beta)
}

// sgemm8x32AVX512 is the assembly body of tileAVX512x32n (mr = 8, nr = 32).
//
//go:noescape
func sgemm8x32AVX512(kc int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

func tileAVX512x32n(kc int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32) {
	_ = a[(kc-1)*lda+7]
	_ = b[(kc-1)*ldb+31]
	_ = c[7*ldc+31]
	sgemm8x32AVX512(kc, &a[0], lda, &b[0], ldb, &c[0], ldc, alpha, beta)
}

// sgemm8x32AVX512Edge is the assembly body of edgeAVX512x32n: the 8×32
// tile written through the masks lo (columns 0–15) and hi (16–31) for the
// first rows rows.
//
//go:noescape
func sgemm8x32AVX512Edge(kc int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, rows int, lo, hi uint16)

func edgeAVX512x32n(kc int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, rows, cols int) {
	if rows < 1 || rows > 8 || cols < 1 || cols > 32 {
		panic("gemm: edge tile out of range")
	}
	_ = a[(kc-1)*lda+7]
	_ = b[(kc-1)*ldb+31]
	_ = c[(rows-1)*ldc+cols-1]
	m := uint32(1)<<cols - 1 // cols = 32 wraps to all ones
	sgemm8x32AVX512Edge(kc, &a[0], lda, &b[0], ldb, &c[0], ldc, alpha, beta, rows, uint16(m), uint16(m>>16))
}

// packRows32AVX512 is the assembly body of packRows32: one panel of kc ≥ 1
// rows, the columns masked by lo and hi.
//
//go:noescape
func packRows32AVX512(dst *float32, src *float32, rs int, kc int, lo, hi uint16)

// packRows32 sets dst[p*32+j] = src[p*rs+j] for j < cols ≤ 32, p < kc,
// and 0 for cols ≤ j < 32: a 32-column panel of a block of B whose rows
// are contiguous (packB's copy), two masked ZMM moves a row instead of a
// copy and a clear.
func packRows32(dst []float32, src []float32, rs, kc, cols int) {
	if kc < 1 || cols < 1 || cols > 32 {
		panic("gemm: packRows32 out of range")
	}
	_ = dst[kc*32-1]
	_ = src[(kc-1)*rs+cols-1]
	m := uint32(1)<<cols - 1 // cols = 32 wraps to all ones
	packRows32AVX512(&dst[0], &src[0], rs, kc, uint16(m), uint16(m>>16))
}
