package serve

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"time"
)

// Run serves the model file o.Model on o.Addr until ctx is done, then
// shuts down gracefully: it stops accepting connections, lets the requests
// in flight finish for up to o.DrainTimeout, closes what is left and
// returns nil. When listening it writes "listening on http://HOST:PORT"
// (the real port, also for port 0) to o.Log. Each receive on o.Reload
// reloads the model file (see Server.Reload); a file that does not load
// leaves the old model serving. Run returns an error if the model does not
// load or the address cannot be listened on.
func Run(ctx context.Context, o Options) error {
	s, err := New(o)
	if err != nil {
		return err
	}
	o = s.opts
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return fmt.Errorf("serve: listen: %w", err)
	}
	return s.Serve(ctx, ln)
}

// Serve is Run on a listener the caller opened; it closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	o := s.opts
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: o.ReadHeaderTimeout,
		ReadTimeout:       o.ReadTimeout,
		WriteTimeout:      o.WriteTimeout,
		IdleTimeout:       o.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          log.New(o.Log, "http: ", log.LstdFlags|log.LUTC),
	}
	fmt.Fprintf(o.Log, "listening on http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	// Reloads run on their own goroutine, one at a time, so that however
	// long one takes this loop still sees ctx (model.ReadFile never blocks
	// and reads at most model.MaxFileBytes, so none takes long).
	rctx, stopReloads := context.WithCancel(ctx)
	defer stopReloads()
	go func() {
		for {
			select {
			case <-o.Reload:
				s.Reload()
			case <-rctx.Done():
				return
			}
		}
	}()
	for {
		select {
		case err := <-errc:
			return fmt.Errorf("serve: %w", err)
		case <-ctx.Done():
			s.log.Printf("shutting down: draining requests in flight (up to %v)", o.DrainTimeout)
			dctx, cancel := context.WithTimeout(context.Background(), o.DrainTimeout)
			defer cancel()
			start := time.Now()
			if err := hs.Shutdown(dctx); err != nil {
				if errors.Is(err, context.DeadlineExceeded) {
					s.log.Printf("drain timeout %v passed: closing the connections still open", o.DrainTimeout)
					hs.Close()
					return nil
				}
				return fmt.Errorf("serve: shutdown: %w", err)
			}
			s.log.Printf("stopped after draining for %v", time.Since(start).Round(time.Millisecond))
			return nil
		}
	}
}
