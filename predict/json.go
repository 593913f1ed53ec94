package predict

import (
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// This file writes JSON by appending to a byte slice, without reflection,
// as Prometheus' expfmt writes its text format. Numbers and strings come
// out byte for byte as encoding/json writes them (json.Marshal): the
// result lines of mdn predict --json and of mdn serve are written here.

// JSON appends JSON text to Buf and remembers whether a value was not a
// finite number (which JSON cannot hold; it is written as 0 and Bad
// reports it). The zero value is ready to use.
type JSON struct {
	Buf []byte
	bad bool
}

// Reset empties the buffer (keeping its storage) and clears Bad.
func (w *JSON) Reset() { w.Buf, w.bad = w.Buf[:0], false }

// Bad reports whether a value written since Reset was NaN or ±Inf.
func (w *JSON) Bad() bool { return w.bad }

// Raw appends s as it is (JSON punctuation and keys known to be valid).
func (w *JSON) Raw(s string) { w.Buf = append(w.Buf, s...) }

// Byte appends c.
func (w *JSON) Byte(c byte) { w.Buf = append(w.Buf, c) }

// Int appends i.
func (w *JSON) Int(i int) { w.Buf = strconv.AppendInt(w.Buf, int64(i), 10) }

// Float appends v as encoding/json does (see AppendJSONFloat).
func (w *JSON) Float(v float64) {
	var ok bool
	if w.Buf, ok = AppendJSONFloat(w.Buf, v); !ok {
		w.bad = true
		w.Buf = append(w.Buf, '0')
	}
}

// FloatOrNull appends v as Float does, or null for ±Inf (an unbounded end
// of a calibrated interval or region); NaN is still reported by Bad.
func (w *JSON) FloatOrNull(v float64) {
	if math.IsInf(v, 0) {
		w.Raw("null")
		return
	}
	w.Float(v)
}

// String appends s as a JSON string, as encoding/json does (see
// AppendJSONString).
func (w *JSON) String(s string) { w.Buf = AppendJSONString(w.Buf, s) }

// Floats appends the array [v0,v1,…].
func (w *JSON) Floats(vs []float64) {
	w.Byte('[')
	for i, v := range vs {
		if i > 0 {
			w.Byte(',')
		}
		w.Float(v)
	}
	w.Byte(']')
}

// Object appends {name_i: v[i], …} in encoding/json's order for a map
// (keys sorted); v has one value per name of k.
func (w *JSON) Object(k *Keys, v []float64) {
	w.ObjectStrided(k, v, 1, 0)
}

// ObjectStrided appends {name_j: v[j·stride+off], …} in sorted key order.
func (w *JSON) ObjectStrided(k *Keys, v []float64, stride, off int) {
	w.Byte('{')
	for i, j := range k.Order {
		if i > 0 {
			w.Byte(',')
		}
		w.Buf = append(w.Buf, k.Key[j]...)
		w.Float(v[j*stride+off])
	}
	w.Byte('}')
}

// ObjectOrNull is Object with null for the ±Inf values (see FloatOrNull).
func (w *JSON) ObjectOrNull(k *Keys, v []float64) {
	w.Byte('{')
	for i, j := range k.Order {
		if i > 0 {
			w.Byte(',')
		}
		w.Buf = append(w.Buf, k.Key[j]...)
		w.FloatOrNull(v[j])
	}
	w.Byte('}')
}

// Matrix appends the row-major d×d matrix s as [[…],…].
func (w *JSON) Matrix(s []float64, d int) {
	w.Byte('[')
	for i := range d {
		if i > 0 {
			w.Byte(',')
		}
		w.Floats(s[i*d : (i+1)*d])
	}
	w.Byte(']')
}

// Keys holds a list of names pre-encoded as JSON object keys (`"name":`)
// and the order in which encoding/json writes a map keyed by them (sorted
// by name).
type Keys struct {
	Key   [][]byte // Key[i] = the JSON string of name i, then ':'
	Order []int    // indices sorted by name
}

// NewKeys returns the Keys of names.
func NewKeys(names []string) Keys {
	k := Keys{Key: make([][]byte, len(names)), Order: make([]int, len(names))}
	for i, n := range names {
		k.Key[i] = append(AppendJSONString(nil, n), ':')
		k.Order[i] = i
	}
	slices.SortFunc(k.Order, func(a, b int) int {
		switch {
		case names[a] < names[b]:
			return -1
		case names[a] > names[b]:
			return 1
		}
		return 0
	})
	return k
}

// AppendJSONFloat appends v formatted as encoding/json formats a float64:
// the shortest decimal that reads back to v, in %f form for
// 1e-6 ≤ |v| < 1e21 and in %e form (with an exponent of as few digits as
// possible) outside. It reports false, appending nothing, for NaN and ±Inf.
func AppendJSONFloat(b []byte, v float64) ([]byte, bool) {
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

// AppendJSONString appends s as a quoted JSON string exactly as
// json.Marshal writes it: ", \ and control characters escaped (\n, \r, \t,
// \b, \f, else \u00XX), <, > and & as \u003c, \u003e, \u0026 (HTML-safe), U+2028
// and U+2029 as \u2028 and \u2029, and each byte of invalid UTF-8 as
// \ufffd.
func AppendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
