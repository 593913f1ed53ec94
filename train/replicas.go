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
//
// When every step copies its rows into the shards anyway (mini-batches;
// with several workers, without noise, so that the copies need no order)
// and the shards have the same number of rows, each worker's shards share
// one graph (shared): a shard's rows are copied into it just before it
// runs, and its loss and gradients are folded into the combination as soon
// as it finishes and the shard before it has been folded: in shard order,
// with the same arithmetic. One graph's buffers a worker instead of one
// per shard stay in the caches (the 1024-row batches of BenchmarkRunLarge,
// four shards: 7 % less CPU time a step on one core).
type replicas struct {
	ws      []*replica // the shards
	workers int
	batch   int
	grads   []*tensor.Dense // combined gradients
	from    *batcher        // during fillAndRun: the shards copy their rows from it
	shared  bool            // shard i runs in the graph of shard i mod workers
	next    *batcher        // when shared, between fill and run: the step's rows
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

// newReplicas builds the shards of a batch for up to threads workers.
// refill reports that every step copies its rows into the shards
// (mini-batches: batcher.fillRange copies them each step) and, when there
// are several workers, that the copies need no order (no noise:
// batcher.concurrentFill), which lets each worker run its shards, of equal
// size, in one graph.
func newReplicas(w *graph.Weights, batch, threads int, refill bool) (*replicas, error) {
	n := shards(batch)
	r := &replicas{batch: batch, workers: max(1, min(threads, n))}
	r.shared = n > r.workers && refill && batch%n == 0
	for i := range n {
		lo, hi := i*batch/n, (i+1)*batch/n
		if r.shared && i >= r.workers {
			g := r.ws[i%r.workers]
			r.ws = append(r.ws, &replica{m: g.m, vm: g.vm, lo: lo, hi: hi})
			continue
		}
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
	for i, w := range r.ws {
		if r.shared && i >= r.workers {
			break
		}
		w.vm.Close()
	}
}

// fill loads the rows of the step into the workers' input tensors (when
// shared, run loads each shard's rows just before the shard runs).
func (r *replicas) fill(b *batcher) {
	if r.shared {
		r.next = b
		return
	}
	for _, w := range r.ws {
		b.fillRange(w.m.XT, w.m.YT, w.lo, w.hi)
	}
}

// fillAndRun loads the rows of b's current step and runs the step (as
// fill, then run). When b allows it (batcher.concurrentFill) each worker
// copies the rows of its shards just before it runs them, so that the
// copies run in parallel too and find the shard's inputs in cache.
func (r *replicas) fillAndRun(b *batcher) (float64, []*tensor.Dense, error) {
	if !b.concurrentFill() || r.shared {
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
	if r.shared {
		return r.runShared()
	}
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

// runShared is run for shared replicas: each worker runs its shards in
// order, each shard's rows copied into the worker's graph, the graph run,
// and the shard's loss and gradients folded in as combined folds them,
// once every shard before it has been folded (its graph is then free for
// the worker's next shard). The first shard in order that fails stops the
// step with its error.
func (r *replicas) runShared() (float64, []*tensor.Dense, error) {
	b := r.next
	r.next = nil
	if b == nil {
		return 0, nil, fmt.Errorf("train: replicas: run without fill")
	}
	var (
		mu     sync.Mutex
		turn   = sync.NewCond(&mu)
		folded int // shards folded (or failed), in order
		loss   float64
		err    error
	)
	work := func(j int) {
		for i := j; i < len(r.ws); i += r.workers {
			w := r.ws[i]
			if r.workers == 1 {
				b.fillRange(w.m.XT, w.m.YT, w.lo, w.hi)
			} else {
				w.touched += b.fillRows(w.m.XT, w.m.YT, w.lo, w.hi) // no noise: any order
			}
			r.step(w)
			mu.Lock()
			for folded < i && err == nil {
				turn.Wait()
			}
			if err == nil {
				if w.err != nil {
					err = fmt.Errorf("shard %d: %w", i, w.err)
				} else {
					loss += r.share(w) * w.loss
					r.fold(i, w)
				}
			}
			folded = i + 1
			stop := err != nil
			turn.Broadcast()
			mu.Unlock()
			if stop {
				return
			}
		}
	}
	var wg sync.WaitGroup
	for j := 1; j < r.workers; j++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(j)
		}()
	}
	work(0)
	wg.Wait()
	if err != nil {
		return 0, nil, err
	}
	return loss, r.grads, nil
}

// share is shard w's weight B_w/B in the batch loss and gradient.
func (r *replicas) share(w *replica) float64 { return float64(w.hi-w.lo) / float64(r.batch) }

// combined is the end of run, after the shards ran: the batch loss
// and the combined gradients.
func (r *replicas) combined() (float64, []*tensor.Dense, error) {
	var loss float64
	for i, w := range r.ws {
		if w.err != nil {
			return 0, nil, fmt.Errorf("shard %d: %w", i, w.err)
		}
		loss += r.share(w) * w.loss
	}
	for i, w := range r.ws {
		r.fold(i, w)
	}
	return loss, r.grads, nil
}

// fold adds shard i's share of its gradients to the combined gradients
// (i = 0 sets them): float32 through vec's SIMD loops (fold32), float64
// as combine does.
func (r *replicas) fold(i int, w *replica) {
	for gi, dst := range r.grads {
		src := w.m.Grads[gi].Value().(*tensor.Dense)
		switch dst.Dtype() {
		case tensor.Float32:
			fold32(graph.Elems[float32](dst), graph.Elems[float32](src), float32(r.share(w)), i == 0)
		case tensor.Float64:
			foldGo(graph.Elems[float64](dst), graph.Elems[float64](src), r.share(w), i == 0)
		}
	}
}

// fold32 is foldGo for float32 through vec's SIMD loops: the same
// products f·v rounded to float32 and the same sums.
func fold32(dst, src []float32, f float32, first bool) {
	if first {
		vec.Scale32(dst, src, f)
		return
	}
	vec.AddScaled32(dst, src, f)
}

// foldGo sets dst = f·src (first) or adds f·src to dst.
func foldGo[T float32 | float64](dst, src []T, f T, first bool) {
	if first {
		for j, v := range src {
			dst[j] = f * v
		}
		return
	}
	for j, v := range src {
		dst[j] += T(f * v) // rounded before the sum: no fused multiply-add on arm64
	}
}

// combine sets dst to the combination of gradient gi of all shards, in
// plain Go: Σ_s (B_s/B)·∇_s in shard order, each product rounded.
func combine[T float32 | float64](r *replicas, dst []T, gi int) {
	for i, w := range r.ws {
		foldGo(dst, graph.Elems[T](w.m.Grads[gi].Value().(*tensor.Dense)), T(r.share(w)), i == 0)
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
