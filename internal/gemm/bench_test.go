package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	gonumblas "gonum.org/v1/gonum/blas/gonum"

	"github.com/mdn-go/mdn/internal/cputime"
)

// benchCase is one product of the MDN trainer: a forward layer
// (rows×in·in×out, "AB"), its weight gradient Xᵀ·dY (in×rows·rows×out,
// "AtB") or its input gradient dY·Wᵀ (rows×out·out×in, "ABt").
type benchCase struct {
	name   string
	tA, tB bool
	s      shape
}

func benchCases() []benchCase {
	layers := []shape{ // rows × in × out
		{512, 1, 50}, {512, 50, 50}, {512, 50, 3}, {512, 50, 6},
		{1024, 8, 128}, {1024, 128, 128}, {1024, 128, 10}, {1024, 128, 15},
		// ex1d's data-parallel shards (train: 256 rows a shard)
		{256, 1, 50}, {256, 50, 50}, {256, 50, 3}, {256, 50, 6},
	}
	var cs []benchCase
	for _, l := range layers {
		cs = append(cs, benchCase{l.String(), false, false, l})
	}
	for _, l := range layers {
		s := shape{l.k, l.m, l.n}
		cs = append(cs, benchCase{"AtB/" + s.String(), true, false, s})
	}
	for _, l := range layers {
		s := shape{l.m, l.n, l.k}
		cs = append(cs, benchCase{"ABt/" + s.String(), false, true, s})
	}
	return cs
}

// operands32 returns random A, B and C for a case with tight strides.
func operands32(rng *rand.Rand, c benchCase) (a []float32, lda int, b []float32, ldb int, cc []float32) {
	s := c.s
	lda, ldb = s.k, s.n
	if c.tA {
		lda = s.m
	}
	if c.tB {
		ldb = s.k
	}
	a, b, cc = make([]float32, s.m*s.k), make([]float32, s.k*s.n), make([]float32, s.m*s.n)
	for _, x := range [][]float32{a, b} {
		for i := range x {
			x[i] = rng.Float32()
		}
	}
	return a, lda, b, ldb, cc
}

// BenchmarkSgemm compares Sgemm with gonum's Sgemm on the MDN's shapes,
// reporting GFLOP/s as 2·m·n·k per product.
func BenchmarkSgemm(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, bc := range benchCases() {
		a, lda, bb, ldb, c := operands32(rng, bc)
		s := bc.s
		flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
		b.Run("ours/"+bc.name, func(b *testing.B) {
			c0 := cputime.Now()
			for b.Loop() {
				Sgemm(bc.tA, bc.tB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			if d := cputime.Now() - c0; d > 0 {
				b.ReportMetric(flops*float64(b.N)/d.Seconds()/1e9, "cpu-GFLOP/s")
			}
		})
		b.Run("gonum/"+bc.name, func(b *testing.B) {
			impl := gonumblas.Implementation{}
			for b.Loop() {
				impl.Sgemm(trans(bc.tA), trans(bc.tB), s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkDgemm does the same for float64 on the forward shapes.
func BenchmarkDgemm(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, bc := range benchCases()[:8] {
		s := bc.s
		a, bb, c := make([]float64, s.m*s.k), make([]float64, s.k*s.n), make([]float64, s.m*s.n)
		for _, x := range [][]float64{a, bb} {
			for i := range x {
				x[i] = rng.Float64()
			}
		}
		flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
		for _, impl := range []struct {
			name string
			f    func()
		}{
			{"ours", func() { Dgemm(false, false, s.m, s.n, s.k, 1, a, s.k, bb, s.n, 0, c, s.n) }},
			{"gonum", func() {
				gonumblas.Implementation{}.Dgemm(blas.NoTrans, blas.NoTrans, s.m, s.n, s.k, 1, a, s.k, bb, s.n, 0, c, s.n)
			}},
		} {
			b.Run(fmt.Sprintf("%s/%s", impl.name, bc.name), func(b *testing.B) {
				for b.Loop() {
					impl.f()
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// BenchmarkSgemmPureGo measures the portable 4×4 kernel that non-amd64
// machines and CPUs without AVX2 use, on the forward shapes.
func BenchmarkSgemmPureGo(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, bc := range benchCases()[:8] {
		a, lda, bb, ldb, c := operands32(rng, bc)
		s := bc.s
		flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
		bufs := new(buffers[float32])
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				run(&goKernel32, bufs, bc.tA, bc.tB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkSgemmShard is Sgemm on the products of one 256-row shard of the
// trainer's large workload (8 → 2, K=5, hidden [128, 128]: output layers of
// 5 and 20 channels), reporting GFLOP/s of wall time and of CPU time (the
// second is steadier on a shared machine).
func BenchmarkSgemmShard(b *testing.B) {
	rng := rand.New(rand.NewPCG(11, 12))
	layers := []shape{{256, 8, 128}, {256, 128, 128}, {256, 128, 5}, {256, 128, 20}}
	var cs []benchCase
	for _, l := range layers {
		cs = append(cs, benchCase{l.String(), false, false, l},
			benchCase{"AtB/" + shape{l.k, l.m, l.n}.String(), true, false, shape{l.k, l.m, l.n}},
			benchCase{"ABt/" + shape{l.m, l.n, l.k}.String(), false, true, shape{l.m, l.n, l.k}})
	}
	for _, bc := range cs {
		a, lda, bb, ldb, c := operands32(rng, bc)
		s := bc.s
		flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
		b.Run(bc.name, func(b *testing.B) {
			c0 := cputime.Now()
			for b.Loop() {
				Sgemm(bc.tA, bc.tB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			if d := cputime.Now() - c0; d > 0 {
				b.ReportMetric(flops*float64(b.N)/d.Seconds()/1e9, "cpu-GFLOP/s")
			}
		})
	}
}
