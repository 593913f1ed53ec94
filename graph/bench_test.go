package graph

import (
	"fmt"
	"github.com/mdn-go/mdn/arch"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"

	"github.com/mdn-go/mdn/internal/cputime"
)

// benchSizes are the original's example (512 rows, 1→1, K=3, hidden 50), a
// larger workload (1024 rows, 8→2, K=5, hidden 128), a step of the default
// recipe on quakes (256 rows, 3→1, K=5, hidden 64: issue 19's table), and a
// graph of the same ops with almost no arithmetic (8 rows, 1→1, K=1,
// hidden 1): its time is the fixed cost of a step, the most that running
// several networks' steps as one could save per network.
var benchSizes = []struct {
	name           string
	batch, in, out int
	k, hidden      int
}{
	{"ex1d-512x1x1-K3-H50", 512, 1, 1, 3, 50},
	{"large-1024x8x2-K5-H128", 1024, 8, 2, 5, 128},
	{"quakes-256x3x1-K5-H64", 256, 3, 1, 5, 64},
	{"tiny-8x1x1-K1-H1", 8, 1, 1, 1, 1},
}

func benchStep(b *testing.B, composed bool, dt arch.DType) {
	benchRun(b, composed, dt, true, false, false)
}

func benchRun(b *testing.B, composed bool, dt arch.DType, grad, machine, skip bool) {
	for _, bs := range benchSizes {
		b.Run(fmt.Sprintf("%s/%v", bs.name, dt), func(b *testing.B) {
			s := arch.Spec{In: bs.in, Out: bs.out, K: bs.k, Hidden: []int{bs.hidden, bs.hidden}, Activation: arch.ReLU,
				Noise: arch.Diagonal, Transform: arch.Exp, SigmaMin: 1e-3, Dtype: dt, Skip: skip}
			rng := rand.New(rand.NewPCG(1, 2))
			w, err := NewWeights(s, rng)
			if err != nil {
				b.Fatal(err)
			}
			g := G.NewGraph()
			var m *MDN
			if composed {
				m, err = BuildComposed(g, w, bs.batch, grad)
			} else {
				m, err = Build(g, w, bs.batch, grad)
			}
			if err != nil {
				b.Fatal(err)
			}
			setAll(m.XT, func(int) float64 { return rng.NormFloat64() })
			setAll(m.YT, func(int) float64 { return rng.NormFloat64() })
			var vm G.VM = G.NewTapeMachine(g)
			if machine {
				if vm, err = NewMachine(g); err != nil {
					b.Fatal(err)
				}
			}
			defer vm.Close()
			b.ReportAllocs()
			b.ResetTimer()
			c0 := cputime.Now()
			for range b.N {
				vm.Reset()
				if err := vm.RunAll(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cputime.Now()-c0)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(bs.batch)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkStep is one forward and backward pass of the fused graph.
func BenchmarkStep(b *testing.B) {
	benchStep(b, false, arch.Float32)
	benchStep(b, false, arch.Float64)
}

// BenchmarkStepMachine is BenchmarkStep run by Machine instead of
// Gorgonia's TapeMachine (what train uses).
func BenchmarkStepMachine(b *testing.B) {
	benchRun(b, false, arch.Float32, true, true, false)
	benchRun(b, false, arch.Float64, true, true, false)
}

// BenchmarkStepMachineSkip is BenchmarkStepMachine with the skip path of
// model.skip (float32).
func BenchmarkStepMachineSkip(b *testing.B) { benchRun(b, false, arch.Float32, true, true, true) }

// BenchmarkStepComposed is the same with the composed (stock-op) graph.
func BenchmarkStepComposed(b *testing.B) { benchStep(b, true, arch.Float32) }

// BenchmarkLoss is the forward pass alone (trunks and mixture NLL), fused
// and composed.
func BenchmarkLoss(b *testing.B) {
	b.Run("fused", func(b *testing.B) { benchRun(b, false, arch.Float32, false, false, false) })
	b.Run("composed", func(b *testing.B) { benchRun(b, true, arch.Float32, false, false, false) })
}

// BenchmarkNLL is the fused mixture NLL with its gradients alone (nllRows)
// on the benchmark sizes' trunk outputs, for the diagonal noise model with
// σ = exp(r) (the original's) and with σ = σ_min + exp(r), batched
// (diagNLL, what the graph runs) and row by row (rowNLL.eval, what it ran
// before and still runs for the other noise models).
func BenchmarkNLL(b *testing.B) {
	for _, bs := range benchSizes {
		for _, c := range []struct {
			smin    float64
			batched bool
		}{{0, true}, {0, false}, {1e-3, true}, {1e-3, false}} {
			name := "batched"
			if !c.batched {
				name = "rows"
			}
			smin := c.smin
			b.Run(fmt.Sprintf("%s/sigma_min=%g/%s", bs.name, smin, name), func(b *testing.B) {
				s := arch.Spec{In: bs.in, Out: bs.out, K: bs.k, Hidden: []int{bs.hidden}, Activation: arch.ReLU,
					Noise: arch.Diagonal, Transform: arch.Exp, SigmaMin: smin, Dtype: arch.Float32}
				rng := rand.New(rand.NewPCG(3, 4))
				fill := func(n int) []float32 {
					x := make([]float32, n)
					for i := range x {
						x[i] = float32(rng.NormFloat64())
					}
					return x
				}
				B := bs.batch
				logits, p, y := fill(B*s.K), fill(B*s.NormalChannels()), fill(B*s.Out)
				o := newNLLOp(s, true)
				o.scratch(B, c.batched)
				b.ReportAllocs()
				c0 := cputime.Now()
				for b.Loop() {
					nllRows(o, logits, p, y, B)
				}
				b.ReportMetric(float64(cputime.Now()-c0)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}
