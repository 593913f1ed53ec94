package train

import (
	"fmt"
	"sync"

	"github.com/mdn-go/mdn/graph"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// replicas run one training step data-parallel: the batch of B rows is cut
// into n contiguous shards, each worker has its own graph and TapeMachine
// over the shared weight tensors (read-only during the pass), and the
// gradients are combined in a fixed order,
//
//	loss = Σ_w (B_w/B) loss_w      ∇ = Σ_w (B_w/B) ∇_w
//
// which is the gradient of the mean over the whole batch. The order of the
// sum is fixed, so a run is bit-identical for a given number of workers.
type replicas struct {
	ws    []*replica
	batch int
	grads []*tensor.Dense // combined gradients
}

type replica struct {
	m      *graph.MDN
	vm     G.VM
	lo, hi int // rows of the batch
	err    error
	loss   float64
}

func newReplicas(w *graph.Weights, batch, n int) (*replicas, error) {
	n = max(1, min(n, batch/32)) // shards of fewer than 32 rows do not pay for the sync
	r := &replicas{batch: batch}
	for i := range n {
		lo, hi := i*batch/n, (i+1)*batch/n
		g := G.NewGraph()
		m, err := graph.Build(g, w, hi-lo, true)
		if err != nil {
			r.close()
			return nil, err
		}
		r.ws = append(r.ws, &replica{m: m, vm: G.NewTapeMachine(g), lo: lo, hi: hi})
	}
	if n > 1 {
		for _, t := range w.Tensors() {
			r.grads = append(r.grads, tensor.New(tensor.WithShape(t.Shape()...), tensor.Of(t.Dtype())))
		}
	}
	return r, nil
}

func (r *replicas) close() {
	for _, w := range r.ws {
		w.vm.Close()
	}
}

// fill loads the rows of the step into the workers' input tensors.
func (r *replicas) fill(b *batcher) {
	for _, w := range r.ws {
		b.fillRange(w.m.XT, w.m.YT, w.lo, w.hi)
	}
}

// run does the forward and backward pass and returns the batch loss and
// the gradients (owned by the replicas, valid until the next run).
func (r *replicas) run() (float64, []*tensor.Dense, error) {
	if len(r.ws) == 1 {
		w := r.ws[0]
		w.step()
		if w.err != nil {
			return 0, nil, w.err
		}
		gs := make([]*tensor.Dense, len(w.m.Grads))
		for i, n := range w.m.Grads {
			gs[i] = n.Value().(*tensor.Dense)
		}
		return w.loss, gs, nil
	}
	var wg sync.WaitGroup
	for _, w := range r.ws[1:] {
		wg.Add(1)
		go func() { defer wg.Done(); w.step() }()
	}
	r.ws[0].step()
	wg.Wait()
	var loss float64
	for i, w := range r.ws {
		if w.err != nil {
			return 0, nil, fmt.Errorf("worker %d: %w", i, w.err)
		}
		loss += float64(w.hi-w.lo) / float64(r.batch) * w.loss
	}
	for gi, dst := range r.grads {
		switch d := dst.Data().(type) {
		case []float32:
			combine(r, d, gi)
		case []float64:
			combine(r, d, gi)
		}
	}
	return loss, r.grads, nil
}

func combine[T float32 | float64](r *replicas, dst []T, gi int) {
	for i, w := range r.ws {
		src := w.m.Grads[gi].Value().(*tensor.Dense).Data().([]T)
		f := T(float64(w.hi-w.lo) / float64(r.batch))
		if i == 0 {
			for j, v := range src {
				dst[j] = f * v
			}
			continue
		}
		for j, v := range src {
			dst[j] += f * v
		}
	}
}

func (w *replica) step() {
	w.vm.Reset()
	if w.err = w.vm.RunAll(); w.err != nil {
		return
	}
	w.loss, w.err = w.m.LossValue()
}
