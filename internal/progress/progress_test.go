package progress

import (
	"math"
	"strings"
	"testing"
	"time"
)

// TestProgressEvery10s: off a terminal a line is printed at least every
// 10 s of training, besides every 10% of the steps.
func TestProgressEvery10s(t *testing.T) {
	var b strings.Builder
	p := New(&b, false)
	for i, el := range []time.Duration{0, time.Second, 11 * time.Second, 12 * time.Second, 25 * time.Second} {
		p.Update(State{Step: i + 1, Steps: 1000, Loss: 1, ValNLL: math.NaN(), Elapsed: el})
	}
	// Step 1 is not 10% of 1000; lines at 11 s and 25 s only.
	if got := strings.Count(b.String(), "\n"); got != 2 || !strings.Contains(b.String(), "step 3/1000") || !strings.Contains(b.String(), "step 5/1000") {
		t.Fatalf("got %q, want lines for steps 3 and 5", b.String())
	}
}

// TestProgressEnsemble: a run of several networks is reported by networks
// finished, the mean best validation NLL and the time left, not by one
// network's step, learning rate and loss.
func TestProgressEnsemble(t *testing.T) {
	var b strings.Builder
	p := New(&b, false)
	p.Update(State{Step: 500, Steps: 1000, LR: math.NaN(), Loss: math.NaN(), ValNLL: math.NaN(),
		Elapsed: 10 * time.Second, Networks: 20, Finished: 5, BestValNLL: 0.5})
	got := b.String()
	for _, want := range []string{"networks 5/20 done", "best val_nll 0.5000", "at most 10s left"} {
		if !strings.Contains(got, want) {
			t.Errorf("got %q, want it to contain %q", got, want)
		}
	}
	if strings.Contains(got, "lr") || strings.Contains(got, "loss") {
		t.Errorf("got %q: an ensemble's line shows one network's lr or loss", got)
	}
}

// TestProgressTTY: on a terminal the Printer draws one bar that it redraws
// in place (carriage returns, no newline while it runs) with the loss in its
// description; off a terminal, the same updates are plain lines.
func TestProgressTTY(t *testing.T) {
	states := []State{
		{Step: 100, Steps: 1000, LR: 0.01, Loss: 1.5, ValNLL: math.NaN(), Elapsed: time.Second},
		{Step: 500, Steps: 1000, LR: 0.01, Loss: 1.25, ValNLL: 1.375, Elapsed: 5 * time.Second},
	}
	var bar, lines strings.Builder
	pb, pl := New(&bar, true), New(&lines, false)
	for _, s := range states {
		pb.Update(s)
		pl.Update(s)
	}
	got := bar.String()
	if !strings.Contains(got, "\r") || strings.Contains(got, "\n") || !strings.Contains(got, "loss 1.5000") ||
		strings.Contains(got, "step ") {
		t.Errorf("terminal: got %q, want a bar redrawn with \\r, its description loss 1.5000, no lines", got)
	}
	if want := "step 100/1000  lr 0.01  loss 1.5000  (1.0s)\nstep 500/1000  lr 0.01  loss 1.2500  val_nll 1.3750  (5.0s)\n"; lines.String() != want {
		t.Errorf("not a terminal: got %q, want %q", lines.String(), want)
	}
	pb.Finish()
	if s := bar.String(); !strings.HasSuffix(s, "\r") || strings.Contains(s, "\n") {
		t.Errorf("terminal, finished: got %q, want the bar cleared", s)
	}
}
