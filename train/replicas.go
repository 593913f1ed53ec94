package train

import (
	"fmt"
	"sync"

	"github.com/mdn-go/mdn/graph"
	"github.com/mdn-go/mdn/internal/vec"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// replicas run one training step data-parallel: the batch of B rows is cut
// into shards of about shardRows rows (their number depends on B alone, not
// on the machine), each shard has its own graph and graph.Machine over the
// shared weight tensors (read-only during the pass), a pool of workers runs
// the shards, and the gradients are combined in shard order,
//
//	loss = Σ_s (B_s/B) loss_s      ∇ = Σ_s (B_s/B) ∇_s
//
// which is the gradient of the mean over the whole batch. Since neither the
// shards nor the order of the sum depend on the number of workers, a run is
// bit-identical whatever the number of cores.
type replicas struct {
	ws      []*replica // the shards
	workers int
	batch   int
	grads   []*tensor.Dense // combined gradients
	from    *batcher        // during fillAndRun: the shards copy their rows from it
}

// The shard layout: about shardRows rows each, at least two shards (two
// cores are the common case) of at least minShardRows rows, at most
// maxShards. Smaller shards do not pay for their graph's fixed costs.
const (
	shardRows    = 256
	minShardRows = 32
	maxShards    = 16
)

// shards is the number of shards of a batch of the given size.
func shards(batch int) int {
	return max(1, min(max(2, batch/shardRows), maxShards, batch/minShardRows))
}

type replica struct {
	m       *graph.MDN
	vm      G.VM
	lo, hi  int // rows of the batch
	err     error
	loss    float64
	touched float64 // batcher.fillRows' sums, never read
}

func newReplicas(w *graph.Weights, batch, threads int) (*replicas, error) {
	n := shards(batch)
	r := &replicas{batch: batch, workers: max(1, min(threads, n))}
	for i := range n {
		lo, hi := i*batch/n, (i+1)*batch/n
		g := G.NewGraph()
		m, err := graph.Build(g, w, hi-lo, true)
		if err != nil {
			r.close()
			return nil, err
		}
		vm, err := graph.NewMachine(g)
		if err != nil {
			r.close()
			return nil, err
		}
		r.ws = append(r.ws, &replica{m: m, vm: vm, lo: lo, hi: hi})
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

// fillAndRun loads the rows of b's current step and runs the step (as
// fill, then run). When b allows it (batcher.concurrentFill) each worker
// copies the rows of its shards just before it runs them, so that the
// copies run in parallel too and find the shard's inputs in cache.
func (r *replicas) fillAndRun(b *batcher) (float64, []*tensor.Dense, error) {
	if !b.concurrentFill() {
		r.fill(b)
		return r.run()
	}
	r.from = b
	defer func() { r.from = nil }()
	return r.run()
}

// run does the forward and backward pass and returns the batch loss and
// the gradients (owned by the replicas, valid until the next run). With
// r.from set, each shard first copies its rows from it.
func (r *replicas) run() (float64, []*tensor.Dense, error) {
	if len(r.ws) == 1 {
		w := r.ws[0]
		r.step(w)
		if w.err != nil {
			return 0, nil, w.err
		}
		gs := make([]*tensor.Dense, len(w.m.Grads))
		for i, n := range w.m.Grads {
			gs[i] = n.Value().(*tensor.Dense)
		}
		return w.loss, gs, nil
	}
	// Worker j runs shards j, j+W, j+2W, …
	var wg sync.WaitGroup
	for j := 1; j < r.workers; j++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := j; i < len(r.ws); i += r.workers {
				r.step(r.ws[i])
			}
		}()
	}
	for i := 0; i < len(r.ws); i += r.workers {
		r.step(r.ws[i])
	}
	wg.Wait()
	return r.combined()
}

// combined is the end of run, after the shards ran: the batch loss
// and the combined gradients.
func (r *replicas) combined() (float64, []*tensor.Dense, error) {
	var loss float64
	for i, w := range r.ws {
		if w.err != nil {
			return 0, nil, fmt.Errorf("shard %d: %w", i, w.err)
		}
		loss += float64(w.hi-w.lo) / float64(r.batch) * w.loss
	}
	for gi, dst := range r.grads {
		switch dst.Dtype() {
		case tensor.Float32:
			combine32(r, graph.Elems[float32](dst), gi)
		case tensor.Float64:
			combine(r, graph.Elems[float64](dst), gi)
		}
	}
	return loss, r.grads, nil
}

// combine32 is combine for float32 through vec's SIMD loops: the same
// products f·v rounded to float32 and the same sums in shard order.
func combine32(r *replicas, dst []float32, gi int) {
	for i, w := range r.ws {
		src := graph.Elems[float32](w.m.Grads[gi].Value().(*tensor.Dense))
		f := float32(float64(w.hi-w.lo) / float64(r.batch))
		if i == 0 {
			vec.Scale32(dst, src, f)
			continue
		}
		vec.AddScaled32(dst, src, f)
	}
}

func combine[T float32 | float64](r *replicas, dst []T, gi int) {
	for i, w := range r.ws {
		src := graph.Elems[T](w.m.Grads[gi].Value().(*tensor.Dense))
		f := T(float64(w.hi-w.lo) / float64(r.batch))
		if i == 0 {
			for j, v := range src {
				dst[j] = f * v
			}
			continue
		}
		for j, v := range src {
			dst[j] += T(f * v) // rounded before the sum: no fused multiply-add on arm64
		}
	}
}

// step runs shard w, first copying its rows from r.from when set.
func (r *replicas) step(w *replica) {
	if r.from != nil {
		w.touched += r.from.fillRows(w.m.XT, w.m.YT, w.lo, w.hi)
	}
	w.vm.Reset()
	if w.err = w.vm.RunAll(); w.err != nil {
		return
	}
	w.loss, w.err = w.m.LossValue()
}
