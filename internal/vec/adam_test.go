package vec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mdn-go/mdn/internal/cputime"
)

func adamTestConsts(t int, lr, wd, gscale float64) *AdamConsts {
	const beta1, beta2 = 0.9, 0.999
	bc1 := 1 - math.Pow(beta1, float64(t))
	bc2 := 1 - math.Pow(beta2, float64(t))
	return &AdamConsts{GScale: gscale, Beta1: beta1, OmB1: 1 - beta1, Beta2: beta2, OmB2: 1 - beta2,
		Decay: 1 - lr*wd, SqrtBC2: math.Sqrt(bc2), StepSize: lr / bc1, Eps: 1e-8}
}

// TestAdam32: the AVX-512 and AVX2 tiers of Adam32 (SIMD blocks and the Go
// tail) and adamGo (the Go tier, checked against the formula by
// TestAdam32Formula) give the same parameters and moments bit for bit,
// over 50 steps of every length up to 40, with gradients that include ±0,
// ±Inf, NaN, subnormals and huge values, and with moments that start at
// zero.
func TestAdam32(t *testing.T) { forTiers(t, simdTiers, testAdam32) }

func testAdam32(t *testing.T, tr tier) {
	rng := rand.New(rand.NewPCG(7, 8))
	special := []float32{0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 1e-45, -1e-40, 3e38}
	for n := 0; n <= 40; n++ {
		p1, g := make([]float32, n), make([]float32, n)
		m1, v1 := make([]float64, n), make([]float64, n)
		for i := range p1 {
			p1[i] = float32(rng.NormFloat64())
		}
		p2, m2, v2 := append([]float32(nil), p1...), append([]float64(nil), m1...), append([]float64(nil), v1...)
		for step := 1; step <= 50; step++ {
			for i := range g {
				g[i] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(7)-3)))
				if rng.IntN(20) == 0 {
					g[i] = special[rng.IntN(len(special))]
				}
			}
			c := adamTestConsts(step, 0.005, []float64{0, 0.01}[step%2], []float64{1, 0.3}[step%3/2])
			adam32(tr, p1, g, m1, v1, c)
			adamGo(p2, g, m2, v2, c)
			for i := range p1 {
				if math.Float32bits(p1[i]) != math.Float32bits(p2[i]) && !(p1[i] != p1[i] && p2[i] != p2[i]) {
					t.Fatalf("n=%d step %d: p[%d] = %v, want %v (Go)", n, step, i, p1[i], p2[i])
				}
				for _, mv := range [][2]float64{{m1[i], m2[i]}, {v1[i], v2[i]}} {
					if math.Float64bits(mv[0]) != math.Float64bits(mv[1]) && !(mv[0] != mv[0] && mv[1] != mv[1]) {
						t.Fatalf("n=%d step %d: moment %d = %v, want %v (Go)", n, step, i, mv[0], mv[1])
					}
				}
			}
			// Reset lanes that went non-finite so later steps test finite values.
			for i := range p1 {
				if math.IsNaN(float64(p1[i])) || math.IsInf(float64(p1[i]), 0) || math.IsNaN(m1[i]) || math.IsInf(v1[i], 0) || math.IsNaN(v1[i]) {
					p1[i], p2[i], m1[i], m2[i], v1[i], v2[i] = 0.5, 0.5, 0, 0, 0, 0
				}
			}
		}
	}
}

// TestAdam32Formula: adamGo is the update written plainly (train's formula
// before Adam32), bit for bit, on finite values.
func TestAdam32Formula(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const beta1, beta2, eps = 0.9, 0.999, 1e-8
	for trial := range 2000 {
		step := 1 + trial%500
		lr, wd, gs := 0.005*rng.Float64(), 0.01*rng.Float64(), 0.5+rng.Float64()
		c := adamTestConsts(step, lr, wd, gs)
		p, g := []float32{float32(rng.NormFloat64())}, []float32{float32(rng.NormFloat64())}
		m, v := []float64{rng.NormFloat64() * 0.1}, []float64{rng.Float64() * 0.01}
		// The formula as train/adam.go wrote it, each product rounded
		// before its sum (float64(·) forbids the fused multiply-add that
		// the Go compiler forms on arm64, as the spec allows).
		bc1 := 1 - math.Pow(beta1, float64(step))
		bc2 := 1 - math.Pow(beta2, float64(step))
		decay, sbc2, stepSize := 1-lr*wd, math.Sqrt(bc2), lr/bc1
		gj := float64(g[0]) * gs
		wm := float64(beta1*m[0]) + float64((1-beta1)*gj)
		wv := float64(beta2*v[0]) + float64((1-beta2)*gj*gj)
		wp := float32(float64(float64(p[0])*decay) - float64(stepSize*wm)/(math.Sqrt(wv)/sbc2+eps))
		adamGo(p, g, m, v, c)
		if math.Float32bits(p[0]) != math.Float32bits(wp) || m[0] != wm || v[0] != wv {
			t.Fatalf("trial %d: got p %v m %v v %v, want %v %v %v", trial, p[0], m[0], v[0], wp, wm, wv)
		}
	}
}

// BenchmarkAdam32 is one update of ex1d's 5,809 parameters and of the large
// workload's 36,393 (two trunks of 8→128→128→5 and →20, and their biases).
func BenchmarkAdam32(b *testing.B) {
	for _, n := range []int{5809, 36393} {
		p, g := make([]float32, n), make([]float32, n)
		m, v := make([]float64, n), make([]float64, n)
		for i := range g {
			p[i], g[i] = 0.1, float32(i%7)-3
		}
		c := adamTestConsts(10, 0.005, 0, 1)
		for _, impl := range []struct {
			name string
			f    func([]float32, []float32, []float64, []float64, *AdamConsts)
		}{{"Adam32", Adam32}, {"go", adamGo}} {
			b.Run(fmt.Sprintf("n=%d/%s", n, impl.name), func(b *testing.B) {
				c0 := cputime.Now()
				for b.Loop() {
					impl.f(p, g, m, v, c)
				}
				b.ReportMetric(float64(cputime.Now()-c0)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}
