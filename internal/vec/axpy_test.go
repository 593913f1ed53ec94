package vec

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/mdn-go/mdn/internal/cputime"
)

// TestAxpy32: Scale32 and AddScaled32 give f·src[i] and dst[i] + f·src[i],
// the product rounded before the sum, bit for bit (NaN for NaN), for every
// length up to 150, with special values in src, dst and f, and write
// nothing past len(src), on every tier (AVX-512 blocks of 64 and 16, AVX2
// blocks of 32 and 8, and the Go tail).
func TestAxpy32(t *testing.T) { forTiers(t, allTiers, testAxpy32) }

func testAxpy32(t *testing.T, tr tier) {
	rng := rand.New(rand.NewPCG(13, 14))
	for n := 0; n <= 150; n++ {
		for _, f := range []float32{0.25, 1.0 / 3, -7, specials32[rng.IntN(len(specials32))]} {
			src, dst := make([]float32, n), make([]float32, n+1)
			for i := range src {
				src[i], dst[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
				if rng.IntN(8) == 0 {
					src[i] = specials32[rng.IntN(len(specials32))]
				}
				if rng.IntN(8) == 0 {
					dst[i] = specials32[rng.IntN(len(specials32))]
				}
			}
			dst[n] = 42
			for _, add := range []bool{false, true} {
				got := append([]float32(nil), dst...)
				axpy32(tr, got, src, f, add)
				for i, v := range src {
					p := f * v
					want := p
					if add {
						want = dst[i] + float32(p) // the conversion forbids fusing
					}
					if !same32(got[i], want) {
						t.Fatalf("n=%d f=%v add=%v: [%d] = %v (src %v, dst %v), want %v", n, f, add, i, got[i], v, dst[i], want)
					}
				}
				if got[n] != 42 {
					t.Fatalf("n=%d: wrote past len(src)", n)
				}
			}
		}
	}
}

// BenchmarkAxpy32 is AddScaled32 (at the CPU's tier), its AVX2 tier and
// its Go loop on the large workload's 36,393 parameters: one shard's share
// of the combined gradient.
func BenchmarkAxpy32(b *testing.B) {
	const n = 36393
	src, dst := make([]float32, n), make([]float32, n)
	for i := range src {
		src[i] = float32(i%13) - 6
	}
	for _, impl := range []struct {
		name string
		need tier
		f    func(dst, src []float32, f float32)
	}{{"AddScaled32", tierGo, AddScaled32}, {"go", tierGo, func(d, s []float32, f float32) { axpy32Go(d, s, f, true) }},
		{"AVX2", tierAVX2, func(d, s []float32, f float32) { axpy32(tierAVX2, d, s, f, true) }}} {
		b.Run(fmt.Sprintf("n=%d/%s", n, impl.name), func(b *testing.B) {
			if impl.need > cpuTier {
				b.Skipf("no %v on this CPU (or GODEBUG turned it off)", impl.need)
			}
			c0 := cputime.Now()
			for b.Loop() {
				impl.f(dst, src, 0.25)
			}
			b.ReportMetric(float64(cputime.Now()-c0)/float64(b.N), "cpu-ns/op")
		})
	}
}
