package gemm

import (
	"fmt"
	"testing"

	"github.com/mdn-go/mdn/internal/cputime"
)

// BenchmarkTile measures the micro-kernels alone on L1-resident packed
// panels (kc = 128): their share of peak, without packing or edges.
func BenchmarkTile(b *testing.B) {
	for _, k := range sgemmKernels {
		kc := 128
		a, bb, c := make([]float32, kc*k.mr), make([]float32, kc*k.nr), make([]float32, k.mr*k.nr)
		for i := range a {
			a[i] = 1
		}
		for i := range bb {
			bb[i] = 1
		}
		flops := 2 * float64(k.mr*k.nr*kc)
		b.Run(fmt.Sprintf("%dx%d", k.mr, k.nr), func(b *testing.B) {
			c0 := cputime.Now()
			for b.Loop() {
				k.tile(kc, a, k.mr, bb, k.nr, c, k.nr, 1, 0)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			if d := cputime.Now() - c0; d > 0 {
				b.ReportMetric(flops*float64(b.N)/d.Seconds()/1e9, "cpu-GFLOP/s")
			}
		})
	}
}

// BenchmarkEdge measures the masked edge tiles on the partial tile of a
// 50-column product (18 of 32 columns, all rows), kc = 50: compare with
// BenchmarkTile's full tile, which computes as much.
func BenchmarkEdge(b *testing.B) {
	for _, k := range sgemmKernels {
		if k.edge == nil {
			continue
		}
		kc, cols := 50, 50%k.nr
		a, bb, c := make([]float32, kc*k.mr), make([]float32, kc*k.nr), make([]float32, k.mr*k.nr)
		b.Run(fmt.Sprintf("%dx%d/cols=%d", k.mr, k.nr, cols), func(b *testing.B) {
			for b.Loop() {
				k.edge(kc, a, k.mr, bb, k.nr, c, k.nr, 1, 0, k.mr, cols)
			}
		})
	}
}

// BenchmarkTranspose is the packing transpose of every float32 kernel on a
// row-major 256×50 and 256×128 A (a shard's activations) into panels of
// its mr rows, as packA does for a forward product.
func BenchmarkTranspose(b *testing.B) {
	for _, k := range sgemmKernels {
		for _, kc := range []int{50, 128} {
			rows := 256 / k.mr * k.mr
			src, dst := make([]float32, rows*kc), make([]float32, rows*kc)
			b.Run(fmt.Sprintf("%dx%d/kc=%d", k.mr, k.nr, kc), func(b *testing.B) {
				c0 := cputime.Now()
				for b.Loop() {
					for i0 := 0; i0 < rows; i0 += k.mr {
						k.transpose(dst[i0*kc:], k.mr, src[i0*kc:], kc, k.mr, kc)
					}
				}
				b.ReportMetric(float64(cputime.Now()-c0)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}
