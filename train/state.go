package train

import (
	"encoding/gob"
	"fmt"
	"github.com/mdn-go/mdn/arch"
	"io"

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

// stateVersion changes whenever State does.
const stateVersion = 3

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
	if v != stateVersion {
		return nil, fmt.Errorf("checkpoint version %d, this mdn reads %d", v, stateVersion)
	}
	st := new(State)
	if err := dec.Decode(st); err != nil {
		return nil, fmt.Errorf("corrupt checkpoint: %w", err)
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

// batchState is the position in the shuffled batch order.
type batchState struct {
	Perm []int32
	Pos  int
	RNG  []byte // the PCG state
	// Noise is the PCG state of the training noise.
	Noise []byte
}

func (b *batcher) save(st *batchState) {
	st.Perm = append(st.Perm[:0], b.perm...)
	if b.perm == nil {
		st.Perm = nil
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
	b.perm, b.pos = append([]int32(nil), st.Perm...), st.Pos
	if st.Perm == nil {
		b.perm = nil
	}
	return nil
}
