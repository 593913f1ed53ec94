package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// kernelTiers are the kernels of each tier, highest first. Without AVX2
// and FMA, Sgemm and Dgemm go to gonum; the Go tier's kernels are those of
// other architectures, tested here too.
func kernelTiers() []kernelTier {
	return []kernelTier{
		{"AVX-512", hasAVX512(), []kernel[float32]{avx512Kernel32, avx512Kernel32n, avx512Kernel32w}, []kernel[float64]{avx512Kernel64}},
		{"AVX2", hasAVX2FMA(), []kernel[float32]{avx2Kernel32}, []kernel[float64]{avx2Kernel64}},
		{"Go", true, []kernel[float32]{goKernel32}, []kernel[float64]{goKernel64}},
	}
}

// TestEdgeTile checks the masked edge tiles against their kernel's full
// tile: for every row and column count, the elements inside are bit for
// bit the full tile's (the same sums, the same alpha and beta arithmetic),
// and every element outside, including C's row padding, is untouched. With
// beta = 0 a NaN in C must not survive. Each tier with edge tiles
// (AVX-512, AVX2) runs where the CPU has it.
func TestEdgeTile(t *testing.T) { forKernelTiers(t, testEdgeTile) }

func testEdgeTile(t *testing.T, kt kernelTier) {
	rng := rand.New(rand.NewPCG(5, 6))
	tested := false
	for _, kern := range kt.k32 {
		if kern.edge == nil {
			continue
		}
		tested = true
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
	if !tested {
		t.Skipf("the %s kernels have no edge tile", kt.name)
	}
}

// TestPackRows: packRows32 (AVX-512) and packRows16 (AVX2) write the panel
// packB's copy and clear write, bit for bit (NaNs and −0 included), for
// every column count up to the panel's width, several row counts and
// strides, and read nothing past the block (the source ends at its last
// element).
func TestPackRows(t *testing.T) {
	for _, c := range []struct {
		name string
		have bool
		nr   int
		pack func(dst, src []float32, rs, kc, cols int)
	}{{"AVX-512", hasAVX512(), 32, packRows32}, {"AVX2", hasAVX2FMA(), 16, packRows16}} {
		t.Run(c.name, func(t *testing.T) {
			if !c.have {
				t.Skipf("no %s on this CPU (or GODEBUG turned it off)", c.name)
			}
			testPackRows(t, c.nr, c.pack)
		})
	}
}

func testPackRows(t *testing.T, nr int, packRows func(dst, src []float32, rs, kc, cols int)) {
	rng := rand.New(rand.NewPCG(17, 18))
	specials := []float32{float32(math.NaN()), float32(math.Copysign(0, -1)), float32(math.Inf(1)), 1e-45}
	for cols := 1; cols <= nr; cols++ {
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
				got, want := make([]float32, kc*nr), make([]float32, kc*nr)
				for i := range got {
					got[i], want[i] = 7, 7
				}
				packRows(got, src, rs, kc, cols)
				for p := range kc {
					copy(want[p*nr:p*nr+cols], src[p*rs:p*rs+cols])
					clear(want[p*nr+cols : p*nr+nr])
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
