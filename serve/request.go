package serve

import (
	"errors"

	"fmt"
	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/encode"
	"math"
	"net/http"
	"strconv"
	"strings"
)

// httpError is a request the server refuses: Status is the HTTP status
// (4xx) and Msg the text of the {"error": …} response.
type httpError struct {
	Status int
	Msg    string
}

func (e *httpError) Error() string { return e.Msg }

func badRequest(format string, args ...any) *httpError {
	return &httpError{Status: http.StatusBadRequest, Msg: fmt.Sprintf(format, args...)}
}

// request is a decoded POST body. Which fields may appear depends on the
// endpoint (see endpointFields); the zero value of a field not given is
// replaced by its default by the handler.
type request struct {
	what        string
	q           []float64
	qSet        bool
	level       float64
	levelSet    bool
	nSamples    int
	nSamplesSet bool
	seed        uint64
	temperature float64
	tempSet     bool
	inputs      bool // echo the encoded network inputs of each row

	rows int       // number of rows
	x    []float64 // (rows, network inputs) covariates, encoded
	y    []float64 // (rows, len(cols.y)) responses, for logpdf
	// cells (rows, len(cols.x)) are the covariate cells as given, with a
	// schema only.
	cells []cell
}

// cell is one covariate cell of a row as the request gave it: a number's
// text, a string, or null (missing).
type cell struct {
	kind byte // 'n' number, 's' string, 'z' null
	text string
}

// field returns the cell as the CSV field sch reads: a number's text, a
// string trimmed, null as the schema's first missing-value token ("" when
// it has none).
func (c cell) field(sch *encode.Schema) string {
	switch c.kind {
	case 'z':
		if len(sch.NAValues) == 0 {
			return ""
		}
		return sch.NAValues[0]
	case 's':
		return strings.TrimSpace(c.text)
	}
	return c.text
}

// columns maps the names a row may carry to the slot they fill: slot
// j ≥ 0 is covariate column j, slot −1−j is response j (only when
// responses are wanted). With a schema (a model with label columns or
// imputation), x are its columns and each row's cells are encoded by
// schema.Encode exactly as a CSV row's fields are; without one (all
// columns numbers, the model's inputs), cells are read as numbers directly.
type columns struct {
	index  map[string]int
	x, y   []string
	schema *encode.Schema
}

func newColumns(x, y []string, schema *encode.Schema) *columns {
	c := &columns{index: make(map[string]int, len(x)+len(y)), x: x, y: y, schema: schema}
	for j, n := range y {
		c.index[n] = -1 - j
	}
	for j, n := range x { // a covariate wins over a response of the same name
		c.index[n] = j
	}
	return c
}

// endpointFields are the top-level fields each endpoint accepts.
var endpointFields = map[string][]string{
	"predict": {"what", "rows", "q", "level", "inputs"},
	"sample":  {"rows", "n_samples", "seed", "temperature", "inputs"},
	"logpdf":  {"rows"},
}

// decoder decodes request bodies; one per worker, its slices reused.
type decoder struct {
	sc     scanner
	stamp  []int // per slot: 1 + index of the last row that set it
	fields []string
	enc    []float64
}

// maxQ bounds the number of probabilities in "q".
const maxQ = 100

// decode parses body as a request to endpoint. Responses are decoded only
// for logpdf. maxRows bounds the rows (a larger request is a 413). Every
// error is an *httpError whose message names the field, and for a row its
// index and column.
func (d *decoder) decode(body []byte, endpoint string, cols *columns, maxRows int, r *request) error {
	*r = request{x: r.x[:0], y: r.y[:0], q: r.q[:0], cells: r.cells[:0]}
	wantY := endpoint == "logpdf"
	d.sc = scanner{b: body, tmp: d.sc.tmp}
	s := &d.sc
	fields := endpointFields[endpoint]
	if s.peek() != '{' {
		if s.peek() == 0 {
			return badRequest("empty body: want a JSON object with the fields %s", strings.Join(fields, ", "))
		}
		return badRequest("the body must be a JSON object, got %s", s.kind())
	}
	empty, _ := s.open('{', '}')
	seen := map[string]bool{}
	rowsSeen := false
	for !empty {
		k, err := s.str()
		if err != nil {
			return syntax(err)
		}
		key, known := field(fields, k) // fields' string: no copy of k
		if err := s.expect(':'); err != nil {
			return syntax(err)
		}
		if !known {
			return badRequest("unknown field %s; the fields of /v1/%s are %s", quoteClip(string(k)), endpoint, strings.Join(fields, ", "))
		}
		if seen[key] {
			return badRequest("field %q given twice", key)
		}
		seen[key] = true
		switch key {
		case "rows":
			rowsSeen = true
			if err := d.rows(cols, wantY, maxRows, r); err != nil {
				return err
			}
		case "what":
			if s.peek() != '"' {
				return badRequest("what: want a string, got %s", s.kind())
			}
			v, err := s.str()
			if err != nil {
				return syntax(err)
			}
			r.what = string(v)
		case "q":
			r.qSet = true
			if s.peek() != '[' {
				return badRequest("q: want an array of probabilities, got %s", s.kind())
			}
			e, _ := s.open('[', ']')
			for i := 0; !e; i++ {
				if len(r.q) == maxQ {
					return badRequest("q: more than %d probabilities", maxQ)
				}
				v, err := d.number(fmt.Sprintf("q[%d]", i))
				if err != nil {
					return err
				}
				r.q = append(r.q, v)
				more, err := s.more(']')
				if err != nil {
					return syntax(err)
				}
				e = !more
			}
		case "level":
			r.levelSet = true
			v, err := d.number("level")
			if err != nil {
				return err
			}
			r.level = v
		case "inputs":
			switch c := s.peek(); { // peek skips the white space before the value
			case c == 't' && s.literal("true"):
				r.inputs = true
			case c == 'f' && s.literal("false"):
			default:
				return badRequest("inputs: want true or false, got %s", s.kind())
			}
		case "temperature":
			r.tempSet = true
			v, err := d.number("temperature")
			if err != nil {
				return err
			}
			r.temperature = v
		case "n_samples":
			r.nSamplesSet = true
			tok, err := d.integer("n_samples")
			if err != nil {
				return err
			}
			n, err := strconv.ParseInt(string(tok), 10, 64)
			if err != nil || n < 1 || n > math.MaxInt32 {
				return badRequest("n_samples: want an integer ≥ 1, got %s", clip(string(tok)))
			}
			r.nSamples = int(n)
		case "seed":
			tok, err := d.integer("seed")
			if err != nil {
				return err
			}
			v, err := strconv.ParseUint(string(tok), 10, 64)
			if err != nil {
				return badRequest("seed: want an integer in [0, 2^64), got %s", clip(string(tok)))
			}
			r.seed = v
		}
		more, err := s.more('}')
		if err != nil {
			return syntax(err)
		}
		empty = !more
	}
	if err := s.end(); err != nil {
		return syntax(err)
	}
	if !rowsSeen {
		return badRequest("rows: required (an array of objects, one per row, column name → value)")
	}
	return nil
}

// field returns the string of list equal to k, and whether there is one.
func field(list []string, k []byte) (string, bool) {
	for _, v := range list {
		if v == string(k) {
			return v, true
		}
	}
	return "", false
}

// syntax turns a scanner error into a 400.
func syntax(err error) error {
	var se *syntaxError
	if errors.As(err, &se) {
		return badRequest("%s", se.Error())
	}
	return badRequest("invalid JSON: %v", err)
}

// number reads a number for the field named field.
func (d *decoder) number(field string) (float64, error) {
	s := &d.sc
	if s.peek() != '-' && (s.peek() < '0' || s.peek() > '9') {
		return 0, badRequest("%s: want a number, got %s", field, s.kind())
	}
	v, err := s.float()
	if err != nil {
		var se *syntaxError
		if errors.As(err, &se) {
			return 0, syntax(err)
		}
		return 0, badRequest("%s: %v", field, err)
	}
	return v, nil
}

// integer reads the text of an integer for the field named field.
func (d *decoder) integer(field string) ([]byte, error) {
	s := &d.sc
	if s.peek() != '-' && (s.peek() < '0' || s.peek() > '9') {
		return nil, badRequest("%s: want an integer, got %s", field, s.kind())
	}
	tok, err := s.numberToken()
	if err != nil {
		return nil, syntax(err)
	}
	for _, c := range tok {
		if c == '.' || c == 'e' || c == 'E' {
			return nil, badRequest("%s: want an integer, got %s", field, clip(string(tok)))
		}
	}
	return tok, nil
}

// rows decodes the "rows" array into r.x (and r.y).
func (d *decoder) rows(cols *columns, wantY bool, maxRows int, r *request) error {
	s := &d.sc
	if s.peek() != '[' {
		return badRequest("rows: want an array of objects (column name → value), got %s", s.kind())
	}
	nx, ny := len(cols.x), len(cols.y)
	sch := cols.schema
	if !wantY {
		ny = 0
	}
	nslot := nx + ny
	if cap(d.stamp) < nslot {
		d.stamp = make([]int, nslot)
	}
	stamp := d.stamp[:nslot]
	clear(stamp)
	empty, _ := s.open('[', ']')
	for i := 0; !empty; i++ {
		if i == maxRows {
			return &httpError{Status: http.StatusRequestEntityTooLarge,
				Msg: fmt.Sprintf("rows: more than %d rows in one request (the server's row limit)", maxRows)}
		}
		if s.peek() != '{' {
			return badRequest("rows[%d]: want an object (column name → value), got %s", i, s.kind())
		}
		x0, y0, c0 := len(r.x), len(r.y), len(r.cells)
		if sch == nil {
			r.x = grow(r.x, nx)
		} else {
			r.cells = append(r.cells, make([]cell, nx)...)
		}
		r.y = grow(r.y, ny)
		e, _ := s.open('{', '}')
		for !e {
			k, err := s.str()
			if err != nil {
				return syntax(err)
			}
			slot, known := cols.index[string(k)]
			if known && slot < 0 && !wantY {
				known = false
			}
			var name string
			if known {
				name = string(k)
			}
			if err := s.expect(':'); err != nil {
				return syntax(err)
			}
			if !known { // other columns are ignored, as in a CSV
				if err := s.skip(2); err != nil {
					return syntax(err)
				}
			} else {
				si := slot
				if slot < 0 {
					si = nx + (-1 - slot)
				}
				if stamp[si] == i+1 {
					return badRequest("rows[%d]: column %q given twice", i, name)
				}
				stamp[si] = i + 1
				c := s.peek()
				if sch != nil && slot >= 0 {
					cl, err := d.cell(i, name)
					if err != nil {
						return err
					}
					r.cells[c0+slot] = cl
					goto next
				}
				if c != '-' && (c < '0' || c > '9') {
					return badRequest("rows[%d].%s: want a number, got %s", i, name, s.kind())
				}
				v, err := s.float()
				if err != nil {
					var se *syntaxError
					if errors.As(err, &se) {
						return syntax(err)
					}
					return badRequest("rows[%d].%s: %v", i, name, err)
				}
				if slot >= 0 {
					r.x[x0+slot] = v
				} else {
					r.y[y0-1-slot] = v
				}
			}
		next:
			more, err := s.more('}')
			if err != nil {
				return syntax(err)
			}
			e = !more
		}
		for j := range nslot {
			if stamp[j] != i+1 {
				if j < nx {
					return badRequest("rows[%d]: missing covariate %q", i, cols.x[j])
				}
				return badRequest("rows[%d]: missing response %q (logpdf needs every covariate and response)", i, cols.y[j-nx])
			}
		}
		if sch != nil {
			if err := d.encodeRow(i, sch, r.cells[c0:], r); err != nil {
				return err
			}
		}
		r.rows++
		more, err := s.more(']')
		if err != nil {
			return syntax(err)
		}
		empty = !more
	}
	return nil
}

// cell reads a covariate cell of row i, column name, for a schema.
func (d *decoder) cell(i int, name string) (cell, error) {
	s := &d.sc
	switch c := s.peek(); {
	case c == '"':
		v, err := s.str()
		if err != nil {
			return cell{}, syntax(err)
		}
		return cell{kind: 's', text: string(v)}, nil
	case c == 'n' && s.literal("null"):
		return cell{kind: 'z'}, nil
	case c == '-' || '0' <= c && c <= '9':
		tok, err := s.numberToken()
		if err != nil {
			return cell{}, syntax(err)
		}
		return cell{kind: 'n', text: string(tok)}, nil
	}
	return cell{}, badRequest("rows[%d].%s: want a number, a string or null, got %s", i, name, s.kind())
}

// encodeRow encodes the cells of row i with sch, as a CSV row's fields:
// a number's text, a string trimmed, null as a missing cell (the schema's
// first NA token).
func (d *decoder) encodeRow(i int, sch *encode.Schema, cells []cell, r *request) error {
	d.fields = d.fields[:0]
	for j, c := range cells {
		if c.kind == 'z' && len(sch.NAValues) == 0 {
			return badRequest("rows[%d].%s: null, but the model has no missing-value tokens (data.na_values)", i, sch.Columns[j].Name)
		}
		d.fields = append(d.fields, c.field(sch))
	}
	var err error
	d.enc, err = sch.Encode(d.fields, d.enc)
	if err != nil {
		var de *data.Error
		if errors.As(err, &de) && de.Column != "" {
			return badRequest("rows[%d].%s: %s", i, de.Column, clipFields(de.Err.Error(), d.fields))
		}
		return badRequest("rows[%d]: %s", i, clipFields(err.Error(), d.fields))
	}
	r.x = append(r.x, d.enc...)
	return nil
}

// grow extends s by n elements.
func grow(s []float64, n int) []float64 {
	if n == 0 {
		return s
	}
	if len(s)+n > cap(s) {
		ns := make([]float64, len(s), 2*cap(s)+n)
		copy(ns, s)
		s = ns
	}
	return s[:len(s)+n]
}

// clipFields replaces each long field of a row that msg repeats by its
// clipped form (see clip), so that a 7 MB label is not echoed whole.
func clipFields(msg string, fields []string) string {
	for _, f := range fields {
		if len(f) > maxEcho && strings.Contains(msg, f) {
			msg = strings.ReplaceAll(msg, f, clip(f))
		}
	}
	return msg
}
