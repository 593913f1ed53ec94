package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// kernels32 and kernels64 list every kernel this CPU can run.
func kernels32() []kernel[float32] {
	ks := []kernel[float32]{goKernel32}
	if hasAVX2FMA() {
		ks = append(ks, avx2Kernel32)
	}
	if hasAVX512() {
		ks = append(ks, avx512Kernel32, avx512Kernel32n, avx512Kernel32w)
	}
	return ks
}

func kernels64() []kernel[float64] {
	ks := []kernel[float64]{goKernel64}
	if hasAVX2FMA() {
		ks = append(ks, avx2Kernel64)
	}
	if hasAVX512() {
		ks = append(ks, avx512Kernel64)
	}
	return ks
}

// TestEdgeTile checks the masked edge tiles against their kernel's full
// tile: for every row and column count, the elements inside are bit for
// bit the full tile's (the same sums, the same alpha and beta arithmetic),
// and every element outside, including C's row padding, is untouched. With
// beta = 0 a NaN in C must not survive.
func TestEdgeTile(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, kern := range kernels32() {
		if kern.edge == nil {
			continue
		}
		mr, nr := kern.mr, kern.nr
		for _, kc := range []int{1, 3, 50} {
			a, b := make([]float32, kc*mr), make([]float32, kc*nr)
			for i := range a {
				a[i] = 2*rng.Float32() - 1
			}
			for i := range b {
				b[i] = 2*rng.Float32() - 1
			}
			ldc := nr + 3
			c0 := make([]float32, mr*ldc)
			for i := range c0 {
				c0[i] = 2*rng.Float32() - 1
			}
			for _, ab := range [][2]float32{{1, 0}, {1, 1}, {-0.5, 2}} {
				alpha, beta := ab[0], ab[1]
				full := append([]float32(nil), c0...)
				kern.tile(kc, a, mr, b, nr, full, ldc, alpha, beta)
				for rows := 1; rows <= mr; rows++ {
					for cols := 1; cols <= nr; cols++ {
						got := append([]float32(nil), c0...)
						if beta == 0 {
							got[0] = float32(math.NaN())
						}
						kern.edge(kc, a, mr, b, nr, got[:(rows-1)*ldc+cols], ldc, alpha, beta, rows, cols)
						for i := range mr {
							for j := range ldc {
								g, want := got[i*ldc+j], c0[i*ldc+j]
								if i < rows && j < cols {
									want = full[i*ldc+j]
								}
								if math.Float32bits(g) != math.Float32bits(want) {
									t.Fatalf("%dx%d kc=%d alpha=%v beta=%v rows=%d cols=%d: C[%d,%d] = %v, want %v", mr, nr, kc, alpha, beta, rows, cols, i, j, g, want)
								}
							}
						}
					}
				}
			}
		}
	}
}
