package serve

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// This file bounds what a request may take from the server: its body is
// read as it arrives (never sized by Content-Length), the bodies and
// answers of all requests in flight share one memory budget, at most
// MaxInFlight requests compute at once, and a request stops when its
// client has gone.

// budget is a count of bytes in use with a limit; reserve fails rather
// than exceed it.
type budget struct {
	used  atomic.Int64
	limit int64
}

func (b *budget) reserve(n int64) bool {
	for {
		u := b.used.Load()
		if u+n > b.limit {
			return false
		}
		if b.used.CompareAndSwap(u, u+n) {
			return true
		}
	}
}

func (b *budget) release(n int64) { b.used.Add(-n) }

// errBusy is a 503: the server's request or memory limit is reached; the
// client may retry (Retry-After: 1).
func errBusy(what string) *httpError {
	return &httpError{Status: http.StatusServiceUnavailable, Msg: "server busy: " + what + "; retry later"}
}

// held is memory charged to the server's budget: the capacity of a
// buffer that a request holds.
type held struct{ n int64 }

// charge charges a buffer of capacity c against the server's budget,
// reserving only what grew since the last charge. It fails with 503 when
// the budget is spent.
func (s *Server) charge(h *held, c int) error {
	n := int64(c)
	if n <= h.n {
		return nil
	}
	if !s.mem.reserve(n - h.n) {
		return errBusy(fmt.Sprintf("the requests in flight hold more than %d bytes (the server's memory limit)", s.opts.MaxMemoryBytes))
	}
	h.n = n
	return nil
}

// settle returns a charge to the budget.
func (s *Server) settle(h *held) {
	s.mem.release(h.n)
	h.n = 0
}

// acquire takes one of the MaxInFlight slots, waiting up to QueueWait (and
// no longer than the client stays); release gives it back.
func (s *Server) acquire(ctx context.Context) error {
	select {
	case s.slots <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(s.opts.QueueWait)
	defer t.Stop()
	select {
	case s.slots <- struct{}{}:
		return nil
	case <-t.C:
		return errBusy(fmt.Sprintf("%d requests in flight (the server's concurrency limit), none finished within %v",
			s.opts.MaxInFlight, s.opts.QueueWait))
	case <-ctx.Done():
		return errGone
	}
}

// stop returns the error that ends a request whose client has gone (ctx
// done) or whose write timeout has passed (503: no answer could be written
// after it), and nil while neither has happened.
func (s *Server) stop(ctx context.Context, deadline time.Time) error {
	if ctx.Err() != nil {
		return errGone
	}
	if time.Now().After(deadline) {
		return &httpError{Status: http.StatusServiceUnavailable,
			Msg: fmt.Sprintf("the request was still being computed when the server's write timeout (%v) passed; send fewer rows", s.opts.WriteTimeout)}
	}
	return nil
}

func (s *Server) release() { <-s.slots }

// errGone: the client closed the connection or the server is shutting
// down; the work stops and the status is only counted (nginx's 499).
var errGone = &httpError{Status: 499, Msg: "client closed the request"}

// bodyChunk is the size of the pieces a request body is read into as it
// arrives.
const bodyChunk = 16 << 10

// body is a request body buffer and its charge.
type body struct {
	b      []byte
	pieces []*[bodyChunk]byte
	h      held
}

// readBody reads the request body into b.b, at most MaxBodyBytes; past
// that it returns a 413. Bytes are read into pieces of bodyChunk bytes as
// they arrive, whatever Content-Length claims, each charged to the
// server's memory budget; a complete body is then copied into one buffer
// and the pieces returned. So a stalled client holds what it sent, rounded
// up to bodyChunk, and no buffers that grew and were left behind.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, b *body) error {
	limit := s.opts.MaxBodyBytes
	tooLarge := func() error { // made only when it is returned
		return &httpError{Status: http.StatusRequestEntityTooLarge,
			Msg: fmt.Sprintf("request body larger than %d bytes (the server's body limit)", limit)}
	}
	if r.ContentLength > limit {
		return tooLarge()
	}
	defer s.drop(b)
	rd := http.MaxBytesReader(w, r.Body, limit)
	n := bodyChunk // bytes in the last piece (none yet: as if full)
	for {
		if n == bodyChunk {
			b.pieces = append(b.pieces, s.pieces.Get().(*[bodyChunk]byte))
			if err := s.charge(&b.h, cap(b.b)+len(b.pieces)*bodyChunk); err != nil {
				return err
			}
			n = 0
		}
		m, err := rd.Read(b.pieces[len(b.pieces)-1][n:])
		n += m
		if err == io.EOF {
			break
		}
		if err != nil {
			if _, ok := err.(*http.MaxBytesError); ok {
				return tooLarge()
			}
			return badRequest("reading the request body: %v", err)
		}
	}
	size := (len(b.pieces)-1)*bodyChunk + n
	if cap(b.b) < size {
		b.b = nil
		if err := s.charge(&b.h, size+len(b.pieces)*bodyChunk); err != nil {
			return err
		}
		b.b = make([]byte, 0, size)
	}
	b.b = b.b[:0]
	for i, p := range b.pieces {
		if i == len(b.pieces)-1 {
			b.b = append(b.b, p[:n]...)
		} else {
			b.b = append(b.b, p[:]...)
		}
	}
	return nil
}

// drop returns the pieces of b to the server's pool.
func (s *Server) drop(b *body) {
	for i, p := range b.pieces {
		s.pieces.Put(p)
		b.pieces[i] = nil
	}
	b.pieces = b.pieces[:0]
}

// maxEcho is the longest piece of a request that an error message repeats;
// a longer one is cut and its length given.
const maxEcho = 64

// clip returns s for an error message: whole if short, else its first
// maxEcho bytes (on a UTF-8 boundary), "…" and its length in bytes.
func clip(s string) string {
	if len(s) <= maxEcho {
		return s
	}
	cut := maxEcho
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "… (" + strconv.Itoa(len(s)) + " bytes)"
}

// quoteClip is clip of a quoted string: "abc…" (7340032 bytes).
func quoteClip(s string) string {
	if len(s) <= maxEcho {
		return strconv.Quote(s)
	}
	cut := maxEcho
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]+"…") + " (" + strconv.Itoa(len(s)) + " bytes)"
}

// maxMessage bounds an error message: the decoder clips what it repeats,
// this is the backstop for text from elsewhere (a label in an encoding
// error, say).
const maxMessage = 1000

// boundMessage cuts msg to maxMessage bytes, saying how long it was.
func boundMessage(msg string) string {
	if len(msg) <= maxMessage {
		return msg
	}
	cut := maxMessage
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return msg[:cut] + "… (message cut, " + strconv.Itoa(len(msg)) + " bytes)"
}
