package train

import (
	"context"
	"errors"
	"fmt"
	"github.com/mdn-go/mdn/arch"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/graph"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// maxRollbacks bounds the rollbacks of arch.Rollback; after that Run fails
// as with arch.Stop.
const maxRollbacks = 8

// Options are the settings of a run. Zero values are not defaults: package
// config has them (fitconfig.Recipe puts them in a Recipe's Train).
type Options struct {
	Steps     int     // optimizer steps, ≥ 1
	BatchSize int     // rows per step; 0 or ≥ the training rows: full batch
	LR        float64 // peak learning rate
	Schedule  arch.Schedule
	Warmup    int     // linear warm-up steps
	Seed      uint64  // seeds the batches
	ClipNorm  float64 // global gradient-norm threshold; 0: off
	// WeightDecay is the decoupled (AdamW) decay per unit learning rate.
	WeightDecay float64
	EvalEvery   int // steps between validation evaluations, ≥ 1
	Patience    int // evaluations without improvement before stopping; 0: off
	RestoreBest bool
	OnNaN       arch.OnNaN
	// Noise is the standard deviation h of the Gaussian noise added to every
	// value of x and y of every training batch (noise regularization,
	// Rothfuss et al. 2019), in the units the network sees (standardized
	// units when standardizing): each step trains on
	//
	//	x̃ = x + h·ε,  ỹ = y + h·ε',   ε, ε' ~ N(0, I) drawn anew each step,
	//
	// which smooths the fitted density like a kernel of bandwidth h. 0: off.
	// Validation rows are never perturbed.
	Noise float64
	// NoNoise marks the inputs of x that Noise leaves alone (len XDim, or
	// nil for none): the 0/1 inputs of labels and missing indicators
	// (encode.Schema.Binary), which noise would blur into other levels.
	NoNoise []bool
	// Threads is the number of workers that run the shards of a step; 0
	// means GOMAXPROCS. The shards depend on the batch size alone, so the
	// result does not depend on Threads.
	Threads int
	// LogJacobian is added to every reported NLL (train loss and validation)
	// to express it in the original units of y: Σ_j log s_j for
	// standardized responses (data.Scaler.LogJacobian), 0 otherwise.
	LogJacobian float64
	// Progress, if not nil, is called after every step.
	Progress func(Progress)
	// Resume, if not nil, continues the run that stopped with this state
	// (Result.State of an interrupted run with the same data and options):
	// weights, optimizer moments, schedule position, batch order, best
	// weights and history carry over, so the result equals that of an
	// uninterrupted run.
	Resume *State
	// scale, if not nil, standardizes the rows of the training and
	// validation sets as they are copied into the graphs (Fit passes the
	// rows in original units, so that no standardized copy is held).
	scale *inputScale
}

// Progress is what Run reports after each step.
type Progress struct {
	Step, Steps int // steps done, planned
	LR          float64
	Loss        float64 // training batch NLL, nats per row, original units
	ValNLL      float64 // last validation NLL (NaN before the first, or none)
	Elapsed     time.Duration
	// BestValNLL is the best validation NLL so far (NaN before the first,
	// or none); for several networks (Fit), the mean of the best
	// validation NLLs of those finished.
	BestValNLL float64
	// Networks is the number of networks of the run (1 for Run); Finished
	// how many have stopped. With several networks, Step and Steps add up
	// the steps of all of them, a finished network counting as its planned
	// steps (it may have stopped early), and LR, Loss and ValNLL are NaN:
	// they would jump from one network to the next.
	Networks, Finished int
}

// Record is one row of the history: the state after Step steps.
type Record struct {
	Step   int
	LR     float64 // the learning rate used by this step
	Loss   float64 // training batch NLL in nats per row, original units
	ValNLL float64 // validation NLL at this step, NaN when not evaluated
}

// Result is what a run produced.
type Result struct {
	Weights    *graph.Weights // the kept weights (the best ones with RestoreBest)
	History    []Record
	Steps      int     // steps done
	Seconds    float64 // wall time of the training loop alone
	FinalLoss  float64 // training NLL of the last step, original units
	BestValNLL float64 // NaN without validation data
	BestStep   int
	ValNLL     float64 // validation NLL of the kept weights (NaN without validation)
	Stopped    string  // "completed", "early-stopped" or "interrupted"
	Rollbacks  int
	// State is where the run stopped; pass it as Options.Resume to go on.
	State *State
	// NoiseScale is the train.noise_scale the run used: the configured one,
	// or 0 when train.noise_select found training without noise better
	// (set by Fit).
	NoiseScale float64
	// NoiseMembers is how many of the model's networks were trained with
	// noise: all, none, or half when train.noise_select kept both
	// candidates (set by Fit).
	NoiseMembers int
	// Members are the results of every member of an ensemble (Fit with
	// train.ensemble > 1), member 0 first; nil for a single network.
	Members []*Result
	// Networks is how many networks Fit trained (2M under
	// train.noise_select), and Kept which of them the model holds, in
	// words ("the 10 networks trained without noise"; "" for a single
	// network).
	Networks int
	Kept     string
}

// Run trains w in place on train (already standardized, like val) and
// returns the result. val may be nil. It stops at the end of the current
// step when ctx is done, returning the result so far (with the best or last
// good weights) together with ctx's error.
func Run(ctx context.Context, w *graph.Weights, train, val *data.Dataset, opt Options) (*Result, error) {
	if train == nil || train.N < 1 {
		return nil, errors.New("train: no training rows")
	}
	return run(ctx, w, allRows(train), allRows(val), opt)
}

// run is Run over rows read in place (rowSet), as the members of an
// ensemble read them.
func run(ctx context.Context, w *graph.Weights, train, val *rowSet, opt Options) (*Result, error) {
	s := w.Spec
	if err := opt.validate(); err != nil {
		return nil, err
	}
	if train == nil || train.n < 1 {
		return nil, errors.New("train: no training rows")
	}
	if train.xdim() != s.In || train.ydim() != s.Out {
		return nil, fmt.Errorf("train: data has %d covariates and %d responses, model wants %d and %d",
			train.xdim(), train.ydim(), s.In, s.Out)
	}
	if val != nil && val.n == 0 {
		val = nil
	}
	if (opt.Patience > 0 || opt.RestoreBest) && val == nil {
		opt.Patience, opt.RestoreBest = 0, false
	}
	batch := opt.BatchSize
	if batch <= 0 || batch >= train.n {
		batch = train.n
	}
	threads := opt.Threads
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	// Mini-batches are copied into the shards every step: with one worker,
	// or without noise (whose draws need the shard order), each worker's
	// shards can then share a graph.
	reps, err := newReplicas(w, batch, threads, batch < train.n && (threads == 1 || opt.Noise == 0))
	if err != nil {
		return nil, err
	}
	defer reps.close()
	var ev *evaluator
	if val != nil {
		if ev, err = newEvaluator(w, val, opt.scale); err != nil {
			return nil, err
		}
		defer ev.close()
	}
	opt2 := newAdam(w.Tensors())
	bt := newSetBatcher(train, batch, opt.Seed)
	bt.sc = opt.scale
	bt.noise = opt.Noise
	if slices.Contains(opt.NoNoise, true) {
		bt.noNoise = opt.NoNoise
	}
	bt.fills = len(reps.ws)

	res := &Result{BestValNLL: math.NaN(), ValNLL: math.NaN(), Stopped: "completed",
		History: make([]Record, 0, min(opt.Steps, 1<<12))} // grown as the run goes: Steps is the user's number
	good := w.Clone() // last good checkpoint
	var goodOpt adamState
	opt2.save(&goodOpt)
	var goodBatch batchState // the batch order at the checkpoint
	bt.save(&goodBatch)
	goodStep := 0
	var best *graph.Weights
	lrScale := 1.0
	sinceBest := 0
	lastVal := math.NaN()
	first := 0
	var before float64 // seconds of the run before a resume
	if r := opt.Resume; r != nil {
		if r.Planned != opt.Steps {
			return nil, fmt.Errorf("train: resume: the checkpoint plans %d steps, the options %d", r.Planned, opt.Steps)
		}
		if err := r.restore(w, good); err != nil {
			return nil, err
		}
		opt2.restore(&r.Adam)
		goodOpt = r.GoodAdam
		goodStep, lrScale, sinceBest, lastVal = r.GoodStep, r.LRScale, r.SinceBest, r.LastVal
		if r.Best != nil {
			bw, err := graph.WeightsFromArrays(s, r.Best)
			if err != nil {
				return nil, fmt.Errorf("train: resume: best weights: %w", err)
			}
			best = w.Clone()
			best.CopyFrom(bw)
		}
		res.BestValNLL, res.BestStep, res.Rollbacks = r.BestValNLL, r.BestStep, r.Rollbacks
		res.History = append(res.History, r.History...)
		first, before = r.Step, r.Seconds
		if r.Stopped == "completed" || r.Stopped == "early-stopped" {
			// The run is over: no step is left, and no batch order kept.
			first, res.Stopped = opt.Steps, r.Stopped
		} else {
			if err := bt.restore(&r.Batch); err != nil {
				return nil, err
			}
			goodBatch = batchState{Perm: append([]int32(nil), r.GoodBatch.Perm...), positions: r.GoodBatch.positions,
				EpochRNG: append([]byte(nil), r.GoodBatch.EpochRNG...), Pos: r.GoodBatch.Pos,
				RNG: append([]byte(nil), r.GoodBatch.RNG...), Noise: append([]byte(nil), r.GoodBatch.Noise...)}
			if err := bt.toCodes(&goodBatch); err != nil {
				return nil, err
			}
		}
		res.Steps = r.Step
		if n := len(r.History); n > 0 {
			res.FinalLoss = r.History[n-1].Loss
		}
	}

	start := time.Now()
	for step := first; step < opt.Steps; step++ {
		bt.next()
		loss, grads, err := reps.fillAndRun(bt)
		if err != nil {
			return nil, fmt.Errorf("train: step %d: %w", step+1, err)
		}
		norm, finite := gradNorm(grads)
		if math.IsNaN(loss) || math.IsInf(loss, 0) || !finite {
			what := fmt.Sprintf("loss %v", loss)
			if !finite {
				what = "a gradient that is not finite"
			}
			if opt.OnNaN != arch.Rollback || res.Rollbacks >= maxRollbacks {
				w.CopyFrom(good)
				return nil, fmt.Errorf("train: step %d: %s; stopped (no model with NaN is kept; lower train.lr, raise model.sigma_min or set train.clip_norm)", step+1, what)
			}
			res.Rollbacks++
			w.CopyFrom(good)
			opt2.restore(&goodOpt)
			if err := bt.restore(&goodBatch); err != nil {
				return nil, err
			}
			lrScale /= 2
			res.History = res.History[:goodStep]
			step = goodStep - 1
			continue
		}
		lr := rate(opt.Schedule, opt.LR, step, opt.Steps, opt.Warmup) * lrScale
		gscale := 1.0
		if opt.ClipNorm > 0 && norm > opt.ClipNorm {
			gscale = opt.ClipNorm / norm
		}
		opt2.step(grads, lr, gscale, opt.WeightDecay)
		rec := Record{Step: step + 1, LR: lr, Loss: loss + opt.LogJacobian, ValNLL: math.NaN()}
		res.FinalLoss = rec.Loss
		done := step+1 == opt.Steps
		if ev != nil && ((step+1)%opt.EvalEvery == 0 || done) {
			v, err := ev.nll()
			if err != nil {
				return nil, fmt.Errorf("train: step %d: validation: %w", step+1, err)
			}
			v += opt.LogJacobian
			rec.ValNLL, lastVal = v, v
			if !math.IsNaN(v) && (math.IsNaN(res.BestValNLL) || v < res.BestValNLL) {
				res.BestValNLL, res.BestStep = v, step+1
				if best == nil {
					best = w.Clone()
				} else {
					best.CopyFrom(w)
				}
				sinceBest = 0
			} else {
				sinceBest++
			}
		}
		if (step+1)%opt.EvalEvery == 0 {
			good.CopyFrom(w)
			opt2.save(&goodOpt)
			bt.save(&goodBatch)
			goodStep = step + 1
		}
		res.History = append(res.History, rec)
		res.Steps = step + 1
		if opt.Progress != nil {
			opt.Progress(Progress{Step: step + 1, Steps: opt.Steps, LR: lr, Loss: rec.Loss, ValNLL: lastVal,
				Elapsed: time.Since(start), BestValNLL: res.BestValNLL, Networks: 1})
		}
		if ctx.Err() != nil {
			res.Stopped = "interrupted"
			break
		}
		if opt.Patience > 0 && sinceBest >= opt.Patience {
			res.Stopped = "early-stopped"
			break
		}
	}
	res.Seconds = before + time.Since(start).Seconds()
	res.State = &State{Planned: opt.Steps, Step: res.Steps, Weights: w.Arrays(), Good: good.Arrays(),
		GoodAdam: goodOpt, GoodStep: goodStep, BestValNLL: res.BestValNLL, BestStep: res.BestStep,
		SinceBest: sinceBest, LastVal: lastVal, LRScale: lrScale, Rollbacks: res.Rollbacks,
		History: append([]Record(nil), res.History...), Seconds: res.Seconds}
	opt2.save(&res.State.Adam)
	if best != nil {
		res.State.Best = best.Arrays()
	}
	res.State.Stopped = res.Stopped
	if res.Stopped == "interrupted" {
		// Only a run that goes on needs its batch order: the permutations
		// are a row index each, the largest part of a State on a big table.
		bt.save(&res.State.Batch)
		res.State.GoodBatch = goodBatch
	}
	if best != nil && (opt.RestoreBest || res.Stopped == "early-stopped") {
		w.CopyFrom(best)
		res.ValNLL = res.BestValNLL
	} else {
		res.ValNLL = lastVal
	}
	if !finiteWeights(w) {
		// Cannot happen after a finite loss and gradients, but a model with
		// NaN must never leave this package.
		w.CopyFrom(good)
		return nil, errors.New("train: weights became non-finite; restored the last good checkpoint")
	}
	res.Weights = w
	if res.Stopped == "interrupted" {
		return res, fmt.Errorf("train: interrupted after step %d of %d: %w", res.Steps, opt.Steps, ctx.Err())
	}
	return res, nil
}

func finiteWeights(w *graph.Weights) bool {
	_, ok := gradNorm(w.Tensors())
	return ok
}

func (o Options) validate() error {
	switch {
	case o.Steps < 1:
		return fmt.Errorf("train: steps must be ≥ 1, got %d", o.Steps)
	case o.Steps > MaxSteps:
		return fmt.Errorf("train: steps must be ≤ %d (MaxSteps), got %d", MaxSteps, o.Steps)
	case o.BatchSize < 0:
		return fmt.Errorf("train: batch size must be ≥ 0, got %d", o.BatchSize)
	case !(o.LR > 0) || math.IsInf(o.LR, 0):
		return fmt.Errorf("train: learning rate must be > 0, got %v", o.LR)
	case o.Warmup < 0 || o.Warmup >= o.Steps:
		return fmt.Errorf("train: warmup must be in [0, steps), got %d of %d steps", o.Warmup, o.Steps)
	case o.EvalEvery < 1:
		return fmt.Errorf("train: eval_every must be ≥ 1, got %d", o.EvalEvery)
	case o.ClipNorm < 0 || o.WeightDecay < 0 || o.Patience < 0:
		return errors.New("train: clip_norm, weight_decay and patience must be ≥ 0")
	case !(o.Noise >= 0) || math.IsInf(o.Noise, 0):
		return fmt.Errorf("train: noise must be finite and ≥ 0, got %v", o.Noise)
	}
	if err := o.OnNaN.Validate(); err != nil {
		return fmt.Errorf("train: on_nan: %w", err)
	}
	if err := o.Schedule.Validate(); err != nil {
		return fmt.Errorf("train: schedule: %w", err)
	}
	return nil
}

// batcher copies the rows of each step into the graph's input tensors:
// the whole set for full batches, else consecutive slices of a seeded
// permutation drawn anew every epoch, dropping the last incomplete slice
// (as the PyTorch reference does). With noise > 0 it adds N(0, noise²) to
// every value it copies, from its own seeded stream.
type batcher struct {
	d          *rowSet
	sc         *inputScale // applied to the rows as they are copied; nil: none
	batch, pos int
	perm       []int32 // the epoch's batch order, of row codes
	order      []int32 // the codes in order, for full batches of an indexed set
	epochRNG   []byte  // src's state before it shuffled perm (batchState)
	src        *rand.PCG
	rng        *rand.Rand
	idx        []int32
	// loaded counts the full-batch shards copied so far, of fills.
	loaded, fills int
	noise         float64
	noNoise       []bool // x inputs not perturbed (nil: all are)
	noiseSrc      *rand.PCG
	noiseRNG      *rand.Rand
	touched       float64 // touchRows' sums, never read (they keep the loads)
}

// streamNoise is the PCG stream of the training noise.
const streamNoise = 0x6d646e6e6f697365

func newBatcher(d *data.Dataset, batch int, seed uint64) *batcher {
	return newSetBatcher(allRows(d), batch, seed)
}

func newSetBatcher(d *rowSet, batch int, seed uint64) *batcher {
	src := rand.NewPCG(seed, 0x6d646e62617463)
	ns := rand.NewPCG(seed, streamNoise)
	return &batcher{d: d, batch: batch, pos: d.n, src: src, rng: rand.New(src), fills: math.MaxInt,
		noiseSrc: ns, noiseRNG: rand.New(ns)}
}

// next chooses the rows of the next step.
func (b *batcher) next() {
	d := b.d
	if b.batch == d.n {
		return
	}
	if b.pos+b.batch > d.n {
		b.epochRNG, _ = b.src.AppendBinary(b.epochRNG[:0])
		b.shuffle(b.rng)
		b.pos = 0
	}
	b.idx = b.perm[b.pos : b.pos+b.batch]
	b.pos += b.batch
}

// shuffle makes perm the codes of the set's rows (rowSet), in order,
// shuffled by rng: an epoch's batch order. Codes, not positions: a set
// without an index has no positions, and an index would be a second array
// as long as the permutation.
func (b *batcher) shuffle(rng *rand.Rand) {
	if len(b.perm) != b.d.n {
		b.perm = make([]int32, b.d.n)
	}
	b.d.codes(b.perm)
	rng.Shuffle(len(b.perm), func(i, j int) { b.perm[i], b.perm[j] = b.perm[j], b.perm[i] })
}

// fillRange copies rows lo..hi of the current step into xt and yt. Full
// batches without noise are copied once.
func (b *batcher) fillRange(xt, yt *tensor.Dense, lo, hi int) {
	d := b.d
	switch {
	case b.batch == d.n && b.noise == 0:
		if b.loaded < b.fills {
			b.loaded++
			b.putRange(xt, yt, lo, hi)
		}
		return
	case b.batch == d.n:
		b.putRange(xt, yt, lo, hi)
	default:
		b.touched += b.fillRows(xt, yt, lo, hi)
	}
	if b.noise > 0 {
		b.perturb(xt, b.noNoise)
		b.perturb(yt, nil)
	}
}

// putRange copies rows lo..hi of the set (a full batch) into xt and yt.
func (b *batcher) putRange(xt, yt *tensor.Dense, lo, hi int) {
	if x, y, ok := b.d.contiguous(lo, hi); ok {
		put(xt, x, b.sc.x())
		put(yt, y, b.sc.y())
		return
	}
	if b.order == nil {
		b.order = make([]int32, b.d.n)
		b.d.codes(b.order)
	}
	putSet(xt, yt, b.d, 0, hi-lo, b.order[lo:hi], b.sc)
}

// fillRows copies rows lo..hi of the current step's random rows into xt
// and yt, touching them first (touchRows, whose sum it returns). It only
// reads b, so shards may call it concurrently.
func (b *batcher) fillRows(xt, yt *tensor.Dense, lo, hi int) float64 {
	d, idx := b.d, b.idx[lo:hi]
	if d.indexed() {
		putSet(xt, yt, d, 0, len(idx), idx, b.sc)
		return 0
	}
	t := touchRows(d.a.X, d.a.XDim, idx) + touchRows(d.a.Y, d.a.YDim, idx)
	putRows(xt, d.a.X, d.a.XDim, idx, b.sc.x())
	putRows(yt, d.a.Y, d.a.YDim, idx, b.sc.y())
	return t
}

// putSet copies the rows of codes ks[lo..hi] of set d (ks nil: the rows at
// positions lo..hi) into xt and yt, standardized by sc, with the formula
// and rounding of put.
func putSet(xt, yt *tensor.Dense, d *rowSet, lo, hi int, ks []int32, sc *inputScale) {
	// Data is called once per tensor: it allocates.
	switch xv := xt.Data().(type) {
	case []float32:
		putSetT(xv, yt.Data().([]float32), d, lo, hi, ks, sc)
	case []float64:
		putSetT(xv, yt.Data().([]float64), d, lo, hi, ks, sc)
	}
}

func putSetT[T float32 | float64](xv, yv []T, d *rowSet, lo, hi int, ks []int32, sc *inputScale) {
	xs, ys := sc.x(), sc.y()
	xdim, ydim := d.xdim(), d.ydim()
	for r := lo; r < hi; r++ {
		var x, y []float64
		if ks != nil {
			x, y = d.byCode(ks[r])
		} else {
			x, y = d.row(r)
		}
		o := r - lo
		for j, v := range x {
			xv[o*xdim+j] = T(xs.at(v, j))
		}
		for j, v := range y {
			yv[o*ydim+j] = T(ys.at(v, j))
		}
	}
}

// concurrentFill reports whether the shards may copy their own rows, each
// on its worker (fillRows): random rows without noise, whose values do not
// depend on the order of the copies. Full batches are copied once, and
// noise is drawn from one stream in shard order.
func (b *batcher) concurrentFill() bool { return b.batch != b.d.n && b.noise == 0 }

// perturb adds N(0, noise²) to every value of t (row-major, len(skip)
// columns when skip is not nil) except those of the columns skip marks.
func (b *batcher) perturb(t *tensor.Dense, skip []bool) {
	h, r := b.noise, b.noiseRNG
	switch d := t.Data().(type) {
	case []float32:
		for i := range d {
			if skip == nil || !skip[i%len(skip)] {
				d[i] += float32(h * r.NormFloat64())
			}
		}
	case []float64:
		for i := range d {
			if skip == nil || !skip[i%len(skip)] {
				d[i] += h * r.NormFloat64()
			}
		}
	}
}

// colScale is the standardization (v − mean[j])/std[j] of column j of the
// rows being copied, with the formula and rounding of data.Scaler.Apply;
// a nil colScale copies the values unchanged.
type colScale struct{ mean, std []float64 }

// inputScale holds the scaler that Run applies to its rows as it copies
// them (nil: the rows are already in the network's units).
type inputScale struct{ s *data.Scaler }

func (in *inputScale) x() *colScale {
	if in == nil || in.s == nil {
		return nil
	}
	return &colScale{in.s.XMean, in.s.XStd}
}

func (in *inputScale) y() *colScale {
	if in == nil || in.s == nil {
		return nil
	}
	return &colScale{in.s.YMean, in.s.YStd}
}

func (c *colScale) at(v float64, j int) float64 {
	if c == nil {
		return v
	}
	return (v - c.mean[j]) / c.std[j]
}

// put copies whole rows v (of len(c.mean) columns when c is not nil) into t.
func put(t *tensor.Dense, v []float64, c *colScale) {
	dim := 1
	if c != nil {
		dim = len(c.mean)
	}
	switch d := t.Data().(type) {
	case []float32:
		for i, x := range v {
			d[i] = float32(c.at(x, i%dim))
		}
	case []float64:
		if c == nil {
			copy(d, v)
			return
		}
		for i, x := range v {
			d[i] = c.at(x, i%dim)
		}
	}
}

func putRows(t *tensor.Dense, v []float64, dim int, idx []int32, c *colScale) {
	switch d := t.Data().(type) {
	case []float32:
		for r, i := range idx {
			for j := range dim {
				d[r*dim+j] = float32(c.at(v[int(i)*dim+j], j))
			}
		}
	case []float64:
		for r, i := range idx {
			for j := range dim {
				d[r*dim+j] = c.at(v[int(i)*dim+j], j)
			}
		}
	}
}

// touchRows loads the first value of every row idx names, in one tight
// loop of independent loads, and returns their sum: the cache misses of a
// batch of random rows then overlap instead of coming one row after the
// other in the copy, which finds the rows in cache (BenchmarkFill: a third
// of the time on 200,000 rows).
func touchRows(v []float64, dim int, idx []int32) float64 {
	var s float64
	for _, i := range idx {
		s += v[int(i)*dim]
	}
	return s
}

// evalChunk is the most rows one validation graph holds, so that a large
// validation set does not need activations for all its rows at once. 2048
// rows of hidden [128, 128] hold about 8 MB (activations and the NLL's
// float64 scratch), per network being trained.
const evalChunk = 2048

// evaluator computes the validation NLL with forward-only graphs that share
// the training weights, chunk by chunk of at most evalChunk rows: one graph
// for the full chunks and one for the last, shorter one, each filled with
// its chunk's rows before it runs (only once when a graph has one chunk),
// so that the activations of at most two chunks are held, however many
// validation rows there are.
type evaluator struct {
	parts []evalPart
	n     int
	val   *rowSet
	sc    *inputScale
}

type evalPart struct {
	vm     G.VM
	m      *graph.MDN
	n      int
	chunks int // chunks of n rows this graph runs
}

func newEvaluator(w *graph.Weights, val *rowSet, sc *inputScale) (*evaluator, error) {
	e := &evaluator{n: val.n, val: val, sc: sc}
	full, rest := val.n/evalChunk, val.n%evalChunk
	for _, c := range []struct{ n, chunks int }{{evalChunk, full}, {rest, 1}} {
		if c.n == 0 || c.chunks == 0 {
			continue
		}
		g := G.NewGraph()
		m, err := graph.Build(g, w, c.n, false)
		if err != nil {
			e.close()
			return nil, err
		}
		vm, err := graph.NewMachine(g)
		if err != nil {
			e.close()
			return nil, err
		}
		e.parts = append(e.parts, evalPart{vm: vm, m: m, n: c.n, chunks: c.chunks})
	}
	lo := 0
	for _, p := range e.parts {
		if p.chunks == 1 {
			e.fill(p, lo)
		}
		lo += p.n * p.chunks
	}
	return e, nil
}

// fill copies the n rows of p from row lo of the validation set.
func (e *evaluator) fill(p evalPart, lo int) {
	hi := lo + p.n
	if x, y, ok := e.val.contiguous(lo, hi); ok {
		put(p.m.XT, x, e.sc.x())
		put(p.m.YT, y, e.sc.y())
		return
	}
	putSet(p.m.XT, p.m.YT, e.val, lo, hi, nil, e.sc)
}

// nll is the mean NLL over all validation rows, the chunks summed in row
// order.
func (e *evaluator) nll() (float64, error) {
	var sum float64
	lo := 0
	for _, p := range e.parts {
		for range p.chunks {
			if p.chunks > 1 {
				e.fill(p, lo)
			}
			lo += p.n
			p.vm.Reset()
			if err := p.vm.RunAll(); err != nil {
				return 0, err
			}
			v, err := p.m.LossValue()
			if err != nil {
				return 0, err
			}
			sum += v * float64(p.n)
		}
	}
	return sum / float64(e.n), nil
}

func (e *evaluator) close() {
	for _, p := range e.parts {
		p.vm.Close()
	}
}
