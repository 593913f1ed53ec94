package train

import (
	"context"
	"fmt"
	"testing"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/internal/cputime"
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
