package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"
	"strconv"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/encode"
	"github.com/mdn-go/mdn/internal/output"
)

// fileJSON is the layout of a model file as written. Floats are written by
// encoding/json, which uses the shortest decimal that reads back to the
// same float64, so Save then Load is exact.
type fileJSON struct {
	Format   string         `json:"format"`
	Version  int            `json:"version"`
	Spec     arch.Spec      `json:"spec"`
	XNames   []string       `json:"x_names"`
	YNames   []string       `json:"y_names"`
	Scaler   data.Scaler    `json:"scaler"`
	Weights  []arch.Array   `json:"weights"`
	Training Summary        `json:"training"`
	Encoding *encode.Schema `json:"encoding,omitempty"`
	Ensemble []Member       `json:"ensemble,omitempty"`
	Calib    *calibOut      `json:"calibration,omitempty"`
}

// The read side keeps every float array raw, so that a null or a string
// such as "NaN" (JSON has no NaN or Inf) is reported with its place rather
// than silently read as 0; spec.fixed_sigma is checked so before the spec
// is decoded as arch.Spec (parse).
type fileIn struct {
	Format   string         `json:"format"`
	Version  int            `json:"version"`
	Spec     arch.Spec      `json:"spec"`
	XNames   []string       `json:"x_names"`
	YNames   []string       `json:"y_names"`
	Scaler   scalerIn       `json:"scaler"`
	Weights  []arrayIn      `json:"weights"`
	Training Summary        `json:"training"`
	Encoding *encode.Schema `json:"encoding"`
	Ensemble []memberIn     `json:"ensemble"`
	Calib    *calibIn       `json:"calibration"`
}

type memberIn struct {
	Scaler  scalerIn  `json:"scaler"`
	Weights []arrayIn `json:"weights"`
}

type scalerIn struct {
	XMean json.RawMessage `json:"x_mean"`
	XStd  json.RawMessage `json:"x_std"`
	YMean json.RawMessage `json:"y_mean"`
	YStd  json.RawMessage `json:"y_std"`
}

type arrayIn struct {
	Name  string          `json:"name"`
	Shape []int           `json:"shape"`
	Data  json.RawMessage `json:"data"`
}

// Save writes m to path as indented JSON (see Encode) through package
// internal/output: atomically for a regular file, so a reader of path sees
// the old file or the complete new one; in place for a device or FIFO; a
// symbolic link is followed, never replaced.
func (m *Model) Save(path string) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("model: %s: %w", path, err)
	}
	if err := output.Write("", path, nil, m.Encode); err != nil {
		return fmt.Errorf("model: %w", err)
	}
	return nil
}

// Encode writes m as the indented JSON of the model file. It checks m first
// (Validate). Encoding one model twice gives identical bytes.
func (m *Model) Encode(w io.Writer) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("model: %w", err)
	}
	f := fileJSON{
		Format:   m.Format,
		Version:  m.Version,
		Spec:     m.Spec,
		XNames:   m.XNames,
		YNames:   m.YNames,
		Scaler:   m.Scaler,
		Weights:  m.Arrays,
		Training: m.Training,
		Encoding: m.Encoding,
		Ensemble: m.Ensemble,
		Calib:    m.Calibration,
	}
	c, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("model: %w", err)
	}
	_, err = w.Write(indent(c))
	return err
}

// indent lays out compact JSON (as encoding/json writes it: no white
// space) with two-space indentation, one object member or nested array per
// line, but an array of numbers or strings on one line, so that a weight
// matrix takes one line rather than one line per value.
func indent(c []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(c) + len(c)/8)
	depth := 0
	newline := func() {
		out.WriteByte('\n')
		for range depth {
			out.WriteString("  ")
		}
	}
	for i := 0; i < len(c); i++ {
		switch ch := c[i]; ch {
		case '"':
			j := endOfString(c, i)
			out.Write(c[i:j])
			i = j - 1
		case '{', '[':
			if end := flatEnd(c, i); end > 0 {
				// Empty, or an array of scalars: one line, ", " between values.
				for k := i; k < end; k++ {
					if c[k] == '"' {
						j := endOfString(c, k)
						out.Write(c[k:j])
						k = j - 1
						continue
					}
					out.WriteByte(c[k])
					if c[k] == ',' {
						out.WriteByte(' ')
					}
				}
				i = end - 1
				continue
			}
			out.WriteByte(ch)
			depth++
			newline()
		case '}', ']':
			depth--
			newline()
			out.WriteByte(ch)
		case ',':
			out.WriteByte(ch)
			newline()
		case ':':
			out.WriteString(": ")
		default:
			out.WriteByte(ch)
		}
	}
	out.WriteByte('\n')
	return out.Bytes()
}

// endOfString returns the index after the string literal starting at c[i].
func endOfString(c []byte, i int) int {
	for j := i + 1; j < len(c); j++ {
		switch c[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(c)
}

// flatEnd returns the index after the container opening at c[i] if it is
// empty or an array holding no container, else 0.
func flatEnd(c []byte, i int) int {
	if c[i+1] == c[i]+2 { // "{}" or "[]": '}' and ']' follow '{' and '[' by 2
		return i + 2
	}
	if c[i] == '{' {
		return 0
	}
	for j := i + 1; j < len(c); j++ {
		switch c[j] {
		case '"':
			j = endOfString(c, j) - 1
		case '[', '{':
			return 0
		case ']':
			return j + 1
		}
	}
	return 0
}

// MaxFileBytes is the largest model file Load, ReadFile and Decode read,
// 256 MiB: about 10 million weights at the 20-odd bytes a weight takes in
// the file. A larger file is refused before it is read.
const MaxFileBytes = 256 << 20

// Load reads and checks the model file at path. Every error starts with
// "model: <path>: ": a path that is not a regular file (a directory, a
// device such as /dev/zero, a FIFO), a file larger than MaxFileBytes, a
// missing or empty file, invalid JSON (with the line and column), a format
// other than "mdn-model", a version outside MinFormatVersion to
// CalibratedVersion, an unknown field, a value that is not a number where one is needed (null or a
// string such as "NaN"), and anything Validate rejects.
func Load(path string) (*Model, error) {
	b, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, b)
}

// ReadFile returns the bytes of the model file at path, checked before
// they are read: path (after symbolic links) must be a regular file of at
// most MaxFileBytes. It never blocks on a FIFO (the file is opened
// non-blocking and checked again once open) and reads at most
// MaxFileBytes+1 bytes whatever the file does meanwhile. Errors start
// with "model: <path>: ".
func ReadFile(path string) ([]byte, error) {
	b, err := readFile(path)
	if err != nil {
		return nil, fmt.Errorf("model: %s: %w", path, err)
	}
	return b, nil
}

func readFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, pathless(err)
	}
	if err := checkRegular(fi); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, pathless(err)
	}
	defer f.Close()
	// The path may have changed between Stat and Open.
	if fi, err = f.Stat(); err != nil {
		return nil, pathless(err)
	}
	if err := checkRegular(fi); err != nil {
		return nil, err
	}
	b := make([]byte, 0, fi.Size()+1) // ≤ MaxFileBytes+1, checked
	for {
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if int64(len(b)) > MaxFileBytes {
			return nil, errStreamTooLarge
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, pathless(err)
		}
		if len(b) == cap(b) { // the file grew since Stat
			b = append(b, 0)[:len(b)]
		}
	}
}

// checkRegular refuses what is not a regular file or is larger than
// MaxFileBytes.
func checkRegular(fi fs.FileInfo) error {
	switch t := fi.Mode().Type(); {
	case t&fs.ModeDir != 0:
		return errors.New("is a directory, not a model file")
	case t&fs.ModeNamedPipe != 0:
		return errors.New("is a FIFO (named pipe), not a regular file; a model file is read whole and checked first")
	case t&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		return errors.New("is a device, not a regular file; a model file is read whole and checked first")
	case t != 0:
		return fmt.Errorf("is not a regular file (%v)", t)
	}
	if fi.Size() > MaxFileBytes {
		return tooLarge(fi.Size())
	}
	return nil
}

func tooLarge(n int64) error {
	return fmt.Errorf("%d bytes, larger than the %d-byte limit of a model file (model.MaxFileBytes)", n, MaxFileBytes)
}

// errStreamTooLarge: Decode read more than MaxFileBytes.
var errStreamTooLarge = fmt.Errorf("more than %d bytes, the limit of a model file (model.MaxFileBytes)", MaxFileBytes)

// pathless drops the *fs.PathError wrapper: the path is already in the
// message.
func pathless(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Decode reads one model file from r and checks it as Load does; errors
// start with "model: ". It reads r as a stream: it stops at the first byte
// that cannot continue a JSON document (so a stream of zero bytes fails at
// once), and after MaxFileBytes bytes. Only white space may follow the
// document.
func Decode(r io.Reader) (*Model, error) {
	b, err := readJSON(r)
	if err == nil {
		var m *Model
		if m, err = parse(b); err == nil {
			return m, nil
		}
	}
	return nil, fmt.Errorf("model: %w", err)
}

// readJSON reads one JSON value and the white space after it from r, at
// most MaxFileBytes bytes, stopping at the first byte that cannot belong
// to it.
func readJSON(r io.Reader) ([]byte, error) {
	lr := &io.LimitedReader{R: r, N: MaxFileBytes + 1}
	dec := json.NewDecoder(lr)
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		switch {
		case lr.N <= 0:
			return nil, errStreamTooLarge
		case err == io.EOF:
			return nil, errors.New("empty file")
		}
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("invalid JSON at byte %d: %s", se.Offset, se.Error())
		}
		if err == io.ErrUnexpectedEOF {
			return nil, errors.New("invalid JSON: unexpected end of input")
		}
		return nil, err
	}
	// The rest must be white space.
	rest := io.MultiReader(dec.Buffered(), lr)
	var buf [4096]byte
	for {
		n, err := rest.Read(buf[:])
		for _, c := range buf[:n] {
			if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
				return nil, fmt.Errorf("invalid JSON: %q after the top-level value", c)
			}
		}
		if lr.N <= 0 {
			return nil, errStreamTooLarge
		}
		if err == io.EOF {
			return raw, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// Parse checks and decodes the bytes b of the model file named name, as
// Load does; errors start with "model: <name>: ". It is Load for bytes
// already read with ReadFile (mdn serve hashes and decodes one read).
func Parse(name string, b []byte) (*Model, error) {
	m, err := parse(b)
	if err != nil {
		return nil, fmt.Errorf("model: %s: %w", name, err)
	}
	return m, nil
}

func parse(b []byte) (*Model, error) {
	if int64(len(b)) > MaxFileBytes {
		return nil, tooLarge(int64(len(b)))
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, errors.New("empty file")
	}
	// Check the syntax of the whole document and the header first, so that
	// a file of another format or version is named as such rather than by
	// its first unknown field.
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
		Spec    struct {
			Hidden     json.RawMessage `json:"hidden"`
			FixedSigma json.RawMessage `json:"fixed_sigma"`
		} `json:"spec"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, jsonError(b, err)
	}
	// A file declaring millions of layers is refused before they are
	// decoded (the array's commas bound its length).
	if h := head.Spec.Hidden; len(h) > 0 && h[0] == '[' {
		if n := bytes.Count(h, []byte(",")) + 1; n > arch.MaxLayers {
			return nil, fmt.Errorf("spec: hidden has %d layers or more; at most %d are supported", n, arch.MaxLayers)
		}
	}
	if head.Format != Format {
		return nil, fmt.Errorf("not an mdn model (format %q, want %q)", head.Format, Format)
	}
	if head.Version < MinFormatVersion || head.Version > CalibratedVersion {
		return nil, fmt.Errorf("unsupported format version %d (this mdn reads %d to %d)", head.Version, MinFormatVersion, CalibratedVersion)
	}
	// spec.fixed_sigma is decoded as arch.Spec's []float64 below, where a
	// null element would read as 0: checked here as the other float
	// arrays are.
	if fs := head.Spec.FixedSigma; len(fs) > 0 && string(fs) != "null" {
		if _, err := numbers("spec.fixed_sigma", fs); err != nil {
			return nil, err
		}
	}
	var in fileIn
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return nil, jsonError(b, err)
	}
	return in.model()
}

func (in *fileIn) model() (*Model, error) {
	m := &Model{
		Format:   in.Format,
		Version:  in.Version,
		Spec:     in.Spec,
		XNames:   in.XNames,
		YNames:   in.YNames,
		Training: in.Training,
		Encoding: in.Encoding,
	}
	if err := m.Spec.Dtype.Validate(); err != nil {
		return nil, fmt.Errorf("spec.dtype: %w", err)
	}
	var err error
	// The declared shapes first, before any array is decoded.
	if err := m.Spec.Validate(); err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	if m.Scaler, err = in.Scaler.scaler("scaler"); err != nil {
		return nil, err
	}
	if m.Arrays, err = arrays("weights", in.Weights); err != nil {
		return nil, err
	}
	if m.Spec.Skip && in.Version < 3 {
		return nil, fmt.Errorf("spec: skip: needs format version 3, the file is version %d", in.Version)
	}
	if len(in.Ensemble) > 0 && in.Version < 2 {
		return nil, fmt.Errorf("ensemble: needs format version 2, the file is version %d", in.Version)
	}
	if len(in.Ensemble)+1 > MaxMembers {
		return nil, fmt.Errorf("ensemble: %d members, at most %d", len(in.Ensemble)+1, MaxMembers)
	}
	for i, e := range in.Ensemble {
		var mb Member
		if mb.Scaler, err = e.Scaler.scaler(fmt.Sprintf("ensemble[%d].scaler", i)); err != nil {
			return nil, err
		}
		if mb.Arrays, err = arrays(fmt.Sprintf("ensemble[%d].weights", i), e.Weights); err != nil {
			return nil, err
		}
		m.Ensemble = append(m.Ensemble, mb)
	}
	if m.Calibration, err = in.Calib.calibration(); err != nil {
		return nil, err
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// scaler decodes the four arrays of a scaler; where names them in errors.
func (sc *scalerIn) scaler(where string) (data.Scaler, error) {
	var out data.Scaler
	for _, f := range []struct {
		name string
		raw  json.RawMessage
		dst  *[]float64
	}{
		{where + ".x_mean", sc.XMean, &out.XMean},
		{where + ".x_std", sc.XStd, &out.XStd},
		{where + ".y_mean", sc.YMean, &out.YMean},
		{where + ".y_std", sc.YStd, &out.YStd},
	} {
		var err error
		if *f.dst, err = numbers(f.name, f.raw); err != nil {
			return data.Scaler{}, err
		}
	}
	return out, nil
}

// arrays decodes weight arrays; where ("weights") names them in errors.
func arrays(where string, in []arrayIn) ([]arch.Array, error) {
	out := make([]arch.Array, len(in))
	for i, a := range in {
		name := fmt.Sprintf("%s[%d]", where, i)
		if a.Name != "" {
			name = fmt.Sprintf("%s: %q", where, a.Name)
		}
		d, err := numbers(name, a.Data)
		if err != nil {
			return nil, err
		}
		out[i] = arch.Array{Name: a.Name, Shape: a.Shape, Data: d}
	}
	return out, nil
}

// numbers decodes a JSON array of numbers. Unlike encoding/json, it rejects
// null elements (which encoding/json would leave as 0) and says which
// element is not a number, so that a "NaN" written as a string is named.
func numbers(name string, raw json.RawMessage) ([]float64, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, fmt.Errorf("%s: missing, want an array of numbers", name)
	}
	var v []float64
	// Fast path: a plain array of numbers. A null element would decode to 0,
	// so arrays holding "null" take the slow path.
	if !bytes.Contains(raw, []byte("null")) && json.Unmarshal(raw, &v) == nil {
		return v, nil
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(raw, &elems); err != nil {
		return nil, fmt.Errorf("%s: want an array of numbers", name)
	}
	v = make([]float64, len(elems))
	for i, e := range elems {
		switch {
		case string(e) == "null":
			return nil, fmt.Errorf("%s: value %d is null, not a number", name, i)
		case len(e) > 0 && e[0] == '"':
			return nil, fmt.Errorf("%s: value %d is the string %s, not a number (a model file holds finite numbers only)", name, i, e)
		case len(e) > 0 && (e[0] == '[' || e[0] == '{' || e[0] == 't' || e[0] == 'f'):
			return nil, fmt.Errorf("%s: value %d is %s, not a number", name, i, e)
		}
		x, err := strconv.ParseFloat(string(e), 64)
		if err != nil {
			return nil, fmt.Errorf("%s: value %d is %s, out of the float64 range", name, i, e)
		}
		v[i] = x
	}
	return v, nil
}

// jsonError rewrites an encoding/json error with the line and column of
// its offset in b.
func jsonError(b []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("%s: invalid JSON: %s", position(b, se.Offset), se.Error())
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "the document"
		}
		return fmt.Errorf("%s: %s: want %s, got a JSON %s", position(b, te.Offset), field, kind(te.Type), te.Value)
	}
	if msg, ok := bytes.CutPrefix([]byte(err.Error()), []byte("json: ")); ok {
		return errors.New(string(msg))
	}
	return err
}

// position is "line L, column C" (1-based, C in bytes) of the byte at which
// encoding/json stopped after reading offset bytes.
func position(b []byte, offset int64) string {
	i := int(offset) - 1
	i = max(0, min(i, len(b)-1))
	line := 1 + bytes.Count(b[:i], []byte("\n"))
	col := i - bytes.LastIndexByte(b[:i], '\n')
	return fmt.Sprintf("line %d, column %d", line, col)
}

// kind names a Go type as the JSON value it is read from.
func kind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Pointer:
		return kind(t.Elem()) + " or null"
	}
	return t.String()
}
