package train

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/internal/cputime"
	"gorgonia.org/tensor"
)

// BenchmarkRunEx1d is the whole training loop of the original's recipe
// (512 rows, full batch, so two shards of 256 rows; Adam, cosine schedule,
// no validation) for 200 steps with one and two workers: the step loop of
// mdn train on configs/ex_1d_seed.yaml without the reading and writing.
// It reports time and CPU time per step.
func BenchmarkRunEx1d(b *testing.B) {
	d := ex1d(b, 512, 1)
	const steps = 200
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("threads=%d", threads), func(b *testing.B) {
			b.ReportAllocs()
			var cpu int64
			for b.Loop() {
				w := newW(b, ex1dSpec(arch.Float32), 1)
				opt := baseOptions(steps)
				opt.Threads = threads
				c0 := cputime.Now()
				if _, err := Run(context.Background(), w, d, nil, opt); err != nil {
					b.Fatal(err)
				}
				cpu += int64(cputime.Now() - c0)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*steps), "ns/step")
			b.ReportMetric(float64(cpu)/float64(b.N*steps), "cpu-ns/step")
		})
	}
}

// BenchmarkRunLarge is Run on issue 12's throughput workload (bimodal8,
// 8 → 2, K=5, hidden [128, 128], batches of 1024), 50 steps, on one and two
// threads: the whole step loop (batches, shards, combination, Adam), not
// only the graph.
func BenchmarkRunLarge(b *testing.B) {
	d, err := data.Generate("bimodal8", 20000, rand.New(rand.NewPCG(1, 0)))
	if err != nil {
		b.Fatal(err)
	}
	s := arch.Spec{In: 8, Out: 2, K: 5, Hidden: []int{128, 128}, Activation: arch.ReLU, Noise: arch.Diagonal,
		Transform: arch.Exp, Dtype: arch.Float32}
	const steps = 50
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("threads=%d", threads), func(b *testing.B) {
			var cpu int64
			for b.Loop() {
				w := newW(b, s, 1)
				opt := baseOptions(steps)
				opt.Threads, opt.BatchSize = threads, 1024
				c0 := cputime.Now()
				if _, err := Run(context.Background(), w, d, nil, opt); err != nil {
					b.Fatal(err)
				}
				cpu += int64(cputime.Now() - c0)
			}
			b.ReportMetric(float64(steps*1024*b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(cpu)/float64(b.N*steps), "cpu-ns/step")
		})
	}
}

// BenchmarkFill is the copying of one step's rows into the four shards of
// a batch of 1024 (batcher.next and fillRange, as Run does) from random
// rows of a 20,000-row and a 200,000-row bimodal8 set (issue 12's
// workload, whose 200,000 rows of x are 12.8 MB).
func BenchmarkFill(b *testing.B) {
	for _, n := range []int{20000, 200000} {
		d, err := data.Generate("bimodal8", n, rand.New(rand.NewPCG(1, 0)))
		if err != nil {
			b.Fatal(err)
		}
		bt := newBatcher(d, 1024, 0)
		xt := tensor.New(tensor.WithShape(256, d.XDim), tensor.Of(tensor.Float32))
		yt := tensor.New(tensor.WithShape(256, d.YDim), tensor.Of(tensor.Float32))
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			for b.Loop() {
				bt.next()
				for s := range 4 {
					bt.fillRange(xt, yt, s*256, (s+1)*256)
				}
			}
		})
	}
}
