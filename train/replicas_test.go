package train

import (
	"github.com/mdn-go/mdn/arch"
	"math"
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
		r, err := newReplicas(w, d.N, threads)
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
