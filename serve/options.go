package serve

import (
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/mdn-go/mdn/encode"
)

// Defaults of Options (and of the flags of mdn serve).
const (
	DefaultAddr              = "127.0.0.1:8080"
	DefaultMaxBodyBytes      = 8 << 20 // 8 MiB
	DefaultMaxRows           = 100_000
	DefaultMaxDraws          = 1_000_000
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 60 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
	DefaultDrainTimeout      = 10 * time.Second
	DefaultMaxAnswerBytes    = 32 << 20  // 32 MiB
	DefaultMaxMemoryBytes    = 384 << 20 // 384 MiB
	DefaultQueueWait         = time.Second
)

// DefaultMaxInFlight is the default of Options.MaxInFlight: 2 × GOMAXPROCS
// (the work is CPU-bound; more at once only holds more memory).
func DefaultMaxInFlight() int { return 2 * runtime.GOMAXPROCS(0) }

// Options configure a Server and Run. The zero value of a field means its
// default (Default*); negative values are errors.
type Options struct {
	// Model is the path of the model file (written by mdn train), required
	// by New and Run. SIGHUP (Reload) reads it again. NewFromModel serves
	// the model it is given, and reloads from Model only if it is set.
	Model string
	// Addr is the TCP address to listen on, host:port; port 0 picks a free
	// port. Default DefaultAddr (loopback only).
	Addr string
	// MaxBodyBytes bounds a request body, in bytes; a larger one gets 413.
	// Default 8 MiB.
	MaxBodyBytes int64
	// MaxRows bounds the rows of one request; more get 413. Default 100,000.
	MaxRows int
	// MaxDraws bounds rows × n_samples of one /v1/sample request (n_samples
	// alone when there are no rows) and rows × len(q) of one quantiles
	// request; more get 413. Default 1,000,000.
	MaxDraws int
	// ReadHeaderTimeout, ReadTimeout, WriteTimeout and IdleTimeout are the
	// http.Server timeouts: reading the headers, reading the whole request,
	// from the end of the headers to the end of the response, and an idle
	// keep-alive connection. Defaults 5 s, 30 s, 60 s, 120 s.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// DrainTimeout bounds the graceful shutdown: after ctx is done, Run
	// stops accepting connections and waits this long for in-flight
	// requests before it closes the rest. Default 10 s.
	DrainTimeout time.Duration
	// MaxInFlight bounds the requests computed at once (after their bodies
	// are read). A request that finds them all busy waits up to QueueWait
	// for one, then gets 503 with Retry-After: 1. Default
	// DefaultMaxInFlight(), QueueWait default 1 s.
	MaxInFlight int
	QueueWait   time.Duration
	// MaxAnswerBytes bounds the JSON answer of one request, in bytes; a
	// request whose answer grows past it gets 413 (ask for fewer rows).
	// Default 32 MiB.
	MaxAnswerBytes int64
	// MaxMemoryBytes bounds the request bodies and answers held by all
	// requests in flight together, in bytes; a request that would take more
	// gets 503 with Retry-After: 1. Default 384 MiB.
	MaxMemoryBytes int64
	// UnknownLevel and Missing, if not "", override the model's policies
	// for a label unseen in training and a missing cell (as mdn predict's
	// --unknown-level and --missing; see encode.Schema.WithPolicies). Under
	// Missing "drop" a row with a missing cell is a 400, since the rows of
	// a request are answered one for one.
	UnknownLevel encode.Unknown
	Missing      encode.Missing
	// Log receives the "listening on" line and the server's log lines
	// (reloads, panics, shutdown). Default io.Discard.
	Log io.Writer
	// Reload, if not nil, makes Run reload the model file on each receive
	// (mdn serve sends on SIGHUP).
	Reload <-chan struct{}
}

// withDefaults returns o with every zero field set to its default, or an
// error naming the first invalid field.
func (o Options) withDefaults() (Options, error) {
	if o.Addr == "" {
		o.Addr = DefaultAddr
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	for _, f := range []struct {
		name string
		v    *int64
		def  int64
	}{
		{"max body bytes", &o.MaxBodyBytes, DefaultMaxBodyBytes},
		{"max answer bytes", &o.MaxAnswerBytes, DefaultMaxAnswerBytes},
		{"max memory bytes", &o.MaxMemoryBytes, DefaultMaxMemoryBytes},
	} {
		if *f.v < 0 {
			return o, fmt.Errorf("serve: %s must be ≥ 0 (0 = default), got %d", f.name, *f.v)
		}
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	for _, f := range []struct {
		name string
		v    *int
		def  int
	}{
		{"max rows", &o.MaxRows, DefaultMaxRows},
		{"max draws", &o.MaxDraws, DefaultMaxDraws},
		{"max in flight", &o.MaxInFlight, DefaultMaxInFlight()},
	} {
		if *f.v < 0 {
			return o, fmt.Errorf("serve: %s must be ≥ 0 (0 = default), got %d", f.name, *f.v)
		}
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	for _, f := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"read header timeout", &o.ReadHeaderTimeout, DefaultReadHeaderTimeout},
		{"read timeout", &o.ReadTimeout, DefaultReadTimeout},
		{"write timeout", &o.WriteTimeout, DefaultWriteTimeout},
		{"idle timeout", &o.IdleTimeout, DefaultIdleTimeout},
		{"drain timeout", &o.DrainTimeout, DefaultDrainTimeout},
		{"queue wait", &o.QueueWait, DefaultQueueWait},
	} {
		if *f.v < 0 {
			return o, fmt.Errorf("serve: %s must be ≥ 0 (0 = default), got %v", f.name, *f.v)
		}
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	return o, nil
}
