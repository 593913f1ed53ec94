package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/mdn-go/mdn/internal/cli"
	"github.com/spf13/cobra"
)

// exitError carries an exit status other than 1.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// run executes the mdn command line args on the streams ios and returns the
// exit status. Every error is printed as one line "mdn: …" on ios.ErrOut,
// without usage or a stack.
func run(args []string, ios *cli.IOStreams) (code int) {
	stderr := ios.ErrOut
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
	if ios.Grace == nil {
		s := *ios
		s.Grace = new(cli.Grace)
		ios = &s
	}
	go cli.ExitWhenStuck(ctx, finished, stderr, ios.Grace)
	root := newRootCmd(ios)
	root.SetArgs(args)
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(stderr)
	if cmd, err := root.ExecuteContextC(ctx); err != nil {
		msg := cli.OneLine(err)
		// Every message names the command: "mdn: train: config: …".
		if cmd != nil && cmd != root && !strings.HasPrefix(msg, cmd.Name()+": ") {
			msg = cmd.Name() + ": " + msg
		}
		fmt.Fprintf(stderr, "mdn: %s\n", cli.Bounded(msg))
		var ee *exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		return 1
	}
	return 0
}

// newRootCmd is the mdn command with its subcommands on the streams ios.
// Each subcommand is made by its newXxxCmd(ios, runF): RunE fills the
// command's options from the flags and checks them, then calls runF, when
// a test gives one, or runXxx(ctx, options, ios), which does the work.
func newRootCmd(ios *cli.IOStreams) *cobra.Command {
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
	root.AddCommand(newTrainCmd(ios, nil), newGenCmd(ios, nil), newSampleCmd(ios, nil), newPredictCmd(ios, nil),
		newEvalCmd(ios, nil), newCalibrateCmd(ios, nil), newPlotCmd(ios, nil), newServeCmd(ios, nil))
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
