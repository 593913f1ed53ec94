package train

import (
	"encoding/gob"
	"fmt"
	"io"
	"math/rand/v2"

	"github.com/mdn-go/mdn/arch"

	"github.com/mdn-go/mdn/graph"
)

// State is a snapshot of a run between two steps: enough to continue it
// exactly (Options.Resume). It is written with gob (WriteState), which keeps
// NaN and every bit of the floats.
type State struct {
	Planned, Step int // steps planned and done
	Weights, Good []arch.Array
	Best          []arch.Array // nil before the first evaluation
	Adam          adamState
	GoodAdam      adamState
	GoodStep      int
	BestValNLL    float64
	BestStep      int
	SinceBest     int
	LastVal       float64
	LRScale       float64
	Rollbacks     int
	Batch         batchState // the batch order now
	GoodBatch     batchState // and at the last good checkpoint
	History       []Record
	Seconds       float64
	// Stopped is how the run stopped (Result.Stopped). A run that is over
	// ("completed" or "early-stopped") takes no more steps when resumed,
	// and its state keeps no batch order.
	Stopped string
	// NoiseScale is the train.noise_scale chosen for the run (Result.NoiseScale).
	NoiseScale float64
	// NoisePending says the run was interrupted before train.noise_select
	// chose: this State and Ensemble hold all 2M networks, members 0 … M−1
	// with noise, then the same members without.
	NoisePending bool
	// Ensemble holds the states of members 1 … M−1 of an ensemble run
	// (this State is member 0's), or of networks 1 … 2M−1 when
	// NoisePending; nil for a single network.
	Ensemble []*State
}

// stateVersion changes whenever State does. Version 4 keeps a batch order
// as the generator state that drew it (batchState.EpochRNG) instead of the
// permutation; ReadState still reads version 3, whose orders are
// permutations.
const stateVersion = 4

// WriteState writes st to w.
func WriteState(w io.Writer, st *State) error {
	enc := gob.NewEncoder(w)
	if err := enc.Encode(stateVersion); err != nil {
		return err
	}
	return enc.Encode(st)
}

// ReadState reads a State written by WriteState.
func ReadState(r io.Reader) (*State, error) {
	dec := gob.NewDecoder(r)
	var v int
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not a training checkpoint: %w", err)
	}
	if v != stateVersion && v != 3 {
		return nil, fmt.Errorf("checkpoint version %d, this mdn reads 3 and %d", v, stateVersion)
	}
	st := new(State)
	if err := dec.Decode(st); err != nil {
		return nil, fmt.Errorf("corrupt checkpoint: %w", err)
	}
	if v == 3 {
		for _, s := range append([]*State{st}, st.Ensemble...) {
			if s != nil {
				s.Batch.positions, s.GoodBatch.positions = true, true
			}
		}
	}
	return st, nil
}

func (st *State) restore(w, good *graph.Weights) error {
	cw, err := graph.WeightsFromArrays(w.Spec, st.Weights)
	if err != nil {
		return fmt.Errorf("train: resume: weights: %w", err)
	}
	cg, err := graph.WeightsFromArrays(w.Spec, st.Good)
	if err != nil {
		return fmt.Errorf("train: resume: checkpoint weights: %w", err)
	}
	if len(st.Adam.M) != len(w.Tensors()) {
		return fmt.Errorf("train: resume: optimizer state has %d tensors, the model %d", len(st.Adam.M), len(w.Tensors()))
	}
	for i, t := range w.Tensors() {
		if len(st.Adam.M[i]) != t.Size() || len(st.Adam.V[i]) != t.Size() {
			return fmt.Errorf("train: resume: optimizer state of %s has the wrong size", w.Names()[i])
		}
	}
	w.CopyFrom(cw)
	good.CopyFrom(cg)
	return nil
}

// batchState is the position in the shuffled batch order. The order of an
// epoch is the identity permutation shuffled by the batch generator, so it
// is kept as the generator's state before that shuffle (EpochRNG; nil
// before the first epoch or for full batches), not as a row index each:
// the permutation of a big table is as large as a column, and the last
// good checkpoint of every network training at once would hold a copy.
// Perm is the permutation itself, of row codes (rowSet), or of positions
// in the set as checkpoints of version 3 kept it (positions).
type batchState struct {
	Perm      []int32
	positions bool
	EpochRNG  []byte
	Pos       int
	RNG       []byte // the PCG state
	// Noise is the PCG state of the training noise.
	Noise []byte
}

func (b *batcher) save(st *batchState) {
	perm, epoch := st.Perm[:0], st.EpochRNG[:0]
	st.Perm, st.EpochRNG, st.positions = nil, nil, false
	switch {
	case b.perm == nil:
	case b.epochRNG != nil:
		st.EpochRNG = append(epoch, b.epochRNG...)
	default:
		// An order restored from a version 3 checkpoint, drawn before
		// the generator state was kept.
		st.Perm = append(perm, b.perm...)
	}
	st.Pos = b.pos
	st.RNG, _ = b.src.MarshalBinary()
	st.Noise, _ = b.noiseSrc.MarshalBinary()
}

func (b *batcher) restore(st *batchState) error {
	if st.Perm != nil && len(st.Perm) != b.d.n {
		return fmt.Errorf("train: resume: the checkpoint's batch order has %d rows, the data %d", len(st.Perm), b.d.n)
	}
	if err := b.src.UnmarshalBinary(st.RNG); err != nil {
		return fmt.Errorf("train: resume: batch order: %w", err)
	}
	if st.Noise != nil {
		if err := b.noiseSrc.UnmarshalBinary(st.Noise); err != nil {
			return fmt.Errorf("train: resume: noise: %w", err)
		}
	}
	if err := b.toCodes(st); err != nil {
		return err
	}
	b.pos = st.Pos
	switch {
	case st.Perm != nil:
		b.perm, b.epochRNG = append(b.perm[:0], st.Perm...), nil
	case st.EpochRNG != nil:
		src := new(rand.PCG)
		if err := src.UnmarshalBinary(st.EpochRNG); err != nil {
			return fmt.Errorf("train: resume: batch order: %w", err)
		}
		b.epochRNG = append(b.epochRNG[:0], st.EpochRNG...)
		b.shuffle(rand.New(src))
	default:
		b.perm, b.epochRNG = nil, nil
	}
	return nil
}

// toCodes turns the batch order of a version 3 checkpoint in st (positions
// in b's set) into the codes of those rows, in place, so that st can be
// saved as version 4 and restored again; it does nothing to any other st.
func (b *batcher) toCodes(st *batchState) error {
	if !st.positions {
		return nil
	}
	if b.d.indexed() {
		codes := make([]int32, b.d.n)
		b.d.codes(codes)
		for i, k := range st.Perm {
			if k < 0 || int(k) >= len(codes) {
				return fmt.Errorf("train: resume: the checkpoint's batch order names row %d of %d", k, len(codes))
			}
			st.Perm[i] = codes[k]
		}
	}
	st.positions = false
	return nil
}
