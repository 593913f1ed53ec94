package vec

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mdn-go/mdn/internal/cputime"
)

// sumSquaresRef is SumSquares32's documented order written plainly.
func sumSquaresRef(x []float32) float64 {
	n32 := len(x) &^ 31
	var part [32]float64
	for i, v := range x[:n32] {
		part[i%32] += float64(v) * float64(v)
	}
	var s float64
	for _, v := range part {
		s += v
	}
	for _, v := range x[n32:] {
		s += float64(v) * float64(v)
	}
	return s
}

// TestSumSquares32: SumSquares32 on every tier (AVX-512, AVX2, Go) is the
// documented order (sumSquaresRef) bit for bit, for every length up to
// 300, values of every magnitude and the special values (an Inf or NaN
// makes the sum Inf or NaN); and within 1e-15 of Σx² in order.
func TestSumSquares32(t *testing.T) { forTiers(t, allTiers, testSumSquares32) }

func testSumSquares32(t *testing.T, tr tier) {
	rng := rand.New(rand.NewPCG(15, 16))
	for n := 0; n <= 300; n++ {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(9)-4)))
		}
		var plain float64
		for _, v := range x {
			plain += float64(v) * float64(v)
		}
		want := sumSquaresRef(x)
		got := sumSquares32(tr, x)
		if math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("n=%d: SumSquares32 = %v, want %v (reference order)", n, got, want)
		}
		if math.Abs(got-plain) > 1e-15*n32f(n)*plain {
			t.Fatalf("n=%d: SumSquares32 = %v, Σ in order %v", n, got, plain)
		}
		if n > 0 {
			for _, v := range []float32{float32(math.Inf(-1)), float32(math.NaN()), 3e38} {
				y := append([]float32(nil), x...)
				y[rng.IntN(n)] = v
				g := sumSquares32(tr, y)
				switch {
				case math.IsInf(float64(v), 0) && !math.IsInf(g, 1),
					v != v && g == g,
					v == 3e38 && (g < 8.99e76 || math.IsInf(g, 0)):
					t.Fatalf("n=%d with %v: got %v", n, v, g)
				}
			}
		}
	}
}

func n32f(n int) float64 { return float64(max(n, 1)) }

// BenchmarkSumSquares32 is SumSquares32 and the plain loop on the large
// workload's 36,393 gradients (train's global gradient norm).
func BenchmarkSumSquares32(b *testing.B) {
	const n = 36393
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(i%17) - 8
	}
	var sink float64
	for _, impl := range []struct {
		name string
		f    func([]float32) float64
	}{{"SumSquares32", SumSquares32}, {"plain", func(x []float32) float64 {
		var s float64
		for _, v := range x {
			s += float64(v) * float64(v)
		}
		return s
	}}} {
		b.Run(impl.name, func(b *testing.B) {
			c0 := cputime.Now()
			for b.Loop() {
				sink += impl.f(x)
			}
			b.ReportMetric(float64(cputime.Now()-c0)/float64(b.N), "cpu-ns/op")
		})
	}
	_ = sink
}
