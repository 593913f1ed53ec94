// Package cli holds the process-level behaviour of the mdn command that is
// not a subcommand: the streams the commands read and write (IOStreams),
// how long a signalled command may take to stop, and how long an error
// message may be. It keeps cmd/mdn to wiring.
package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/mdn-go/mdn/internal/output"
)

// InterruptGrace is how long a command may take to stop after SIGINT or
// SIGTERM (train finishes its step and writes the checkpoint; sample and
// predict stop at the next chunk) before mdn exits by itself.
const InterruptGrace = 10 * time.Second

// Grace is how long the running command may take to stop after the first
// SIGINT or SIGTERM: InterruptGrace, or longer for a command that says it
// needs longer (mdn serve: its --drain-timeout and DrainMargin). It may be
// used from any goroutine; a nil *Grace is InterruptGrace.
type Grace struct{ d atomic.Int64 }

// AtLeast makes the grace at least d.
func (g *Grace) AtLeast(d time.Duration) {
	if g == nil {
		return
	}
	for {
		cur := g.d.Load()
		if int64(d) <= cur || g.d.CompareAndSwap(cur, int64(d)) {
			return
		}
	}
}

// Duration is the grace: the longest asked for with AtLeast, and never
// less than InterruptGrace.
func (g *Grace) Duration() time.Duration {
	if g == nil {
		return InterruptGrace
	}
	return max(InterruptGrace, time.Duration(g.d.Load()))
}

// DrainMargin is what a draining server is given beyond its drain timeout
// to close the connections left and exit by itself (status 0) before the
// watchdog would.
const DrainMargin = 5 * time.Second

// ExitWhenStuck makes a signal stop every command: after the first SIGINT
// or SIGTERM (ctx is done) the command has grace.Duration() to finish; at a
// second signal, or when the grace is over (a command such as plot that
// cannot stop halfway), it removes the process's temporary files
// (output.Abandon, which waits for a publication in progress) and exits
// the process with status 130. It returns when finished is closed.
func ExitWhenStuck(ctx context.Context, finished <-chan struct{}, stderr io.Writer, grace *Grace) {
	select {
	case <-ctx.Done():
	case <-finished:
		return
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	t := time.NewTimer(grace.Duration())
	defer t.Stop()
	select {
	case <-finished:
		return
	case <-t.C:
	case <-sig:
	}
	output.Abandon()
	fmt.Fprintln(stderr, "mdn: interrupted; stopped at once (temporary files removed)")
	os.Exit(130)
}

// MaxMessage is the longest error message mdn prints, in bytes; the
// libraries already list at most a few names ("and N more"), this is the
// backstop for anything else a huge input could put into a message.
const MaxMessage = 2000

// OneLine is err's message on one line: surrounding space trimmed, each
// newline replaced by "; ".
func OneLine(err error) string {
	return strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
}

// Bounded cuts msg to MaxMessage bytes (on a UTF-8 boundary), saying how
// much was left out.
func Bounded(msg string) string {
	if len(msg) <= MaxMessage {
		return msg
	}
	cut := MaxMessage
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d more bytes)", msg[:cut], len(msg)-cut)
}
