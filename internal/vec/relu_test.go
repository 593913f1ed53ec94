package vec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mdn-go/mdn/internal/cputime"
)

// specials are the inputs whose handling a mask trick can get wrong.
var specials32 = []float32{0, float32(math.Copysign(0, -1)), 1, -1, 1e-45, -1e-45, math.MaxFloat32,
	float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), -float32(math.NaN())}

// scalar is the definition: g·1 or g·0.
func scalar32(g, o float32) float32 {
	var f float32
	if o > 0 {
		f = 1
	}
	return g * f
}

func same32(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b)
}

// TestReLUGrad32: ReLUGrad32 is the scalar formula bit for bit on every
// tier, special values included, and writes nothing past len(out).
func TestReLUGrad32(t *testing.T) { forTiers(t, allTiers, testReLUGrad32) }

func testReLUGrad32(t *testing.T, tr tier) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 7, 31, 32, 33, 64, 100, 1000} {
		g := make([]float32, n)
		out := make([]float32, n)
		for i := range n {
			g[i] = float32(rng.NormFloat64())
			out[i] = max(float32(rng.NormFloat64()), 0)
			if rng.IntN(4) == 0 {
				out[i] = specials32[rng.IntN(len(specials32))]
			}
			if rng.IntN(4) == 0 {
				g[i] = specials32[rng.IntN(len(specials32))]
			}
		}
		dz := make([]float32, n+1)
		dz[n] = 42
		reluGrad32(tr, dz, g, out)
		for i := range n {
			if want := scalar32(g[i], out[i]); !same32(dz[i], want) {
				t.Fatalf("n=%d: dz[%d] = %v (bits %#x) for g %v, out %v; want %v (bits %#x)", n, i, dz[i],
					math.Float32bits(dz[i]), g[i], out[i], want, math.Float32bits(want))
			}
		}
		if dz[n] != 42 {
			t.Fatalf("n=%d: wrote past len(out)", n)
		}
	}
	// Every pair of specials, through the SIMD path (32 elements) and the Go path.
	for _, o := range specials32 {
		for _, gv := range specials32 {
			for _, n := range []int{1, 32} {
				g, out, dz := make([]float32, n), make([]float32, n), make([]float32, n)
				for i := range n {
					g[i], out[i] = gv, o
				}
				reluGrad32(tr, dz, g, out)
				if want := scalar32(gv, o); !same32(dz[n-1], want) {
					t.Fatalf("n=%d, g %v, out %v: got %v (bits %#x), want %v (bits %#x)", n, gv, o, dz[n-1],
						math.Float32bits(dz[n-1]), want, math.Float32bits(want))
				}
			}
		}
	}
}

func TestReLUGrad64(t *testing.T) {
	sp := []float64{0, math.Copysign(0, -1), 1, -1, 5e-324, -5e-324, math.MaxFloat64, math.Inf(1), math.Inf(-1),
		math.NaN(), -math.NaN()}
	for _, o := range sp {
		for _, gv := range sp {
			dz := []float64{7}
			ReLUGrad64(dz, []float64{gv}, []float64{o})
			var f float64
			if o > 0 {
				f = 1
			}
			want := gv * f
			if math.Float64bits(dz[0]) != math.Float64bits(want) && !(dz[0] != dz[0] && want != want) {
				t.Fatalf("g %v, out %v: got %v, want %v", gv, o, dz[0], want)
			}
		}
	}
}

// BenchmarkReLUGrad32 is one ReLU layer's backward pass of a 256-row shard
// (256×128) and of a 1024-row batch, against the scalar formula.
func BenchmarkReLUGrad32(b *testing.B) {
	for _, n := range []int{256 * 128, 1024 * 128} {
		rng := rand.New(rand.NewPCG(1, 2))
		g, out, dz := make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range n {
			g[i], out[i] = float32(rng.NormFloat64()), max(float32(rng.NormFloat64()), 0)
		}
		b.Run(fmt.Sprintf("vec/%d", n), func(b *testing.B) {
			b.SetBytes(int64(12 * n))
			c0 := cputime.Now()
			for range b.N {
				ReLUGrad32(dz, g, out)
			}
			b.ReportMetric(float64(cputime.Now()-c0)/float64(b.N), "cpu-ns/op")
		})
		b.Run(fmt.Sprintf("go/%d", n), func(b *testing.B) {
			b.SetBytes(int64(12 * n))
			for range b.N {
				reluGradGo(dz, g, out)
			}
		})
		b.Run(fmt.Sprintf("scalar/%d", n), func(b *testing.B) {
			b.SetBytes(int64(12 * n))
			for range b.N {
				for i, o := range out {
					dz[i] = scalar32(g[i], o)
				}
			}
		})
	}
}

// TestReLUGradColSum32: dz is the scalar formula and db the column sums in
// row order, bit for bit, on every tier (AVX-512 blocks of 64 columns, AVX2
// blocks of 32 and 8, Go), for widths around the blocks; and the float64
// version is its formula.
func TestReLUGradColSum32(t *testing.T) { forTiers(t, allTiers, testReLUGradColSum32) }

func testReLUGradColSum32(t *testing.T, tr tier) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, sh := range [][2]int{{1, 1}, {1, 8}, {3, 7}, {5, 16}, {17, 50}, {256, 128}, {4, 130}, {6, 24}, {9, 88}, {3, 95}, {4, 200}, {2, 64}} {
		rows, cols := sh[0], sh[1]
		n := rows * cols
		g, out := make([]float32, n), make([]float32, n)
		for i := range n {
			g[i] = float32(rng.NormFloat64())
			out[i] = max(float32(rng.NormFloat64()), 0)
			if rng.IntN(8) == 0 {
				out[i] = specials32[rng.IntN(len(specials32))]
			}
			if rng.IntN(8) == 0 {
				g[i] = specials32[rng.IntN(len(specials32))]
			}
		}
		dz, db := make([]float32, n), make([]float32, cols+1)
		for i := range db {
			db[i] = 9 // must be overwritten, and db[cols] left alone
		}
		reluGradColSum32(tr, dz, g, out, db, rows, cols)
		want := make([]float32, cols)
		for r := range rows {
			for j := range cols {
				v := scalar32(g[r*cols+j], out[r*cols+j])
				if !same32(dz[r*cols+j], v) {
					t.Fatalf("%dx%d: dz[%d,%d] = %v, want %v", rows, cols, r, j, dz[r*cols+j], v)
				}
				want[j] += v
			}
		}
		for j := range cols {
			if !same32(db[j], want[j]) {
				t.Fatalf("%dx%d: db[%d] = %v (bits %#x), want %v (bits %#x)", rows, cols, j, db[j],
					math.Float32bits(db[j]), want[j], math.Float32bits(want[j]))
			}
		}
		if db[cols] != 9 {
			t.Fatalf("%dx%d: wrote db[cols]", rows, cols)
		}
		dz64, db64 := make([]float64, n), make([]float64, cols)
		g64, out64 := make([]float64, n), make([]float64, n)
		for i := range n {
			g64[i], out64[i] = float64(g[i]), float64(out[i])
		}
		ReLUGradColSum64(dz64, g64, out64, db64, rows, cols)
		for j := range cols {
			var s float64
			for r := range rows {
				var f float64
				if out64[r*cols+j] > 0 {
					f = 1
				}
				s += g64[r*cols+j] * f
			}
			if math.Float64bits(s) != math.Float64bits(db64[j]) && !(s != s && db64[j] != db64[j]) {
				t.Fatalf("%dx%d float64: db[%d] = %v, want %v", rows, cols, j, db64[j], s)
			}
		}
	}
}

// BenchmarkReLUGradColSum32 is the fused backward of a 256×128 ReLU layer
// (dz and the bias gradient) against the two separate passes.
func BenchmarkReLUGradColSum32(b *testing.B) {
	for _, cols := range []int{128, 50} { // the large workload's and ex1d's hidden widths
		b.Run(fmt.Sprintf("256x%d", cols), func(b *testing.B) { benchReLUGradColSum32(b, 256, cols) })
	}
}

func benchReLUGradColSum32(b *testing.B, rows, cols int) {
	n := rows * cols
	rng := rand.New(rand.NewPCG(1, 2))
	g, out, dz, db := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, cols)
	for i := range n {
		g[i], out[i] = float32(rng.NormFloat64()), max(float32(rng.NormFloat64()), 0)
	}
	b.Run("fused", func(b *testing.B) {
		c0 := cputime.Now()
		for range b.N {
			ReLUGradColSum32(dz, g, out, db, rows, cols)
		}
		b.ReportMetric(float64(cputime.Now()-c0)/float64(b.N), "cpu-ns/op")
	})
	b.Run("separate", func(b *testing.B) {
		c0 := cputime.Now()
		for range b.N {
			ReLUGrad32(dz, g, out)
			clear(db)
			for r := range rows {
				for j, v := range dz[r*cols : (r+1)*cols] {
					db[j] += v
				}
			}
		}
		b.ReportMetric(float64(cputime.Now()-c0)/float64(b.N), "cpu-ns/op")
	})
}
