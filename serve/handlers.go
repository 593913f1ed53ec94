package serve

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"

	"github.com/mdn-go/mdn/mixture"
	"github.com/mdn-go/mdn/model"
	"github.com/mdn-go/mdn/predict"
)

// Whats are the values of "what" in /v1/predict, as in mdn predict --what.
var Whats = []string{"params", "mean", "var", "mode", "quantiles", "interval"}

// The defaults of "q" and "level", those of mdn predict's --q and --level.
var (
	DefaultQ     = []float64{0.05, 0.5, 0.95}
	DefaultLevel = 0.9
)

// SampleChunk is the number of rows that share one random stream in
// /v1/sample: rows c·SampleChunk… draw from PCG(seed, c), as mdn sample
// does, so a request gives the draws mdn sample writes for the same rows.
const SampleChunk = 4096

// predictRows runs the Predictor on the request's rows. If the network
// fails on a row (a σ that overflows, say), the error names the row.
func predictRows(wk *worker, x []float64, n, in int) ([]mixture.Mixture, error) {
	if n > wk.pn && wk.pn < SampleChunk {
		b := wk.pn
		for b < n && b < SampleChunk {
			b *= 2
		}
		wk.p, wk.pn = wk.m.Predictor(min(b, SampleChunk)), min(b, SampleChunk)
	}
	mix, err := wk.p.Predict(x, n, wk.mix)
	if err == nil {
		wk.mix = mix
		return mix, nil
	}
	for i := range n {
		if _, e := wk.p.Predict(x[i*in:(i+1)*in], 1, nil); e != nil {
			if inner := errors.Unwrap(e); inner != nil {
				e = inner
			}
			return nil, badRequest("rows[%d]: model output: %v", i, e)
		}
	}
	return nil, err
}

// begin starts a {"results":[ … ]} response in wk.out.
func begin(wk *worker) *jsonWriter {
	out := &wk.out
	out.buf, out.bad = out.buf[:0], false
	out.raw(`{"results":[`)
	return out
}

// finish closes the response and writes it.
func finish(w http.ResponseWriter, out *jsonWriter, rows int) (int, int) {
	if out.bad {
		return writeError(w, fmt.Errorf("%w (a model output overflowed)", errNonFinite)), 0
	}
	out.raw("]}\n")
	return writeBody(w, http.StatusOK, out.buf), rows
}

func (s *Server) predict(w http.ResponseWriter, r *http.Request, wk *worker, st *state) (int, int) {
	req := &wk.req
	if err := wk.dec.decode(wk.body, "predict", st.cols, s.opts.MaxRows, req); err != nil {
		return writeError(w, err), 0
	}
	if err := checkPredict(req); err != nil {
		return writeError(w, err), 0
	}
	in := st.m.Spec.In
	mix, err := predictRows(wk, req.x, req.rows, in)
	if err != nil {
		return writeError(w, err), 0
	}
	f := summary{what: req.what, st: st, q: req.q, level: req.level, full: isFull(st.m)}
	out := begin(wk)
	for i := range req.rows {
		if i > 0 {
			out.byte(',')
		}
		if err := f.row(out, wk, i, req.x[i*in:(i+1)*in], &mix[i]); err != nil {
			return writeError(w, badRequest("rows[%d]: %v", i, err)), 0
		}
	}
	return finish(w, out, req.rows)
}

// checkPredict validates what, q and level and fills their defaults.
func checkPredict(req *request) error {
	if req.what == "" {
		return badRequest("what: required, one of %s", strings.Join(Whats, ", "))
	}
	if !contains(Whats, req.what) {
		return badRequest("what: must be one of %s, got %q", strings.Join(Whats, ", "), req.what)
	}
	if req.qSet && req.what != "quantiles" {
		return badRequest("q: only used with \"what\": \"quantiles\"")
	}
	if req.levelSet && req.what != "interval" {
		return badRequest("level: only used with \"what\": \"interval\"")
	}
	if req.qSet {
		if len(req.q) == 0 {
			return badRequest("q: want at least one probability")
		}
		for i, p := range req.q {
			if !(p > 0 && p < 1) {
				return badRequest("q[%d]: %v is not in (0, 1)", i, p)
			}
		}
	} else {
		req.q = append(req.q[:0], DefaultQ...)
	}
	if req.levelSet {
		if predict.CheckLevel(req.level) != nil {
			return badRequest("level: must be in (0, 1), got %v", req.level)
		}
	} else {
		req.level = DefaultLevel
	}
	return nil
}

func (s *Server) sample(w http.ResponseWriter, r *http.Request, wk *worker, st *state) (int, int) {
	req := &wk.req
	if err := wk.dec.decode(wk.body, "sample", st.cols, s.opts.MaxRows, req); err != nil {
		return writeError(w, err), 0
	}
	if !req.nSamplesSet {
		req.nSamples = 1
	}
	if !req.tempSet {
		req.temperature = 1
	}
	if mixture.CheckTemperature(req.temperature) != nil {
		return writeError(w, badRequest("temperature: must be finite and > 0, got %v", req.temperature)), 0
	}
	if int64(req.rows)*int64(req.nSamples) > int64(s.opts.MaxDraws) {
		return writeError(w, &httpError{Status: http.StatusRequestEntityTooLarge,
			Msg: fmt.Sprintf("rows × n_samples = %d × %d is more than %d draws (the server's draw limit)",
				req.rows, req.nSamples, s.opts.MaxDraws)}), 0
	}
	m := st.m
	in, d := m.Spec.In, m.Spec.Out
	mix, err := predictRows(wk, req.x, req.rows, in)
	if err != nil {
		return writeError(w, err), 0
	}
	ns := req.nSamples
	draws := growTo(&wk.v, ns*d)
	y := growTo(&wk.v2, d)
	out := begin(wk)
	for i := range req.rows {
		if i%SampleChunk == 0 {
			wk.pcg.Seed(req.seed, uint64(i/SampleChunk))
		}
		mi := &mix[i]
		if req.temperature != 1 {
			mi = mi.WithTemperature(req.temperature)
		}
		for k := range ns {
			mi.Sample(wk.rng, y)
			for j := range d {
				draws[j*ns+k] = y[j]
			}
		}
		if i > 0 {
			out.byte(',')
		}
		rowHead(out, st, i, req.x[i*in:(i+1)*in])
		out.raw(`,"samples":{`)
		for c, j := range st.yNames.order {
			if c > 0 {
				out.byte(',')
			}
			out.bytes(st.yNames.keys[j])
			out.floats(draws[j*ns : (j+1)*ns])
		}
		out.raw("}}")
	}
	return finish(w, out, req.rows)
}

func (s *Server) logpdf(w http.ResponseWriter, r *http.Request, wk *worker, st *state) (int, int) {
	req := &wk.req
	if err := wk.dec.decode(wk.body, "logpdf", st.cols, s.opts.MaxRows, req); err != nil {
		return writeError(w, err), 0
	}
	in, d := st.m.Spec.In, st.m.Spec.Out
	mix, err := predictRows(wk, req.x, req.rows, in)
	if err != nil {
		return writeError(w, err), 0
	}
	out := begin(wk)
	for i := range req.rows {
		if i > 0 {
			out.byte(',')
		}
		out.raw(`{"row":`)
		out.int(i)
		out.raw(`,"log_density":`)
		out.float(mix[i].LogProb(req.y[i*d : (i+1)*d]))
		out.byte('}')
	}
	return finish(w, out, req.rows)
}

// growTo returns *s resized to n, reallocating only when it must.
func growTo(s *[]float64, n int) []float64 {
	if cap(*s) < n {
		*s = make([]float64, n)
	}
	*s = (*s)[:n]
	return *s
}

// rowHead appends {"row":i,"x":{…} of a result row (without the closing
// brace).
func rowHead(out *jsonWriter, st *state, i int, x []float64) {
	out.raw(`{"row":`)
	out.int(i)
	out.raw(`,"x":`)
	out.object(&st.xNames, x)
}

func isFull(m *model.Model) bool { return m.Spec.Noise == "full" }

// summary writes the result row of /v1/predict for one what: the object
// mdn predict --json prints for that row, with the same fields in the
// same order and the same numbers.
type summary struct {
	what  string
	st    *state
	q     []float64
	level float64
	full  bool
}

func (f *summary) row(out *jsonWriter, wk *worker, i int, x []float64, m *mixture.Mixture) error {
	st := f.st
	d := m.D
	rowHead(out, st, i, x)
	switch f.what {
	case "params":
		out.raw(`,"components":[`)
		for k := range m.K {
			if k > 0 {
				out.byte(',')
			}
			out.raw(`{"weight":`)
			out.float(math.Exp(m.LogWeights[k]))
			out.raw(`,"mean":`)
			out.object(&st.yNames, m.Means[k*d:(k+1)*d])
			if f.full {
				out.raw(`,"cov":`)
				out.matrix(m.Sigma(k, growTo(&wk.v, d*d)), d)
			} else {
				out.raw(`,"sigma":`)
				out.objectStrided(&st.yNames, m.Chol[k*d*d:], d+1, 0)
			}
			out.byte('}')
		}
		out.byte(']')
	case "mean":
		out.raw(`,"mean":`)
		out.object(&st.yNames, m.Mean(growTo(&wk.v, d)))
	case "var":
		cov := m.Cov(growTo(&wk.v, d*d))
		out.raw(`,"var":`)
		out.objectStrided(&st.yNames, cov, d+1, 0)
		if d > 1 {
			out.raw(`,"cov":`)
			out.matrix(cov, d)
		}
	case "mode":
		out.raw(`,"modes":[`)
		for k, md := range m.Modes(mixture.ModeOptions{}) {
			if k > 0 {
				out.byte(',')
			}
			out.raw(`{"y":`)
			out.object(&st.yNames, md.Y)
			out.raw(`,"log_density":`)
			out.float(md.LogDensity)
			out.raw(`,"density":`)
			out.float(math.Exp(md.LogDensity))
			out.raw(`,"mass":`)
			out.float(md.Mass)
			out.byte('}')
		}
		out.byte(']')
	case "quantiles":
		nq := len(f.q)
		qs := growTo(&wk.v2, nq*d) // (D, q)
		for j := range d {
			mj := m
			if d > 1 {
				mj = m.Marginal(j)
			}
			for i, p := range f.q {
				v, err := mj.Quantile(p)
				if err != nil {
					return err
				}
				qs[j*nq+i] = v
			}
		}
		out.raw(`,"q":`)
		out.floats(f.q)
		out.raw(`,"quantiles":{`)
		for c, j := range st.yNames.order {
			if c > 0 {
				out.byte(',')
			}
			out.bytes(st.yNames.keys[j])
			out.floats(qs[j*nq : (j+1)*nq])
		}
		out.byte('}')
	default: // interval
		lohi := growTo(&wk.v2, 2*d)
		for j := range d {
			mj := m
			if d > 1 {
				mj = m.Marginal(j)
			}
			lo, hi, err := predict.Interval(mj, f.level)
			if err != nil {
				return err
			}
			lohi[j], lohi[d+j] = lo, hi
		}
		out.raw(`,"level":`)
		out.float(f.level)
		out.raw(`,"lower":`)
		out.object(&st.yNames, lohi[:d])
		out.raw(`,"upper":`)
		out.object(&st.yNames, lohi[d:])
	}
	out.byte('}')
	return nil
}
