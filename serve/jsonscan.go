package serve

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// scanner reads one JSON document (RFC 8259) from a byte slice without
// reflection. It is the request decoder's lexer: strict (no trailing
// commas, comments, NaN, leading zeros or trailing data; strings must be
// valid UTF-8 with valid escapes) and bounded (skipped values nest at most
// maxDepth deep).
type scanner struct {
	b   []byte
	i   int
	tmp []byte // unescaped string scratch
}

// maxDepth bounds the nesting of a value the decoder skips (an unknown
// field's value), so that no body can exhaust the stack.
const maxDepth = 64

// syntaxError is a malformed JSON document; Offset is the byte offset of
// the problem.
type syntaxError struct {
	Offset int
	Msg    string
}

func (e *syntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at byte %d: %s", e.Offset, e.Msg)
}

func (s *scanner) errf(format string, args ...any) error {
	return &syntaxError{Offset: s.i, Msg: fmt.Sprintf(format, args...)}
}

// ws skips white space.
func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (s *scanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// what names the next byte for an error message.
func (s *scanner) what() string {
	if s.i >= len(s.b) {
		return "end of input"
	}
	return strconv.QuoteRune(rune(s.b[s.i]))
}

// expect consumes the byte c after optional white space.
func (s *scanner) expect(c byte) error {
	if s.peek() != c {
		return s.errf("want %q, got %s", c, s.what())
	}
	s.i++
	return nil
}

// end checks that only white space is left.
func (s *scanner) end() error {
	if s.peek() != 0 || s.i < len(s.b) {
		return s.errf("unexpected %s after the top-level value", s.what())
	}
	return nil
}

// more is called after an element of an array or object: it consumes a
// comma and returns true, or consumes the closing byte and returns false.
func (s *scanner) more(closing byte) (bool, error) {
	switch s.peek() {
	case ',':
		s.i++
		return true, nil
	case closing:
		s.i++
		return false, nil
	}
	return false, s.errf("want ',' or %q, got %s", closing, s.what())
}

// open consumes '[' or '{' and reports whether the container is empty
// (and then also consumes its closing byte).
func (s *scanner) open(c, closing byte) (empty bool, err error) {
	if err := s.expect(c); err != nil {
		return false, err
	}
	if s.peek() == closing {
		s.i++
		return true, nil
	}
	return false, nil
}

// str consumes a string and returns its unescaped bytes, valid until the
// next call of str (they alias the input when there are no escapes).
func (s *scanner) str() ([]byte, error) {
	if s.peek() != '"' {
		return nil, s.errf("want a string, got %s", s.what())
	}
	s.i++
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			out := s.b[start:s.i]
			s.i++
			return out, nil
		case c == '\\':
			return s.strSlow(start)
		case c < 0x20:
			return nil, s.errf("control character %#x in a string", c)
		case c < utf8.RuneSelf:
			s.i++
		default:
			r, n := utf8.DecodeRune(s.b[s.i:])
			if r == utf8.RuneError && n == 1 {
				return nil, s.errf("invalid UTF-8 in a string")
			}
			s.i += n
		}
	}
	return nil, s.errf("unterminated string")
}

// strSlow unescapes a string that has an escape, from start (after the
// opening quote); s.i is at the first backslash.
func (s *scanner) strSlow(start int) ([]byte, error) {
	out := append(s.tmp[:0], s.b[start:s.i]...)
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			s.tmp = out
			return out, nil
		case c == '\\':
			if s.i+1 >= len(s.b) {
				return nil, s.errf("unterminated string")
			}
			e := s.b[s.i+1]
			s.i += 2
			switch e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r, err := s.hex4()
				if err != nil {
					return nil, err
				}
				if utf16.IsSurrogate(r) {
					// A valid pair is one rune; anything else is U+FFFD (as
					// in encoding/json), and the next escape is read anew.
					pair := utf8.RuneError
					if s.i+6 <= len(s.b) && s.b[s.i] == '\\' && s.b[s.i+1] == 'u' {
						save := s.i
						s.i += 2
						r2, err := s.hex4()
						if err != nil {
							return nil, err
						}
						if pair = utf16.DecodeRune(r, r2); pair == utf8.RuneError {
							s.i = save
						}
					}
					r = pair
				}
				out = utf8.AppendRune(out, r)
			default:
				s.i -= 2
				return nil, s.errf("invalid escape \\%c in a string", e)
			}
		case c < 0x20:
			return nil, s.errf("control character %#x in a string", c)
		case c < utf8.RuneSelf:
			out = append(out, c)
			s.i++
		default:
			r, n := utf8.DecodeRune(s.b[s.i:])
			if r == utf8.RuneError && n == 1 {
				return nil, s.errf("invalid UTF-8 in a string")
			}
			out = append(out, s.b[s.i:s.i+n]...)
			s.i += n
		}
	}
	return nil, s.errf("unterminated string")
}

func (s *scanner) hex4() (rune, error) {
	if s.i+4 > len(s.b) {
		return 0, s.errf("short \\u escape")
	}
	var r rune
	for _, c := range s.b[s.i : s.i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, s.errf("invalid \\u escape")
		}
		r = r<<4 | rune(c)
	}
	s.i += 4
	return r, nil
}

// numberToken consumes a number and returns its text, checked against
// JSON's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) numberToken() ([]byte, error) {
	s.ws()
	start := s.i
	b := s.b
	i := s.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		digits()
	default:
		s.i = i
		return nil, errNotNumber
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			s.i = i
			return nil, s.errf("want a digit after the decimal point")
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			s.i = i
			return nil, s.errf("want a digit in the exponent")
		}
	}
	s.i = i
	return b[start:i], nil
}

// errNotNumber: the next value is not a number (the caller says what it
// wanted, and where).
var errNotNumber = errors.New("not a number")

// literal consumes true, false or null.
func (s *scanner) literal(word string) bool {
	if len(s.b)-s.i >= len(word) && string(s.b[s.i:s.i+len(word)]) == word {
		s.i += len(word)
		return true
	}
	return false
}

// kind names the JSON type of the next value, for messages.
func (s *scanner) kind() string {
	switch c := s.peek(); {
	case c == '"':
		return "a string"
	case c == '{':
		return "an object"
	case c == '[':
		return "an array"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	case c == '-' || '0' <= c && c <= '9':
		return "a number"
	case c == 0:
		return "the end of the input"
	case c == ']' || c == '}' || c == ',' || c == ':':
		return strconv.QuoteRune(rune(c))
	}
	return "an invalid value"
}

// skip consumes any value, nested at most maxDepth - depth deep.
func (s *scanner) skip(depth int) error {
	if depth >= maxDepth {
		return s.errf("nested deeper than %d", maxDepth)
	}
	switch c := s.peek(); c {
	case '"':
		_, err := s.str()
		return err
	case '{':
		empty, err := s.open('{', '}')
		if err != nil || empty {
			return err
		}
		for {
			if _, err := s.str(); err != nil {
				return err
			}
			if err := s.expect(':'); err != nil {
				return err
			}
			if err := s.skip(depth + 1); err != nil {
				return err
			}
			if ok, err := s.more('}'); err != nil || !ok {
				return err
			}
		}
	case '[':
		empty, err := s.open('[', ']')
		if err != nil || empty {
			return err
		}
		for {
			if err := s.skip(depth + 1); err != nil {
				return err
			}
			if ok, err := s.more(']'); err != nil || !ok {
				return err
			}
		}
	case 't':
		if s.literal("true") {
			return nil
		}
	case 'f':
		if s.literal("false") {
			return nil
		}
	case 'n':
		if s.literal("null") {
			return nil
		}
	default:
		if _, err := s.numberToken(); err == nil {
			return nil
		} else if err != errNotNumber {
			return err
		}
	}
	return s.errf("want a value, got %s", s.what())
}

// float consumes a number and returns its value; a value outside the
// float64 range is an error (JSON numbers are decimal text).
func (s *scanner) float() (float64, error) {
	tok, err := s.numberToken()
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseFloat(string(tok), 64)
	if err != nil && math.IsInf(v, 0) { // only ErrRange can happen after the grammar check
		return 0, fmt.Errorf("%s is out of the float64 range", clip(string(tok)))
	}
	return v, nil // an underflow to 0 or a denormal is fine, as in data.ParseValue
}
