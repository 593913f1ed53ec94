package serve

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
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
// /v1/sample: rows c·SampleChunk… draw from PCG(seed, c), as the chunks of
// mdn sample (predict.ChunkRows) do, and by the same method
// (predict.MemberFirst: for an ensemble at temperature 1 with at most
// predict.MaxMemberDraws draws a row, each draw's member is chosen first,
// predict.MemberDraws; otherwise each row's whole mixture), so a request
// gives the draws mdn sample writes for the same rows, seed and
// temperature.
const SampleChunk = predict.ChunkRows

// predictRows runs the Predictor on the request's rows. If the network
// fails on a row (a σ that overflows, say), the error names the row.
func predictRows(wk *worker, x []float64, n, in, row0 int) ([]mixture.Mixture, error) {
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
			return nil, badRequest("rows[%d]: model output: %v", row0+i, e)
		}
	}
	return nil, err
}

// begin starts a {"results":[ … ]} response in wk.out.
func begin(wk *worker) *predict.JSON {
	out := &wk.out
	out.Reset()
	out.Raw(`{"results":[`)
	return out
}

// finish closes the response and writes it.
func finish(w http.ResponseWriter, out *predict.JSON, rows int) (int, int) {
	if out.Bad() {
		return writeError(w, fmt.Errorf("%w (a model output overflowed)", predict.ErrNonFinite)), 0
	}
	out.Raw("]}\n")
	return writeBody(w, http.StatusOK, out.Buf), rows
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
	enc := resultWriter(wk, req)
	enc.Summarizer = predict.Summarizer{Kind: predict.Kind(req.what), Full: st.m.Spec.Noise == arch.Full,
		Q: req.q, Level: req.level}
	if err := calibrate(&enc.Summarizer, st.m); err != nil {
		return writeError(w, err), 0
	}
	out := begin(wk)
	every := 64
	if enc.Summarizer.Kind == predict.KindModes {
		every = 1 // tens of milliseconds a row
	}
	err := s.eachRow(r.Context(), wk, st, every, nil, func(i int, m *mixture.Mixture) error {
		if err := enc.Summarize(m, &wk.sum); err != nil {
			return badRequest("rows[%d]: %v", i, err)
		}
		enc.Given = given(enc.Given, st, req, i)
		enc.AppendRow(out, i, req.x[i*in:(i+1)*in], &wk.sum)
		return nil
	})
	if err != nil {
		return writeError(w, err), 0
	}
	return finish(w, out, req.rows)
}

// checkPredict validates what, q and level and fills their defaults.
func checkPredict(req *request) error {
	if req.what == "" {
		return badRequest("what: required, one of %s", strings.Join(Whats, ", "))
	}
	if !slices.Contains(Whats, req.what) {
		return badRequest("what: must be one of %s, got %s", strings.Join(Whats, ", "), quoteClip(req.what))
	}
	if req.qSet && req.what != "quantiles" {
		return badRequest("q: only used with \"what\": \"quantiles\"")
	}
	if req.levelSet && req.what != "interval" && req.what != "region" {
		return badRequest("level: only used with \"what\": \"interval\" and \"region\"")
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
		if err := predict.CheckLevel(req.level); err != nil {
			return badRequest("level: %s", strings.TrimPrefix(err.Error(), "level "))
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
	in, d := st.m.Spec.In, st.m.Spec.Out
	enc := resultWriter(wk, req)
	ns := req.nSamples
	draws := growTo(&wk.v, ns*d)
	y := growTo(&wk.v2, d)
	// md, for an ensemble at temperature 1 with at most
	// predict.MaxMemberDraws draws a row: each chunk chooses the members of
	// its draws first and predicts only theirs, as mdn sample does.
	var md *predict.MemberDraws
	if predict.MemberFirst(st.m, req.temperature, ns) {
		if wk.md == nil {
			wk.md = st.members.Draws(ns, "rows")
		}
		md = wk.md
	}
	chunk := func(c0, n int) ([]mixture.Mixture, error) {
		wk.pcg.Seed(req.seed, uint64(c0/SampleChunk))
		if md == nil {
			return predictRows(wk, req.x[c0*in:(c0+n)*in], n, in, c0)
		}
		wk.mdDraws = max(wk.mdDraws, n*ns)
		err := md.ChooseRows(req.x[c0*in:(c0+n)*in], n, ns, wk.rng)
		if me, ok := errors.AsType[*predict.MemberError](err); ok {
			return nil, badRequest("rows[%d]: model output: ensemble member %d: %v", c0+me.Row, me.Member, me.Err)
		}
		return nil, err
	}
	out := begin(wk)
	err := s.eachRow(r.Context(), wk, st, 64, chunk, func(i int, mi *mixture.Mixture) error {
		if md == nil && req.temperature != 1 {
			mi = mi.WithTemperature(req.temperature)
		}
		for k := range ns {
			if md != nil {
				mi = md.Mixture(i%SampleChunk, k)
			}
			mi.Sample(wk.rng, y)
			for j := range d {
				draws[j*ns+k] = y[j]
			}
		}
		enc.Given = given(enc.Given, st, req, i)
		enc.AppendHead(out, i, req.x[i*in:(i+1)*in])
		out.Raw(`,"samples":{`)
		for c, j := range st.yNames.Order {
			if c > 0 {
				out.Byte(',')
			}
			out.Buf = append(out.Buf, st.yNames.Key[j]...)
			out.Floats(draws[j*ns : (j+1)*ns])
		}
		out.Raw("}}")
		return nil
	})
	if err != nil {
		return writeError(w, err), 0
	}
	return finish(w, out, req.rows)
}

func (s *Server) logpdf(w http.ResponseWriter, r *http.Request, wk *worker, st *state) (int, int) {
	req := &wk.req
	if err := wk.dec.decode(wk.body, "logpdf", st.cols, s.opts.MaxRows, req); err != nil {
		return writeError(w, err), 0
	}
	d := st.m.Spec.Out
	out := begin(wk)
	err := s.eachRow(r.Context(), wk, st, 64, nil, func(i int, m *mixture.Mixture) error {
		out.Raw(`{"row":`)
		out.Int(i)
		out.Raw(`,"log_density":`)
		out.Float(m.LogProb(req.y[i*d : (i+1)*d]))
		out.Byte('}')
		return nil
	})
	if err != nil {
		return writeError(w, err), 0
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

// resultWriter returns the worker's writer of result rows (predict.Encoder,
// the writer of mdn predict --json) set up for the request.
func resultWriter(wk *worker, req *request) *predict.Encoder {
	enc := &wk.enc
	enc.Inputs = req.inputs
	return enc
}

// given returns row i's covariate cells as the fields the model's schema
// reads (see cell.field), appended to dst[:0], so that the row's "x"
// echoes them as given: a number, a label's text, null for a missing cell.
// Without a schema (every covariate a number, read directly) it returns nil
// and "x" is the numbers by name.
func given(dst []string, st *state, req *request, i int) []string {
	sch := st.cols.schema
	if sch == nil {
		return nil
	}
	nc := len(st.cols.x)
	dst = dst[:0]
	for _, c := range req.cells[i*nc : (i+1)*nc] {
		dst = append(dst, c.field(sch))
	}
	return dst
}
