// Package progress prints the progress of a training run for mdn train.
package progress

import (
	"fmt"
	"io"
	"math"
	"time"

	"github.com/schollz/progressbar/v3"
)

// Every is the longest time between two progress lines off a
// terminal.
const Every = 10 * time.Second

// State is the state of a training run after a step, as the Printer shows
// it (the command fills it from train.Progress).
type State struct {
	Step, Steps int     // steps done, planned
	LR          float64 // learning rate of the last step
	Loss        float64 // training batch NLL, nats per row
	ValNLL      float64 // last validation NLL; NaN before the first, or without validation
	Elapsed     time.Duration
	// Networks is the number of networks the run trains (an ensemble, and
	// each member with and without noise); Finished how many have
	// stopped, and BestValNLL the mean of their best validation NLLs (NaN
	// before the first). With Networks > 1, Step and Steps add up all
	// networks' steps (a finished one counting as planned), and LR, Loss
	// and ValNLL, which jump from one network to the next, are not shown.
	Networks, Finished int
	BestValNLL         float64
}

// left is the time the remaining steps would take at the rate so far: an
// upper bound when networks stop early.
func (s State) left() time.Duration {
	if s.Step <= 0 {
		return 0
	}
	return time.Duration(float64(s.Elapsed) * float64(s.Steps-s.Step) / float64(s.Step))
}

// ensembleLine describes the progress of a run of several networks.
func (s State) ensembleLine() string {
	line := fmt.Sprintf("networks %d/%d done", s.Finished, s.Networks)
	if !math.IsNaN(s.BestValNLL) {
		line += fmt.Sprintf("  best val_nll %.4f (mean of those done)", s.BestValNLL)
	}
	if s.Step < s.Steps {
		line += fmt.Sprintf("  at most %s left", s.left().Round(time.Second))
	}
	return line
}

// Printer draws the progress of a training run (State) as a bar
// on a terminal and as plain lines otherwise:
// every 10% of the steps, and at least every 10 s.
type Printer struct {
	w        io.Writer
	bar      *progressbar.ProgressBar
	tty      bool
	lastLine int
	lastTime time.Duration // Elapsed at the last line
}

// New returns a Printer that writes to w: a bar if tty (w is a terminal;
// mdn train passes cli.IOStreams.IsStderrTTY), plain lines otherwise.
func New(w io.Writer, tty bool) *Printer {
	return &Printer{w: w, tty: tty}
}

// Update reports the state after a step.
func (p *Printer) Update(s State) {
	if p.tty {
		if p.bar == nil {
			p.bar = progressbar.NewOptions(s.Steps, progressbar.OptionSetWriter(p.w),
				progressbar.OptionSetDescription("training"), progressbar.OptionShowCount(),
				progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionClearOnFinish())
		}
		desc := fmt.Sprintf("loss %.4f", s.Loss)
		if !math.IsNaN(s.ValNLL) {
			desc += fmt.Sprintf(" val %.4f", s.ValNLL)
		}
		if s.Networks > 1 {
			desc = fmt.Sprintf("networks %d/%d done", s.Finished, s.Networks)
			if !math.IsNaN(s.BestValNLL) {
				desc += fmt.Sprintf(" best val %.4f", s.BestValNLL)
			}
		}
		p.bar.Describe(desc)
		p.bar.Set(s.Step)
		return
	}
	tenth := s.Step * 10 / s.Steps
	if tenth > p.lastLine || s.Step == s.Steps || s.Elapsed-p.lastTime >= Every {
		p.lastLine, p.lastTime = tenth, s.Elapsed
		line := fmt.Sprintf("step %d/%d  lr %.3g  loss %.4f", s.Step, s.Steps, s.LR, s.Loss)
		if !math.IsNaN(s.ValNLL) {
			line += fmt.Sprintf("  val_nll %.4f", s.ValNLL)
		}
		if s.Networks > 1 {
			line = s.ensembleLine()
		}
		fmt.Fprintf(p.w, "%s  (%.1fs)\n", line, s.Elapsed.Seconds())
	}
}

// Finish ends the bar, if any.
func (p *Printer) Finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
