package gemm

// goKernel32 and goKernel64 are the portable micro-kernels, used where no
// assembly kernel fits the CPU.
var (
	goKernel32 = kernel[float32]{mr: 4, nr: 4, speed: 1, tile: tileGo4x4[float32], transpose: transposeInto[float32]}
	goKernel64 = kernel[float64]{mr: 4, nr: 4, speed: 1, tile: tileGo4x4[float64], transpose: transposeInto[float64]}
)

// tileGo4x4 is the pure-Go micro-kernel: a 4×4 tile of C in sixteen local
// accumulators,
//
//	c[i*ldc+j] = alpha·Σ_{p<kc} a[p*lda+i]·b[p*ldb+j] + beta·c[i*ldc+j]
//
// (c not read when beta == 0).
func tileGo4x4[T float](kc int, a []T, lda int, b []T, ldb int, c []T, ldc int, alpha, beta T) {
	var c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33 T
	_ = a[(kc-1)*lda+3]
	_ = b[(kc-1)*ldb+3]
	for p := range kc {
		ap := a[p*lda : p*lda+4 : p*lda+4]
		a0, a1, a2, a3 := ap[0], ap[1], ap[2], ap[3]
		bp := b[p*ldb : p*ldb+4 : p*ldb+4]
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
	}
	storeRow4(c[0*ldc:0*ldc+4], alpha, beta, c00, c01, c02, c03)
	storeRow4(c[1*ldc:1*ldc+4], alpha, beta, c10, c11, c12, c13)
	storeRow4(c[2*ldc:2*ldc+4], alpha, beta, c20, c21, c22, c23)
	storeRow4(c[3*ldc:3*ldc+4], alpha, beta, c30, c31, c32, c33)
}

// storeRow4 sets c[j] = alpha·vj + beta·c[j], not reading c when beta == 0.
func storeRow4[T float](c []T, alpha, beta, v0, v1, v2, v3 T) {
	c = c[:4]
	if beta == 0 {
		c[0], c[1], c[2], c[3] = alpha*v0, alpha*v1, alpha*v2, alpha*v3
		return
	}
	c[0] = alpha*v0 + beta*c[0]
	c[1] = alpha*v1 + beta*c[1]
	c[2] = alpha*v2 + beta*c[2]
	c[3] = alpha*v3 + beta*c[3]
}
