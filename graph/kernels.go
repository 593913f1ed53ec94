package graph

import (
	"github.com/mdn-go/mdn/internal/gemm"
)

// float is the element type of a graph: float32 or float64.
type float interface{ float32 | float64 }

// matmul computes C = alpha·op(A)·op(B) + beta·C for row-major matrices,
// with op(A) m×k and op(B) k×n, through internal/gemm's SIMD kernels.
func matmul[T float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	switch a := any(a).(type) {
	case []float32:
		gemm.Sgemm(transA, transB, m, n, k, float32(alpha), a, lda, any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc)
	case []float64:
		gemm.Dgemm(transA, transB, m, n, k, float64(alpha), a, lda, any(b).([]float64), ldb, float64(beta), any(c).([]float64), ldc)
	}
}
