package train

import (
	"github.com/mdn-go/mdn/arch"
	"math"
	"slices"
	"testing"

	"github.com/mdn-go/mdn/graph"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestReplicasIndependentOfThreads: the loss and gradients of a sharded
// step are bit-identical for any number of workers, and equal (up to the
// rounding of another summation order) those of one graph over the batch.
func TestReplicasIndependentOfThreads(t *testing.T) {
	d := ex1d(t, 700, 9)
	w := newW(t, ex1dSpec(arch.Float64), 2)
	var losses []float64
	var grads [][]float64
	for _, threads := range []int{1, 2, 3, 8} {
		r, err := newReplicas(w, d.N, threads, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.ws) != 2 { // 700 rows: max(2, 700/256) shards
			t.Fatalf("got %d shards, want 2", len(r.ws))
		}
		b := newBatcher(d, d.N, 0)
		b.fills = len(r.ws)
		b.next()
		r.fill(b)
		l, gs, err := r.run()
		if err != nil {
			t.Fatal(err)
		}
		var flat []float64
		for _, g := range gs {
			flat = append(flat, g.Data().([]float64)...)
		}
		losses, grads = append(losses, l), append(grads, flat)
		r.close()
	}
	for i := 1; i < len(losses); i++ {
		if math.Float64bits(losses[i]) != math.Float64bits(losses[0]) {
			t.Fatalf("run %d: loss %v, want %v bit for bit", i, losses[i], losses[0])
		}
		for j := range grads[0] {
			if math.Float64bits(grads[i][j]) != math.Float64bits(grads[0][j]) {
				t.Fatalf("run %d: gradient %d is %v, want %v bit for bit", i, j, grads[i][j], grads[0][j])
			}
		}
	}
	// One graph over all rows.
	g := G.NewGraph()
	m, err := graph.Build(g, w, d.N, true)
	if err != nil {
		t.Fatal(err)
	}
	put(m.XT, d.X, nil)
	put(m.YT, d.Y, nil)
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	want, _ := m.LossValue()
	if math.Abs(losses[0]-want) > 1e-12*math.Abs(want) {
		t.Fatalf("sharded loss %v, want %v", losses[0], want)
	}
	o := 0
	for _, n := range m.Grads {
		for _, v := range n.Value().(*tensor.Dense).Data().([]float64) {
			if math.Abs(grads[0][o]-v) > 1e-12*math.Max(1, math.Abs(v)) {
				t.Fatalf("gradient %d: sharded %v, want %v", o, grads[0][o], v)
			}
			o++
		}
	}
}

func TestShards(t *testing.T) {
	for _, c := range []struct{ batch, want int }{
		{1, 1}, {31, 1}, {64, 2}, {256, 2}, {512, 2}, {1024, 4}, {4096, 16}, {1 << 20, 16},
	} {
		if got := shards(c.batch); got != c.want {
			t.Errorf("shards(%d) = %d, want %d", c.batch, got, c.want)
		}
	}
}

// TestCombine32: the float32 combination (vec's SIMD loops) is the plain
// loop f·v, then the sum in shard order, bit for bit, on a batch of 1000
// rows in three shards of 333, 333 and 334, of 1100 in four of 275
// (f = 0.25) and of 700 in two of 350 (f = 0.5), with a NaN gradient in
// one shard.
func TestCombine32(t *testing.T) {
	for _, batch := range []int{1000, 1100, 700} {
		d := ex1d(t, batch, 3)
		w := newW(t, ex1dSpec(arch.Float32), 4)
		r, err := newReplicas(w, batch, 2, false)
		if err != nil {
			t.Fatal(err)
		}
		b := newBatcher(d, batch, 0)
		b.fills = len(r.ws)
		b.next()
		r.fill(b)
		if _, _, err := r.run(); err != nil {
			t.Fatal(err)
		}
		if len(r.ws) != map[int]int{1000: 3, 1100: 4, 700: 2}[batch] {
			t.Fatalf("batch %d: %d shards", batch, len(r.ws))
		}
		graph.Elems[float32](r.ws[1].m.Grads[0].Value().(*tensor.Dense))[3] = float32(math.NaN())
		_, gs, err := r.combined()
		if err != nil {
			t.Fatal(err)
		}
		for gi, g := range gs {
			got := graph.Elems[float32](g)
			want := make([]float32, len(got))
			combine(r, want, gi)
			for j := range want {
				if math.Float32bits(got[j]) != math.Float32bits(want[j]) && !(got[j] != got[j] && want[j] != want[j]) {
					t.Fatalf("batch %d: gradient %d[%d] = %v, want %v (plain loop)", batch, gi, j, got[j], want[j])
				}
			}
		}
		if v := graph.Elems[float32](gs[0])[3]; v == v {
			t.Fatalf("batch %d: a NaN gradient of shard 1 combined to %v", batch, v)
		}
		r.close()
	}
}

// TestFillAndRun: with random mini-batches and no noise, the shards copy
// their own rows on their workers (batcher.concurrentFill), and the loss,
// gradients and shard inputs are bit for bit those of copying every shard
// first (fill, then run), for 1, 2 and 3 workers, over three steps; with
// noise, fillAndRun copies in shard order first. With refill (and, for
// more than one worker, no noise, as Run asks), each worker's shards share
// one graph (replicas.shared), through both fill, then run and fillAndRun:
// the same loss and gradients, and each graph holds the rows of the last
// shard that ran in it.
func TestFillAndRun(t *testing.T) {
	d := ex1d(t, 3000, 5)
	w := newW(t, ex1dSpec(arch.Float32), 6)
	const batch = 1100 // four shards of 275
	// snapshot returns the loss and gradients, and each shard's inputs.
	snapshot := func(r *replicas, loss float64, gs []*tensor.Dense) ([]uint64, [][]uint64) {
		out := []uint64{math.Float64bits(loss)}
		for _, g := range gs {
			for _, v := range graph.Elems[float32](g) {
				out = append(out, uint64(math.Float32bits(v)))
			}
		}
		var in [][]uint64
		for _, s := range r.ws {
			var x []uint64
			for _, v := range graph.Elems[float32](s.m.XT) {
				x = append(x, uint64(math.Float32bits(v)))
			}
			for _, v := range graph.Elems[float32](s.m.YT) {
				x = append(x, uint64(math.Float32bits(v)))
			}
			in = append(in, x)
		}
		return out, in
	}
	type step struct {
		out []uint64
		in  [][]uint64
	}
	for _, noise := range []float64{0, 0.1} {
		var want []step
		for _, c := range []struct {
			threads            int
			refill, fillAndRun bool
		}{{1, false, false}, {1, false, true}, {2, false, true}, {3, false, true}, {4, true, true},
			{1, true, false}, {1, true, true}, {2, true, false}, {2, true, true}, {3, true, true}} {
			refill := c.refill && (c.threads == 1 || noise == 0)
			r, err := newReplicas(w, batch, c.threads, refill)
			if err != nil {
				t.Fatal(err)
			}
			if r.shared != (refill && c.threads < 4) {
				t.Fatalf("%d workers, refill %v: shared = %v", c.threads, refill, r.shared)
			}
			b := newBatcher(d, batch, 11)
			b.noise = noise
			b.fills = len(r.ws)
			if b.concurrentFill() != (noise == 0) {
				t.Fatalf("noise %v: concurrentFill() = %v", noise, b.concurrentFill())
			}
			var got []step
			for range 3 {
				b.next()
				var l float64
				var gs []*tensor.Dense
				if c.fillAndRun {
					l, gs, err = r.fillAndRun(b)
				} else {
					r.fill(b)
					l, gs, err = r.run()
				}
				if err != nil {
					t.Fatal(err)
				}
				out, in := snapshot(r, l, gs)
				got = append(got, step{out, in})
			}
			r.close()
			if want == nil {
				want = got
				continue
			}
			for i := range want {
				g, w := got[i], want[i]
				for j := range w.out {
					if g.out[j] != w.out[j] {
						t.Fatalf("noise %v, %+v, step %d: loss or gradient value %d differs from 1 worker's fill, then run", noise, c, i, j)
					}
				}
				for s := range w.in {
					ws := s
					for r.shared && ws+c.threads < len(w.in) {
						ws += c.threads // the graph holds the rows of its last shard
					}
					if !slices.Equal(g.in[s], w.in[ws]) {
						t.Fatalf("noise %v, %+v, step %d: the inputs of shard %d differ from those of shard %d with 1 worker's fill, then run", noise, c, i, s, ws)
					}
				}
			}
		}
	}
}
