package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/mdn-go/mdn/internal/output"
	"github.com/spf13/cobra"
)

// exitError carries an exit status other than 1.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// streams are the command's standard streams.
type streams struct {
	in       io.Reader
	out, err io.Writer
}

// run executes the mdn command line args and returns the exit status. Every
// error is printed as one line "mdn: …" on stderr, without usage or a stack.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	defer func() {
		// A panic is our bug (or a library's); the user still gets one line.
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "mdn: internal error: %v (please report it with the command line; MDN_TRACE=1 shows the stack)\n", r)
			if os.Getenv("MDN_TRACE") != "" {
				stderr.Write(debug.Stack())
			}
			code = 2
		}
	}()
	finished := make(chan struct{})
	defer close(finished)
	go exitWhenStuck(ctx, finished, stderr)
	io := streams{in: stdin, out: stdout, err: stderr}
	root := newRootCmd(io)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if cmd, err := root.ExecuteContextC(ctx); err != nil {
		msg := oneLine(err)
		// Every message names the command: "mdn: train: config: …".
		if cmd != nil && cmd != root && !strings.HasPrefix(msg, cmd.Name()+": ") {
			msg = cmd.Name() + ": " + msg
		}
		fmt.Fprintf(stderr, "mdn: %s\n", bounded(msg))
		var ee *exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		return 1
	}
	return 0
}

// interruptGrace is how long a command may take to stop after SIGINT or
// SIGTERM (train finishes its step and writes the checkpoint; sample and
// predict stop at the next chunk) before mdn exits by itself.
const interruptGrace = 10 * time.Second

// exitWhenStuck makes a signal stop every command: after the first SIGINT
// or SIGTERM the command has interruptGrace to finish; at a second signal,
// or when the grace is over (a command such as plot that cannot stop
// halfway), mdn removes its temporary files (output.Abandon, which waits
// for a publication in progress) and exits with status 130.
func exitWhenStuck(ctx context.Context, finished <-chan struct{}, stderr io.Writer) {
	select {
	case <-ctx.Done():
	case <-finished:
		return
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	t := time.NewTimer(interruptGrace)
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

// maxMessage is the longest error message mdn prints, in bytes; the
// libraries already list at most a few names ("and N more"), this is the
// backstop for anything else a huge input could put into a message.
const maxMessage = 2000

// bounded cuts msg to maxMessage bytes (on a UTF-8 boundary), saying how
// much was left out.
func bounded(msg string) string {
	if len(msg) <= maxMessage {
		return msg
	}
	cut := maxMessage
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d more bytes)", msg[:cut], len(msg)-cut)
}

func oneLine(err error) string {
	return strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
}

func newRootCmd(io streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "mdn",
		Short: "Mixture Density Networks: train, sample, evaluate and plot",
		Long: `mdn fits a Mixture Density Network (Bishop 1994) to CSV data: a neural network
whose outputs are the weights, means and covariances of a Gaussian mixture
p(y|x) over the response columns y given the covariate columns x.`,
		Example: `  mdn gen ex1d --out ex1d.csv
  mdn train --config configs/ex_1d.yaml --out out --figure out/ex_1d.png
  mdn sample --model out/model.json --input testdata/ex1d_test.csv --n-samples 5
  mdn eval --model out/model.json --data testdata/ex1d_test.csv --json
  mdn plot --model out/model.json --data testdata/ex1d_train.csv --out fit.png`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		if !c.HasParent() {
			return fmt.Errorf("%w (see 'mdn --help')", err)
		}
		return fmt.Errorf("%s: %w (see '%s --help')", strings.TrimPrefix(c.CommandPath(), "mdn "), err, c.CommandPath())
	})
	root.AddCommand(newTrainCmd(io), newGenCmd(io), newSampleCmd(io), newPredictCmd(io), newEvalCmd(io), newPlotCmd(io), newServeCmd(io))
	return root
}

// version is the module version mdn was built from ("(devel)" from a
// checkout), with the VCS revision when the build recorded one.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v
}
