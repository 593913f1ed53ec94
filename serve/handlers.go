package serve

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/mixture"
	"github.com/mdn-go/mdn/predict"
)

// Whats are the values of "what" in /v1/predict: predict.Kinds, as in mdn
// predict --what.
var Whats = func() []string {
	out := make([]string, len(predict.Kinds))
	for i, k := range predict.Kinds {
		out[i] = string(k)
	}
	return out
}()

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
		wk.p, wk.pn = wk.p.WithBatch(min(b, SampleChunk)), min(b, SampleChunk) // the same weights
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
	if req.what == string(predict.KindQuantiles) && int64(req.rows)*int64(len(req.q)) > int64(s.opts.MaxDraws) {
		return writeError(w, &httpError{Status: http.StatusRequestEntityTooLarge,
			Msg: fmt.Sprintf("rows × q = %d × %d is more than %d values (the server's draw limit)",
				req.rows, len(req.q), s.opts.MaxDraws)}), 0
	}
	in := st.m.Spec.In
	mix, err := predictRows(wk, req.x, req.rows, in)
	if err != nil {
		return writeError(w, err), 0
	}
	f := summary{st: st, sz: predict.Summarizer{Kind: predict.Kind(req.what), Full: st.m.Spec.Noise == arch.Full,
		Q: req.q, Level: req.level}}
	out := begin(wk)
	for i := range req.rows {
		if i > 0 {
			out.byte(',')
		}
		if err := f.row(out, wk, req, i, &mix[i]); err != nil {
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
	if int64(max(req.rows, 1))*int64(req.nSamples) > int64(s.opts.MaxDraws) {
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
		rowHead(out, st, req, i)
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
// brace): the network's inputs by name (the model's x_names), as mdn
// predict --json prints them; for a model with an encoding these are the
// encoded inputs (a label's one-hot "column=level" entries, an imputed
// value and its "column:missing" indicator).
func rowHead(out *jsonWriter, st *state, req *request, i int) {
	out.raw(`{"row":`)
	out.int(i)
	out.raw(`,"x":`)
	in := len(st.xNames.keys)
	out.object(&st.xNames, req.x[i*in:(i+1)*in])
}

// summary writes the result row of /v1/predict: the object mdn predict
// --json prints for that row (predict.Summarizer's numbers), with the same
// fields in the same order, byte for byte.
type summary struct {
	sz predict.Summarizer
	st *state
}

func (f *summary) row(out *jsonWriter, wk *worker, req *request, i int, m *mixture.Mixture) error {
	st := f.st
	d := m.D
	sum := &wk.sum
	if err := f.sz.Summarize(m, sum); err != nil {
		return err
	}
	rowHead(out, st, req, i)
	switch f.sz.Kind {
	case predict.KindParams:
		out.raw(`,"components":[`)
		for k, c := range sum.Components {
			if k > 0 {
				out.byte(',')
			}
			out.raw(`{"weight":`)
			out.float(c.Weight)
			out.raw(`,"mean":`)
			out.object(&st.yNames, c.Mean)
			if c.Cov != nil {
				out.raw(`,"cov":`)
				out.matrix(c.Cov, d)
			} else {
				out.raw(`,"sigma":`)
				out.object(&st.yNames, c.Sigma)
			}
			out.byte('}')
		}
		out.byte(']')
	case predict.KindMean:
		out.raw(`,"mean":`)
		out.object(&st.yNames, sum.Mean)
	case predict.KindVar:
		out.raw(`,"var":`)
		out.object(&st.yNames, sum.Var)
		if d > 1 {
			out.raw(`,"cov":`)
			out.matrix(sum.Cov, d)
		}
	case predict.KindModes:
		out.raw(`,"modes":[`)
		for k, md := range sum.Modes {
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
	case predict.KindQuantiles:
		out.raw(`,"q":`)
		out.floats(f.sz.Q)
		out.raw(`,"quantiles":{`)
		for c, j := range st.yNames.order {
			if c > 0 {
				out.byte(',')
			}
			out.bytes(st.yNames.keys[j])
			out.byte('[')
			for i := range sum.Quantiles {
				if i > 0 {
					out.byte(',')
				}
				out.float(sum.Quantiles[i][j])
			}
			out.byte(']')
		}
		out.byte('}')
	default: // interval
		out.raw(`,"level":`)
		out.float(f.sz.Level)
		out.raw(`,"lower":`)
		out.object(&st.yNames, sum.Lower)
		out.raw(`,"upper":`)
		out.object(&st.yNames, sum.Upper)
	}
	out.byte('}')
	return nil
}
