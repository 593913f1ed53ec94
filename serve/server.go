package serve

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"math/rand/v2"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mdn-go/mdn/mixture"
	"github.com/mdn-go/mdn/model"
	"github.com/mdn-go/mdn/predict"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Server answers the HTTP API of one model file. Its handler may be used
// from any number of goroutines: each request takes a worker (a
// model.Predictor and buffers) from a sync.Pool of the current model and
// puts it back, so the hot path takes no lock. Reload swaps the model
// atomically; requests in flight finish on the model they started with.
type Server struct {
	opts Options
	log  *log.Logger
	st   atomic.Pointer[state]
	met  *metrics
	mux  *http.ServeMux

	mem    budget        // bytes of request bodies and answers in flight
	slots  chan struct{} // one per request computing (MaxInFlight)
	bodies sync.Pool     // *body
	pieces sync.Pool     // *[bodyChunk]byte, what bodies are read into
	reload sync.Mutex    // one Reload at a time
}

// state is one loaded model with its pool of workers.
type state struct {
	m      *model.Model
	cols   *columns // covariates (and responses for logpdf)
	yNames predict.Keys
	info   []byte // the body of GET /v1/model
	pool   sync.Pool
	// members are an ensemble's networks one by one, built once with the
	// state and shared by its workers, for /v1/sample's member-first draws
	// (predict.MemberFirst); nil for one network.
	members *predict.Members
}

// predictorBatch is the batch of a new worker's Predictor. A request of
// more rows gets a Predictor for min(SampleChunk, 2^⌈log₂ n⌉) rows, so
// that its rows are predicted in chunks of SampleChunk rows, each in one
// product, exactly as mdn predict and mdn sample chunk their input: the
// same rows give the same bits (a product of one row is a gemv, whose
// rounding differs from a blocked gemm's in the last bit).
const predictorBatch = 64

// worker is what one request needs; it belongs to one state.
type worker struct {
	dec  decoder
	req  request
	p    *model.Predictor
	pn   int // p's batch
	m    *model.Model
	mix  []mixture.Mixture
	body []byte
	out  predict.JSON
	enc  predict.Encoder // the result rows' writer; its keys are built once
	ans  held            // the charge of out.Buf
	// deadline is when the server's write timeout passes for the request.
	deadline time.Time
	pcg      *rand.PCG
	rng      *rand.Rand
	// md chooses the members of /v1/sample's draws of an ensemble, made
	// from state.members by the first such request; mdDraws is the most
	// draws of one chunk it has held.
	md      *predict.MemberDraws
	mdDraws int
	sum     predict.Summary
	v       []float64 // scratch
	v2      []float64
}

// maxKeep is the largest buffer a worker keeps for the next request; a
// larger one (from a rare large request) is dropped so that the pool does
// not hold memory of the largest request ever seen.
const maxKeep = 1 << 20

// New loads the model file o.Model and returns a Server for it, with o's
// limits (zero fields take their defaults).
func New(o Options) (*Server, error) {
	if o.Model == "" {
		return nil, errors.New("serve: no model file given")
	}
	s, err := newBare(o)
	if err != nil {
		return nil, err
	}
	st, err := s.load()
	if err != nil {
		return nil, err
	}
	s.st.Store(st)
	return s, nil
}

// NewFromModel returns a Server for m, with o's limits (zero fields take
// their defaults). GET /v1/model reports the SHA-256 and spec of m's
// encoding (Model.Encode) and o.Model as its path. Reload reads the file
// o.Model if it is set, and fails otherwise.
func NewFromModel(m *model.Model, o Options) (*Server, error) {
	if m == nil {
		return nil, errors.New("serve: no model given")
	}
	s, err := newBare(o)
	if err != nil {
		return nil, err
	}
	var raw bytes.Buffer
	if err := m.Encode(&raw); err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	st, err := s.build(o.Model, raw.Bytes(), m)
	if err != nil {
		return nil, err
	}
	s.st.Store(st)
	return s, nil
}

// newBare is a Server without a model.
func newBare(o Options) (*Server, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Server{opts: o, log: log.New(o.Log, "", log.LstdFlags|log.LUTC), met: newMetrics(),
		slots: make(chan struct{}, o.MaxInFlight)}
	s.mem.limit = o.MaxMemoryBytes
	s.bodies.New = func() any { return new(body) }
	s.pieces.New = func() any { return new([bodyChunk]byte) }
	s.routes()
	return s, nil
}

// load reads the model file once (model.ReadFile: a regular file of at
// most model.MaxFileBytes, checked before it is read, never blocking),
// then decodes and hashes those bytes, and builds its state.
func (s *Server) load() (*state, error) {
	path := s.opts.Model
	if path == "" {
		return nil, errors.New("serve: no model file to reload (the server was given a model, not a path)")
	}
	raw, err := model.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	m, err := model.Parse(path, raw)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	return s.build(path, raw, m)
}

// build makes the state serving m, whose file is raw.
func (s *Server) build(path string, raw []byte, m *model.Model) (*state, error) {
	sch := m.Schema()
	var err error
	if s.opts.UnknownLevel != "" || s.opts.Missing != "" {
		if sch, err = sch.WithPolicies(s.opts.UnknownLevel, s.opts.Missing); err != nil {
			return nil, fmt.Errorf("serve: model: %s: %w", path, err)
		}
	}
	if sch.Trivial() {
		sch = nil // all numbers: the decoder reads them directly
	}
	cols := m.Columns()
	st := &state{m: m, cols: newColumns(cols, m.YNames, sch), yNames: predict.NewKeys(m.YNames)}
	if st.info, err = s.modelInfo(path, raw, m); err != nil {
		return nil, fmt.Errorf("serve: model: %s: %w", path, err)
	}
	if m.Members() > 1 {
		st.members = predict.NewMembers(m)
	}
	// The workers' Predictors share one copy of the stacked weights.
	base := m.Predictor(predictorBatch)
	st.pool.New = func() any {
		w := &worker{m: m, p: base.WithBatch(predictorBatch), pn: predictorBatch, pcg: rand.NewPCG(0, 0),
			enc: predict.Encoder{XNames: m.XNames, YNames: m.YNames, Schema: sch, JSON: true}}
		w.rng = rand.New(w.pcg)
		return w
	}
	return st, nil
}

// modelInfo builds the body of GET /v1/model: the file's spec, column
// names and training summary as written in the file (model-format.md), its
// path and SHA-256, the time it was loaded and the server's limits.
func (s *Server) modelInfo(path string, raw []byte, m *model.Model) ([]byte, error) {
	var file struct {
		Format   string          `json:"format"`
		Version  int             `json:"version"`
		Spec     json.RawMessage `json:"spec"`
		Encoding json.RawMessage `json:"encoding"`
		Training json.RawMessage `json:"training"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	info := struct {
		Path     string          `json:"path"`
		SHA256   string          `json:"sha256"`
		LoadedAt string          `json:"loaded_at"`
		Format   string          `json:"format"`
		Version  int             `json:"version"`
		Columns  []string        `json:"columns"`
		XNames   []string        `json:"x_names"`
		YNames   []string        `json:"y_names"`
		Members  int             `json:"members"`
		Comps    int             `json:"components"`
		Spec     json.RawMessage `json:"spec"`
		Encoding json.RawMessage `json:"encoding,omitempty"`
		Training json.RawMessage `json:"training"`
		Limits   map[string]any  `json:"limits"`
		Calib    *calibInfo      `json:"calibration,omitempty"`
	}{
		Path: path, SHA256: hex.EncodeToString(sum[:]), LoadedAt: time.Now().UTC().Format(time.RFC3339),
		Format: file.Format, Version: file.Version, Columns: m.Columns(), XNames: m.XNames, YNames: m.YNames,
		Members: m.Members(), Comps: m.Components(),
		Spec: file.Spec, Encoding: file.Encoding, Training: file.Training,
		Limits: map[string]any{"max_body_bytes": s.opts.MaxBodyBytes, "max_rows": s.opts.MaxRows,
			"max_draws": s.opts.MaxDraws, "max_q": maxQ, "max_in_flight": s.opts.MaxInFlight,
			"max_answer_bytes": s.opts.MaxAnswerBytes, "max_memory_bytes": s.opts.MaxMemoryBytes},
		Calib: calibInfoOf(m),
	}
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Reload reads the model file again. If it loads, new requests use it; if
// not, the old model keeps serving and the error says why. Either way the
// result is logged and counted.
func (s *Server) Reload() error {
	s.reload.Lock()
	defer s.reload.Unlock()
	st, err := s.load()
	if err != nil {
		s.met.reloads.WithLabelValues("error").Inc()
		s.log.Printf("reload failed, still serving the previous model: %v", err)
		return err
	}
	s.st.Store(st)
	s.met.reloads.WithLabelValues("ok").Inc()
	s.log.Printf("reloaded model %s (sha256 %s)", s.opts.Model, shaOf(st.info))
	return nil
}

func shaOf(info []byte) string {
	var v struct {
		SHA256 string `json:"sha256"`
	}
	json.Unmarshal(info, &v)
	return v.SHA256
}

// Model returns the model being served.
func (s *Server) Model() *model.Model { return s.st.Load().m }

// Handler returns the HTTP handler of the API.
func (s *Server) Handler() http.Handler { return s.mux }

// route is a handler of one endpoint: it writes the response itself and
// returns its status and the number of rows it answered. start is when
// wrap began the request (one reading of the clock for its duration and
// post's deadline).
type route func(w http.ResponseWriter, r *http.Request, start time.Time) (code, rows int)

func (s *Server) routes() {
	s.mux = http.NewServeMux()
	s.mux.Handle("/v1/predict", s.wrap("predict", s.post(s.predict)))
	s.mux.Handle("/v1/sample", s.wrap("sample", s.post(s.sample)))
	s.mux.Handle("/v1/logpdf", s.wrap("logpdf", s.post(s.logpdf)))
	s.mux.Handle("/v1/model", s.wrap("model", get(func(w http.ResponseWriter, r *http.Request, _ time.Time) (int, int) {
		return writeBody(w, http.StatusOK, s.st.Load().info), 0
	})))
	s.mux.Handle("/healthz", s.wrap("healthz", get(func(w http.ResponseWriter, r *http.Request, _ time.Time) (int, int) {
		return writeBody(w, http.StatusOK, []byte("{\"status\":\"ok\"}\n")), 0
	})))
	prom := promhttp.HandlerFor(s.met.reg, promhttp.HandlerOpts{})
	s.mux.Handle("/metrics", s.wrap("metrics", get(func(w http.ResponseWriter, r *http.Request, _ time.Time) (int, int) {
		prom.ServeHTTP(w, r)
		return http.StatusOK, 0
	})))
	s.mux.Handle("/", s.wrap("other", func(w http.ResponseWriter, r *http.Request, _ time.Time) (int, int) {
		return writeError(w, &httpError{Status: http.StatusNotFound,
			Msg: fmt.Sprintf("no endpoint %s; see /v1/predict, /v1/sample, /v1/logpdf, /v1/model, /healthz, /metrics", r.URL.Path)}), 0
	}))
}

// wrap adds metrics and turns a panic into a logged 500.
func (s *Server) wrap(name string, h route) http.Handler {
	em := s.met.byName[name]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		s.met.inFlight.Inc()
		code, rows := http.StatusInternalServerError, 0
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					s.met.inFlight.Dec()
					panic(p)
				}
				s.met.panics.Inc()
				s.log.Printf("panic serving %s %s: %v\n%s", r.Method, r.URL.Path, p, debug.Stack())
				code = writeError(w, &httpError{Status: http.StatusInternalServerError,
					Msg: "internal error (logged by the server)"})
			}
			s.met.inFlight.Dec()
			s.met.done(em, code, rows, start)
		}()
		code, rows = h(w, r, start)
	})
}

// get allows GET and HEAD only.
func get(h route) route {
	return func(w http.ResponseWriter, r *http.Request, start time.Time) (int, int) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			return writeError(w, &httpError{Status: http.StatusMethodNotAllowed,
				Msg: fmt.Sprintf("method %s not allowed on %s; use GET", r.Method, r.URL.Path)}), 0
		}
		return h(w, r, start)
	}
}

// post allows POST with a JSON body only. It reads the body (charged to
// the memory budget), waits for one of the MaxInFlight slots, and runs h
// with a worker of the current model, whose deadline is when WriteTimeout
// will have passed.
func (s *Server) post(h func(w http.ResponseWriter, r *http.Request, wk *worker, st *state) (int, int)) route {
	return func(w http.ResponseWriter, r *http.Request, start time.Time) (int, int) {
		// No answer can be written after WriteTimeout, which runs from the
		// end of the headers (about start): eachRow stops then.
		deadline := start.Add(s.opts.WriteTimeout)
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			return writeError(w, &httpError{Status: http.StatusMethodNotAllowed,
				Msg: fmt.Sprintf("method %s not allowed on %s; use POST with a JSON body", r.Method, r.URL.Path)}), 0
		}
		if ct := r.Header.Get("Content-Type"); !isJSON(ct) {
			return writeError(w, &httpError{Status: http.StatusUnsupportedMediaType,
				Msg: fmt.Sprintf("Content-Type %s is not supported; send application/json", quoteClip(ct))}), 0
		}
		b := s.bodies.Get().(*body)
		defer func() {
			if cap(b.b) > bodyKeep {
				b.b = nil
			}
			s.settle(&b.h)
			s.bodies.Put(b)
		}()
		if err := s.readBody(w, r, b); err != nil {
			return writeError(w, err), 0
		}
		if err := s.acquire(r.Context()); err != nil {
			return writeError(w, err), 0
		}
		defer s.release()
		st := s.st.Load()
		wk := st.pool.Get().(*worker)
		defer func() {
			wk.body = nil
			if cap(wk.out.Buf) > maxKeep {
				wk.out.Buf = nil
			}
			s.settle(&wk.ans)
			if cap(wk.req.x) > maxKeep/8 || cap(wk.req.y) > maxKeep/8 || cap(wk.mix) > 1024 {
				wk.req.x, wk.req.y, wk.mix = nil, nil, nil
			}
			if wk.pn > 1024 { // about 64 KB of scratch per 8 inputs, 2×64 hidden
				wk.p, wk.pn = wk.p.WithBatch(predictorBatch), predictorBatch
			}
			if wk.mdDraws > 1024 { // a chunk's draws, and up to as many mixtures: wk.mix's limit
				wk.md, wk.mdDraws = nil, 0
			}
			st.pool.Put(wk)
		}()
		wk.body, wk.deadline = b.b, deadline
		return h(w, r, wk, st)
	}
}

// bodyKeep is the largest body buffer kept for the next request.
const bodyKeep = 64 << 10

// isJSON reports whether the Content-Type ct is application/json (with
// any parameters, such as charset=utf-8).
func isJSON(ct string) bool {
	if ct == "application/json" {
		return true
	}
	for i := 0; i < len(ct); i++ {
		if ct[i] == ';' {
			ct = ct[:i]
			break
		}
	}
	for len(ct) > 0 && (ct[len(ct)-1] == ' ' || ct[len(ct)-1] == '\t') {
		ct = ct[:len(ct)-1]
	}
	return len(ct) == len("application/json") && equalFold(ct, "application/json")
}

func equalFold(a, b string) bool {
	for i := 0; i < len(a); i++ {
		c := a[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != b[i] {
			return false
		}
	}
	return true
}

// jsonType is every response's Content-Type, one slice for all (net/http
// only reads it).
var jsonType = []string{"application/json"}

// autoLength is the longest body whose Content-Length writeBody leaves to
// net/http: a body written at once that fits its buffer (2048 bytes) is
// still there when the handler returns, and net/http sets the header from
// its length (without allocating). A longer one gets it from writeBody, so
// that it is not sent chunked.
const autoLength = 1024

// writeBody writes a JSON response and returns code.
func writeBody(w http.ResponseWriter, code int, body []byte) int {
	h := w.Header()
	h["Content-Type"] = jsonType
	if len(body) > autoLength {
		h["Content-Length"] = []string{itoa(len(body))}
	}
	w.WriteHeader(code)
	w.Write(body)
	return code
}

// writeError writes {"error": …} with the status of err (an *httpError,
// else 500) and returns the status.
func writeError(w http.ResponseWriter, err error) int {
	he, ok := err.(*httpError)
	if !ok {
		he = &httpError{Status: http.StatusInternalServerError, Msg: err.Error()}
	}
	switch he.Status {
	case http.StatusRequestEntityTooLarge:
		w.Header().Set("Connection", "close") // the rest of the body is not read
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "1")
	}
	return writeBody(w, he.Status, errorBody(boundMessage(he.Msg)))
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return string(b[i:])
}
