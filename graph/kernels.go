package graph

import (
	"math"

	"github.com/mdn-go/mdn/internal/gemm"
)

// float is the element type of a graph: float32 or float64.
type float interface{ ~float32 | ~float64 }

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

// Activate applies act in place to z: the hidden-layer nonlinearity of the
// dense op, for callers that run a trained network without a graph (the
// model package's Predictor), so both use one set of formulas.
func Activate(act Activation, z []float64) { activate(act, z, nil) }

// activate applies act in place to z (rows×cols), keeping a copy of the
// pre-activation in pre when the derivative needs it (SiLU).
func activate[T float](act Activation, z, pre []T) {
	switch act {
	case ReLU:
		for i, v := range z {
			z[i] = max(v, 0)
		}
	case Tanh:
		for i, v := range z {
			z[i] = T(math.Tanh(float64(v)))
		}
	case ELU:
		for i, v := range z {
			if v < 0 {
				z[i] = T(math.Expm1(float64(v)))
			}
		}
	case SiLU:
		copy(pre, z)
		for i, v := range z {
			z[i] = v / (1 + T(math.Exp(-float64(v))))
		}
	}
}

// activationGrad sets dz = g ⊙ act'(z), with act' written in terms of the
// output out = act(z) where possible:
//
//	relu: 1{out > 0}   tanh: 1 − out²   elu: 1 if out > 0 else out + 1
//	silu: s(z)(1 + z(1 − s(z))), s the logistic sigmoid
func activationGrad[T float](act Activation, dz, g, out, pre []T) {
	switch act {
	case Identity:
		copy(dz, g)
	case ReLU:
		// Branch-free: the sign pattern of a ReLU layer is random, so a
		// branch here mispredicts about half the time.
		g = g[:len(out)]
		dz = dz[:len(out)]
		for i, o := range out {
			dz[i] = g[i] * T(b2f(o > 0))
		}
	case Tanh:
		for i, o := range out {
			dz[i] = g[i] * (1 - o*o)
		}
	case ELU:
		for i, o := range out {
			if o > 0 {
				dz[i] = g[i]
			} else {
				dz[i] = g[i] * (o + 1)
			}
		}
	case SiLU:
		for i, z := range pre {
			s := 1 / (1 + T(math.Exp(-float64(z))))
			dz[i] = g[i] * s * (1 + z*(1-s))
		}
	}
}

// b2f is 1 for true and 0 for false; the compiler makes it a SETcc, not a
// branch.
func b2f(b bool) float32 {
	var f float32
	if b {
		f = 1
	}
	return f
}
