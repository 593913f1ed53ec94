package arch

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestMaxOfIsMathMax: maxOf is the fold of math.Max from −Inf bit for bit
// (any NaN for a NaN), on every row of up to three special values (±0, ±1,
// ±Inf, NaN, subnormals, the largest finite) and on random rows.
func TestMaxOfIsMathMax(t *testing.T) {
	specials := []float64{0, math.Copysign(0, -1), 1, -1, math.Inf(1), math.Inf(-1), math.NaN(), 5e-324, -5e-324, math.MaxFloat64}
	check := func(z []float64) {
		want := math.Inf(-1)
		for _, v := range z {
			want = math.Max(want, v)
		}
		if got := maxOf(z); math.Float64bits(got) != math.Float64bits(want) && !(got != got && want != want) {
			t.Fatalf("maxOf(%v) = %v, want %v", z, got, want)
		}
	}
	check(nil)
	for _, a := range specials {
		check([]float64{a})
		for _, b := range specials {
			check([]float64{a, b})
			for _, c := range specials {
				check([]float64{a, b, c})
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		z := make([]float64, 1+rng.IntN(8))
		for i := range z {
			z[i] = rng.NormFloat64() * 10
		}
		check(z)
	}
}
