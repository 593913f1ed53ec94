package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/mdn-go/mdn/encode"
	"github.com/mdn-go/mdn/internal/cli"
	"github.com/mdn-go/mdn/serve"
	"github.com/spf13/cobra"
)

// serveOptions are mdn serve's flags: the server's options and the
// policies as given (--unknown-level, --missing), which RunE converts.
type serveOptions struct {
	serve.Options
	unknown, missing string
}

// newServeCmd is mdn serve; runF, when not nil, gets the checked options
// instead of runServe.
func newServeCmd(ios *cli.IOStreams, runF func(*serveOptions) error) *cobra.Command {
	o := &serveOptions{}
	c := &cobra.Command{
		Use:   "serve --model FILE [--addr HOST:PORT]",
		Short: "Serve the model over HTTP: predict, sample, logpdf, metrics",
		Long: `Serve a model file over HTTP with a JSON API (docs/serve.md):

  POST /v1/predict  {"what": "mean", "rows": [{"x": 1.5}], "q": […], "level": 0.8}
                    → {"results": [ … ]}, one mdn predict --json object per row
  POST /v1/sample   {"rows": […], "n_samples": 10, "seed": 1, "temperature": 1}
  POST /v1/logpdf   {"rows": [{"x": 1.5, "y": 0.2}]} → log p(y|x) per row
  GET  /v1/model    columns, spec and training summary
  GET  /healthz, GET /metrics (Prometheus)

When ready it prints "listening on http://HOST:PORT" on stderr (port 0 picks a
free port). SIGTERM or SIGINT stops accepting, lets the requests in flight
finish (up to --drain-timeout) and exits 0. SIGHUP reloads the model file; a
file that does not load keeps the old model serving and is logged.`,
		Example: `  mdn serve --model out/model.json
  mdn serve --model out/model.json --addr 127.0.0.1:0 --max-rows 10000`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			o.UnknownLevel, o.Missing = encode.Unknown(o.unknown), encode.Missing(o.missing)
			if err := o.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return runServe(c.Context(), o, ios)
		},
	}
	f := c.Flags()
	f.StringVar(&o.Model, "model", "", "model file written by mdn train (required)")
	f.StringVar(&o.Addr, "addr", serve.DefaultAddr, "address to listen on, HOST:PORT (port 0: any free port)")
	f.Int64Var(&o.MaxBodyBytes, "max-body-bytes", serve.DefaultMaxBodyBytes, "largest request body in bytes (larger: 413)")
	f.IntVar(&o.MaxRows, "max-rows", serve.DefaultMaxRows, "most rows in one request (more: 413)")
	f.IntVar(&o.MaxDraws, "max-draws", serve.DefaultMaxDraws, "most rows × n_samples in one /v1/sample request, rows × q values for quantiles (more: 413)")
	f.DurationVar(&o.ReadHeaderTimeout, "read-header-timeout", serve.DefaultReadHeaderTimeout, "time to read a request's headers")
	f.DurationVar(&o.ReadTimeout, "read-timeout", serve.DefaultReadTimeout, "time to read a whole request")
	f.DurationVar(&o.WriteTimeout, "write-timeout", serve.DefaultWriteTimeout, "time from a request's headers to the end of its response")
	f.DurationVar(&o.IdleTimeout, "idle-timeout", serve.DefaultIdleTimeout, "how long an idle keep-alive connection stays open")
	f.StringVar(&o.unknown, "unknown-level", "", "a label unseen in training: error, or zero (all its inputs 0); default: the model's data.unknown_level")
	f.StringVar(&o.missing, "missing", "", "a missing cell: error, or impute (models trained with it); default: the model's data.missing")
	f.DurationVar(&o.DrainTimeout, "drain-timeout", serve.DefaultDrainTimeout, "on SIGTERM/SIGINT, how long requests in flight may finish")
	f.IntVar(&o.MaxInFlight, "max-in-flight", serve.DefaultMaxInFlight(), "most requests computed at once (2 × GOMAXPROCS); others wait --queue-wait, then 503")
	f.DurationVar(&o.QueueWait, "queue-wait", serve.DefaultQueueWait, "how long a request waits for a free slot before 503 with Retry-After")
	f.Int64Var(&o.MaxAnswerBytes, "max-answer-bytes", serve.DefaultMaxAnswerBytes, "largest JSON answer of one request in bytes (larger: 413)")
	f.Int64Var(&o.MaxMemoryBytes, "max-memory-bytes", serve.DefaultMaxMemoryBytes, "bytes of request bodies and answers all requests in flight may hold (more: 503)")
	return c
}

// check checks the flags by themselves, before anything is read.
func (o *serveOptions) check() error {
	if err := required("serve", "--model", o.Model); err != nil {
		return err
	}
	for _, v := range []struct {
		flag string
		bad  bool
	}{
		{"--max-body-bytes", o.MaxBodyBytes < 1}, {"--max-rows", o.MaxRows < 1}, {"--max-draws", o.MaxDraws < 1},
		{"--read-header-timeout", o.ReadHeaderTimeout <= 0}, {"--read-timeout", o.ReadTimeout <= 0},
		{"--write-timeout", o.WriteTimeout <= 0}, {"--idle-timeout", o.IdleTimeout <= 0},
		{"--drain-timeout", o.DrainTimeout <= 0}, {"--max-in-flight", o.MaxInFlight < 1},
		{"--queue-wait", o.QueueWait <= 0}, {"--max-answer-bytes", o.MaxAnswerBytes < 1},
		{"--max-memory-bytes", o.MaxMemoryBytes < 1},
	} {
		if v.bad {
			return fmt.Errorf("serve: %s must be > 0", v.flag)
		}
	}
	if o.UnknownLevel != "" {
		if err := o.UnknownLevel.Validate(); err != nil {
			return fmt.Errorf("serve: --unknown-level %w", err)
		}
	}
	if o.Missing != "" {
		if err := o.Missing.Validate(); err != nil {
			return fmt.Errorf("serve: --missing %w", err)
		}
	}
	return nil
}

// runServe serves o.Model, logging to ios.ErrOut, until ctx (SIGINT/SIGTERM,
// see run) is done; SIGHUP reloads the model.
func runServe(ctx context.Context, o *serveOptions, ios *cli.IOStreams) error {
	opts := o.Options // a copy, given the log and the reload channel
	// The watchdog must not cut a drain short: it waits for the drain
	// timeout and the margin to close what is left.
	ios.Grace.AtLeast(opts.DrainTimeout + cli.DrainMargin)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer func() { signal.Stop(hup); close(hup) }()
	reload := make(chan struct{})
	go func() {
		for range hup {
			select {
			case reload <- struct{}{}:
			case <-ctx.Done():
				return
			}
		}
	}()
	opts.Log, opts.Reload = ios.ErrOut, reload
	setMemoryLimit(opts)
	if err := serve.Run(ctx, opts); err != nil {
		return err
	}
	return nil
}

// memorySlack is what the server's Go heap may hold beyond the bodies and
// answers in flight (--max-memory-bytes): models, workers, mixtures of a
// chunk of rows per request.
const memorySlack = 128 << 20

// setMemoryLimit gives the Go runtime a soft memory limit of
// --max-memory-bytes plus memorySlack, so that the garbage collector runs
// before the heap grows to twice what is live, unless GOMEMLIMIT is set.
func setMemoryLimit(o serve.Options) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(o.MaxMemoryBytes + memorySlack)
}
