package train

import (
	"math"
	"testing"

	"gorgonia.org/tensor"
)

// TestReplicasMatchOneWorker checks that sharding the batch over workers
// gives the loss and gradient of the whole batch (float64, so up to
// rounding of the different summation order).
func TestReplicasMatchOneWorker(t *testing.T) {
	d := ex1d(t, 300, 9)
	w := newW(t, ex1dSpec(tensor.Float64), 2)
	var losses []float64
	var grads [][]float64
	for _, n := range []int{1, 2, 3} {
		r, err := newReplicas(w, d.N, n)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.ws) != n {
			t.Fatalf("got %d workers, want %d", len(r.ws), n)
		}
		b := newBatcher(d, d.N, 0)
		b.fills = n
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
		if math.Abs(losses[i]-losses[0]) > 1e-12 {
			t.Fatalf("%d workers: loss %v, want %v", i+1, losses[i], losses[0])
		}
		for j := range grads[0] {
			if math.Abs(grads[i][j]-grads[0][j]) > 1e-12*math.Max(1, math.Abs(grads[0][j])) {
				t.Fatalf("%d workers: gradient %d is %v, want %v", i+1, j, grads[i][j], grads[0][j])
			}
		}
	}
}
