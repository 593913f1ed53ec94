package serve

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
)

// This file writes JSON by appending to a byte slice, without reflection.
// Numbers and strings come out byte for byte as encoding/json writes them
// (json.Marshal), so a response row is the line `mdn predict --json` prints.

// errNonFinite: a value to encode is NaN or ±Inf, which JSON cannot hold
// (json.Marshal fails on it too).
var errNonFinite = errors.New("a result is not a finite number")

// appendFloat appends v formatted as encoding/json formats a float64: the
// shortest decimal that reads back to v, in %f form for 1e-6 ≤ |v| < 1e21
// and in %e form (with a one-digit exponent as short as possible) outside.
// It reports false for NaN and ±Inf.
func appendFloat(b []byte, v float64) ([]byte, bool) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return b, false
	}
	f := byte('f')
	if a := math.Abs(v); a != 0 && (a < 1e-6 || a >= 1e21) {
		f = 'e'
	}
	b = strconv.AppendFloat(b, v, f, -1, 64)
	if f == 'e' {
		// clean up e-09 to e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, true
}

// jsonWriter appends JSON to buf and remembers the first non-finite value.
type jsonWriter struct {
	buf []byte
	bad bool
}

func (w *jsonWriter) raw(s string)   { w.buf = append(w.buf, s...) }
func (w *jsonWriter) bytes(s []byte) { w.buf = append(w.buf, s...) }
func (w *jsonWriter) byte(c byte)    { w.buf = append(w.buf, c) }
func (w *jsonWriter) int(i int)      { w.buf = strconv.AppendInt(w.buf, int64(i), 10) }

func (w *jsonWriter) float(v float64) {
	var ok bool
	if w.buf, ok = appendFloat(w.buf, v); !ok {
		w.bad = true
		w.buf = append(w.buf, '0')
	}
}

// floats appends the array [v0,v1,…].
func (w *jsonWriter) floats(vs []float64) {
	w.byte('[')
	for i, v := range vs {
		if i > 0 {
			w.byte(',')
		}
		w.float(v)
	}
	w.byte(']')
}

// names holds a list of column names pre-encoded as JSON object keys
// (`"name":`), and the order in which encoding/json writes a map keyed by
// them (sorted by name).
type names struct {
	keys  [][]byte // keys[i] = json(name_i) + ":"
	order []int    // indices sorted by name
}

func newNames(ns []string) names {
	out := names{keys: make([][]byte, len(ns)), order: make([]int, len(ns))}
	for i, n := range ns {
		b, _ := json.Marshal(n) // a string always marshals
		out.keys[i] = append(b, ':')
		out.order[i] = i
	}
	slices.SortFunc(out.order, func(a, b int) int {
		switch {
		case ns[a] < ns[b]:
			return -1
		case ns[a] > ns[b]:
			return 1
		}
		return 0
	})
	return out
}

// object appends {name_i: v[i], …} in encoding/json's (sorted) key order;
// v has one value per name.
func (w *jsonWriter) object(n *names, v []float64) {
	w.byte('{')
	for i, j := range n.order {
		if i > 0 {
			w.byte(',')
		}
		w.bytes(n.keys[j])
		w.float(v[j])
	}
	w.byte('}')
}

// objectStrided appends {name_j: v[j·stride+off] …}.
func (w *jsonWriter) objectStrided(n *names, v []float64, stride, off int) {
	w.byte('{')
	for i, j := range n.order {
		if i > 0 {
			w.byte(',')
		}
		w.bytes(n.keys[j])
		w.float(v[j*stride+off])
	}
	w.byte('}')
}

// matrix appends the row-major d×d matrix s as [[…],…].
func (w *jsonWriter) matrix(s []float64, d int) {
	w.byte('[')
	for i := range d {
		if i > 0 {
			w.byte(',')
		}
		w.floats(s[i*d : (i+1)*d])
	}
	w.byte(']')
}

// errorBody returns {"error": msg} and a newline.
func errorBody(msg string) []byte {
	b, _ := json.Marshal(struct {
		Error string `json:"error"`
	}{msg})
	return append(b, '\n')
}
