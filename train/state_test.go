package train

import (
	"bytes"
	"context"
	"github.com/mdn-go/mdn/arch"
	"math"
	"math/rand/v2"
	"testing"
)

// TestResumeEqualsUninterrupted interrupts a run, writes and reads its
// state, resumes it, and expects the weights, history and best validation
// NLL of an uninterrupted run, bit for bit.
func TestResumeEqualsUninterrupted(t *testing.T) {
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
	o3.Resume = st
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
