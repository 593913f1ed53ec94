package gemm

import (
	"gonum.org/v1/gonum/blas"
	gonumblas "gonum.org/v1/gonum/blas/gonum"
)

// A product with m = 1 or n = 1 is a matrix-vector product, for which
// tiles waste all but one row or column, so it goes to gonum's Sgemv and
// Dgemv (which, as BLAS, do not read y when beta = 0):
//
//	n = 1: C[:, 0] = alpha·op(A)·op(B)[:, 0] + beta·C[:, 0]
//	m = 1: C[0, :] = alpha·op(B)ᵀ·op(A)[0, :] + beta·C[0, :]

// useGemv reports whether a product goes to gonum's gemv: m = 1 or n = 1
// with k ≥ 1. (Reading the large operand in place through the blocked
// product with a padded tile was measured slower for 1×512·512×50.)
func useGemv(m, n, k int) bool {
	return k > 0 && (m == 1 || n == 1)
}

// gemvArgs describes the matrix-vector form of an m×k·k×n product with
// m = 1 or n = 1: y = alpha·op(M)·x + beta·y where M is rows×cols with row
// stride ldm, x = vec[0], vec[incX], … and y = out[0], out[incY], ….
type gemvArgs struct {
	tM              blas.Transpose
	rows, cols, ldm int
	useA            bool // M is A and the vector is in B, or the other way round
	incX, incY      int
}

func gemvForm(transA, transB bool, m, n, k, lda, ldb, ldc int) gemvArgs {
	if n == 1 {
		g := gemvArgs{useA: true, incX: ldb, incY: ldc}
		if transB {
			g.incX = 1
		}
		g.tM, g.rows, g.cols, g.ldm = blas.NoTrans, m, k, lda
		if transA {
			g.tM, g.rows, g.cols = blas.Trans, k, m
		}
		return g
	}
	g := gemvArgs{incX: 1, incY: 1}
	if transA {
		g.incX = lda
	}
	g.tM, g.rows, g.cols, g.ldm = blas.Trans, k, n, ldb
	if transB {
		g.tM, g.rows, g.cols = blas.NoTrans, n, k
	}
	return g
}

// y returns the part of c that holds y, so that gonum, which may clear its
// whole y slice when beta = 0, cannot touch C's row padding.
func (g gemvArgs) y(m, n int) int {
	if g.useA {
		return (m-1)*g.incY + 1
	}
	return n
}

// sgemv computes a float32 product with m = 1 or n = 1, k ≥ 1, alpha ≠ 0.
func sgemv(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	g := gemvForm(transA, transB, m, n, k, lda, ldb, ldc)
	mat, vec := b, a
	if g.useA {
		mat, vec = a, b
	}
	gonumblas.Implementation{}.Sgemv(g.tM, g.rows, g.cols, alpha, mat, g.ldm, vec, g.incX, beta, c[:g.y(m, n)], g.incY)
}

// dgemv computes a float64 product with m = 1 or n = 1, k ≥ 1, alpha ≠ 0.
func dgemv(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	g := gemvForm(transA, transB, m, n, k, lda, ldb, ldc)
	mat, vec := b, a
	if g.useA {
		mat, vec = a, b
	}
	gonumblas.Implementation{}.Dgemv(g.tM, g.rows, g.cols, alpha, mat, g.ldm, vec, g.incX, beta, c[:g.y(m, n)], g.incY)
}
