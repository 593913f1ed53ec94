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
	p := New(&b)
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
	p := New(&b)
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
