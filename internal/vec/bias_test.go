package vec

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/mdn-go/mdn/internal/cputime"
)

// TestBiasAct32: BiasReLU32 and AddBias32 are z + b[j] and Go's max(·, 0)
// of it, bit for bit, on every tier, and write nothing past the matrix.
func TestBiasAct32(t *testing.T) { forTiers(t, allTiers, testBiasAct32) }

func testBiasAct32(t *testing.T, tr tier) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, sh := range [][2]int{{1, 1}, {2, 8}, {3, 7}, {5, 16}, {17, 50}, {256, 128}, {4, 130}} {
		rows, cols := sh[0], sh[1]
		z, b := make([]float32, rows*cols+1), make([]float32, cols)
		for i := range rows * cols {
			z[i] = float32(rng.NormFloat64())
			if rng.IntN(4) == 0 {
				z[i] = specials32[rng.IntN(len(specials32))]
			}
		}
		for j := range b {
			b[j] = float32(rng.NormFloat64())
			if rng.IntN(4) == 0 {
				b[j] = specials32[rng.IntN(len(specials32))]
			}
		}
		z[rows*cols] = 42
		for _, relu := range []bool{false, true} {
			got := append([]float32(nil), z...)
			biasAct32(tr, got, b, rows, cols, relu)
			for r := range rows {
				for j := range cols {
					want := z[r*cols+j] + b[j]
					if relu {
						want = max(want, 0)
					}
					if g := got[r*cols+j]; !same32(g, want) {
						t.Fatalf("%dx%d relu=%v: [%d,%d] = %v (z %v, b %v), want %v", rows, cols, relu, r, j, g,
							z[r*cols+j], b[j], want)
					}
				}
			}
			if got[rows*cols] != 42 {
				t.Fatalf("%dx%d: wrote past the matrix", rows, cols)
			}
		}
	}
}

// BenchmarkBiasReLU32 is the bias and ReLU of a 256×128 layer in one SIMD
// pass, against copying the bias into every row and a scalar max pass
// (what a product with beta = 1 needed before).
func BenchmarkBiasReLU32(b *testing.B) {
	for _, cols := range []int{128, 50} { // the large workload's and ex1d's hidden widths
		b.Run(fmt.Sprintf("256x%d", cols), func(b *testing.B) { benchBiasReLU32(b, 256, cols) })
	}
}

func benchBiasReLU32(b *testing.B, rows, cols int) {
	rng := rand.New(rand.NewPCG(1, 2))
	z, bias := make([]float32, rows*cols), make([]float32, cols)
	for i := range z {
		z[i] = float32(rng.NormFloat64())
	}
	b.Run("vec", func(b *testing.B) {
		c0 := cputime.Now()
		for range b.N {
			BiasReLU32(z, bias, rows, cols)
		}
		b.ReportMetric(float64(cputime.Now()-c0)/float64(b.N), "cpu-ns/op")
	})
	b.Run("copy+max", func(b *testing.B) {
		c0 := cputime.Now()
		for range b.N {
			for r := range rows {
				copy(z[r*cols:(r+1)*cols], bias)
			}
			for i, v := range z {
				z[i] = max(v, 0)
			}
		}
		b.ReportMetric(float64(cputime.Now()-c0)/float64(b.N), "cpu-ns/op")
	})
}
