package train

import (
	"bytes"
	"context"
	"encoding/gob"
	"github.com/mdn-go/mdn/arch"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestResumeEqualsUninterrupted interrupts a run, writes and reads its
// state, resumes it, and expects the weights, history and best validation
// NLL of an uninterrupted run, bit for bit.
func TestResumeEqualsUninterrupted(t *testing.T) {
	testResume(t, func(st *State) *State { return st })
}

// TestResumeVersion3 resumes from a checkpoint as version 3 wrote it, its
// batch orders kept as permutations, and expects the uninterrupted run.
func TestResumeVersion3(t *testing.T) {
	testResume(t, func(st *State) *State {
		if st.Batch.EpochRNG == nil || st.GoodBatch.EpochRNG == nil || st.Batch.Perm != nil {
			t.Fatalf("got batch orders %+v and %+v, want generator states", st.Batch, st.GoodBatch)
		}
		for _, bs := range []*batchState{&st.Batch, &st.GoodBatch} {
			b := newSetBatcher(&rowSet{n: 240}, 64, 0)
			if err := b.restore(bs); err != nil {
				t.Fatal(err)
			}
			bs.Perm, bs.EpochRNG = b.perm, nil
		}
		var buf bytes.Buffer
		enc := gob.NewEncoder(&buf)
		if err := enc.Encode(3); err != nil {
			t.Fatal(err)
		}
		if err := enc.Encode(st); err != nil {
			t.Fatal(err)
		}
		v3, err := ReadState(&buf)
		if err != nil {
			t.Fatal(err)
		}
		return v3
	})
}

// testResume interrupts a run at step 37, writes and reads its state,
// passes it through edit, resumes from what edit returns and expects the
// weights, history and best validation NLL of an uninterrupted run, bit
// for bit.
func testResume(t *testing.T, edit func(*State) *State) {
	d := ex1d(t, 300, 8)
	tr, val := d.Split(0.2, rand.New(rand.NewPCG(1, 2)))
	o := baseOptions(120)
	o.BatchSize, o.Seed, o.EvalEvery, o.RestoreBest, o.Patience = 64, 3, 10, true, 50
	spec := ex1dSpec(arch.Float32)

	w1 := newW(t, spec, 4)
	full, err := Run(context.Background(), w1, tr, val, o)
	if err != nil {
		t.Fatal(err)
	}

	w2 := newW(t, spec, 4)
	ctx, cancel := context.WithCancel(context.Background())
	o2 := o
	o2.Progress = func(p Progress) {
		if p.Step == 37 {
			cancel()
		}
	}
	part, err := Run(ctx, w2, tr, val, o2)
	if err == nil || part.Steps != 37 {
		t.Fatalf("got %v after %d steps, want an interruption at 37", err, part.Steps)
	}
	var buf bytes.Buffer
	if err := WriteState(&buf, part.State); err != nil {
		t.Fatal(err)
	}
	st, err := ReadState(&buf)
	if err != nil {
		t.Fatal(err)
	}
	w3 := newW(t, spec, 99) // different initial weights: all must come from the state
	o3 := o
	o3.Resume = edit(st)
	rest, err := Run(context.Background(), w3, tr, val, o3)
	if err != nil {
		t.Fatal(err)
	}
	a, b := w1.Arrays(), w3.Arrays()
	for i := range a {
		for j := range a[i].Data {
			if math.Float64bits(a[i].Data[j]) != math.Float64bits(b[i].Data[j]) {
				t.Fatalf("%s[%d]: got %v, want %v (uninterrupted)", a[i].Name, j, b[i].Data[j], a[i].Data[j])
			}
		}
	}
	if len(rest.History) != len(full.History) || rest.BestValNLL != full.BestValNLL || rest.BestStep != full.BestStep {
		t.Fatalf("got %d records, best %v at %d; want %d, %v at %d", len(rest.History), rest.BestValNLL,
			rest.BestStep, len(full.History), full.BestValNLL, full.BestStep)
	}
	for i := range full.History {
		g, w := rest.History[i], full.History[i]
		if g.Loss != w.Loss || g.LR != w.LR || !(g.ValNLL == w.ValNLL || math.IsNaN(g.ValNLL) && math.IsNaN(w.ValNLL)) {
			t.Fatalf("history %d: got %+v, want %+v", i, g, w)
		}
	}
}

func TestReadStateRejectsGarbage(t *testing.T) {
	if _, err := ReadState(bytes.NewReader([]byte("not gob"))); err == nil {
		t.Fatal("got no error for a garbage checkpoint")
	}
}

// TestBatchOrderVersion3Indexed: a batch order of a version 3 checkpoint
// holds positions in the set; on a set whose codes are not its positions
// (an ensemble member's) restore maps them to codes, and a state saved
// from the restored order, and restored again, keeps giving the same rows.
func TestBatchOrderVersion3Indexed(t *testing.T) {
	const n = 50
	set := &rowSet{idx: make([]int32, n), n: n}
	for i := range set.idx {
		set.idx[i] = int32(3*i + 1) // codes that are not positions
	}
	a := newSetBatcher(set, 8, 5)
	for range 9 { // into the second epoch
		a.next()
	}
	var st batchState
	a.save(&st)
	// The same order as version 3 kept it: positions.
	pos := map[int32]int32{}
	for k, c := range set.idx {
		pos[c] = int32(k)
	}
	v3 := st
	v3.EpochRNG, v3.positions = nil, true
	for _, c := range a.perm {
		v3.Perm = append(v3.Perm, pos[c])
	}
	b := newSetBatcher(set, 8, 99)
	if err := b.restore(&v3); err != nil {
		t.Fatal(err)
	}
	b.save(&v3) // into the same state, as a run saves its last good checkpoint
	c := newSetBatcher(set, 8, 7)
	if err := c.restore(&v3); err != nil {
		t.Fatal(err)
	}
	for step := range 20 {
		a.next()
		b.next()
		c.next()
		if !slices.Equal(a.idx, b.idx) || !slices.Equal(a.idx, c.idx) {
			t.Fatalf("step %d after the restore: rows %v and %v, want %v", step, b.idx, c.idx, a.idx)
		}
	}
}
