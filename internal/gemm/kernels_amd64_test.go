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

// TestPackRows32: packRows32 writes the panel packB's copy and clear write,
// bit for bit (NaNs and −0 included), for every column count up to 32,
// several row counts and strides, and reads nothing past the block (the
// source ends at its last element).
func TestPackRows32(t *testing.T) {
	if !hasAVX512() {
		t.Skip("no AVX-512 on this CPU") // packRows32 is only set on the AVX-512 kernels
	}
	rng := rand.New(rand.NewPCG(17, 18))
	specials := []float32{float32(math.NaN()), float32(math.Copysign(0, -1)), float32(math.Inf(1)), 1e-45}
	for cols := 1; cols <= 32; cols++ {
		for _, kc := range []int{1, 2, 7, 50, 256} {
			for _, rs := range []int{cols, cols + 3, 128} {
				n := (kc-1)*rs + cols
				src := make([]float32, n)
				for i := range src {
					src[i] = float32(rng.NormFloat64())
					if rng.IntN(10) == 0 {
						src[i] = specials[rng.IntN(len(specials))]
					}
				}
				got, want := make([]float32, kc*32), make([]float32, kc*32)
				for i := range got {
					got[i], want[i] = 7, 7
				}
				packRows32(got, src, rs, kc, cols)
				for p := range kc {
					copy(want[p*32:p*32+cols], src[p*rs:p*rs+cols])
					clear(want[p*32+cols : p*32+32])
				}
				for i := range want {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
						t.Fatalf("cols %d, kc %d, rs %d: [%d] = %v, want %v", cols, kc, rs, i, got[i], want[i])
					}
				}
			}
		}
	}
}
