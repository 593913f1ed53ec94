package vec

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAddReLU64: both paths (AVX2 when the CPU has it, and Go) give Go's
// max(z + b, 0) bit for bit, for every length up to 37 (the assembly loop
// and the tail), with ±0, NaN, ±Inf and values whose sum with b is −0.
func TestAddReLU64(t *testing.T) {
	avx := addReLUAsm
	defer func() { addReLUAsm = avx }()
	for _, path := range []struct {
		name string
		on   bool
	}{{"Go", false}, {"AVX2", true}} {
		t.Run(path.name, func(t *testing.T) {
			if path.on && !avx {
				t.Skip("no AVX2 on this CPU (or GODEBUG turned it off)")
			}
			addReLUAsm = path.on
			rng := rand.New(rand.NewPCG(1, 1))
			special := []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), -0.25, 0.25, 1e-310, -1e-310}
			for n := 0; n <= 37; n++ {
				for _, b := range []float64{0, 0.25, -0.75, math.Copysign(0, -1)} {
					z := make([]float64, n)
					for i := range z {
						if rng.IntN(3) == 0 {
							z[i] = special[rng.IntN(len(special))]
						} else {
							z[i] = rng.NormFloat64()
						}
					}
					want := make([]float64, n)
					for i, v := range z {
						want[i] = max(v+b, 0)
					}
					AddReLU64(z, b)
					for i := range z {
						if math.Float64bits(z[i]) != math.Float64bits(want[i]) && !(math.IsNaN(z[i]) && math.IsNaN(want[i])) {
							t.Fatalf("n %d, b %v, i %d: got %v, want %v", n, b, i, z[i], want[i])
						}
					}
				}
			}
		})
	}
}

// BenchmarkAddReLU64 is one channel of a 256-row pass.
func BenchmarkAddReLU64(b *testing.B) {
	rng := rand.New(rand.NewPCG(2, 2))
	z := make([]float64, 256)
	for i := range z {
		z[i] = rng.NormFloat64()
	}
	for b.Loop() {
		AddReLU64(z, 1e-9)
	}
}
