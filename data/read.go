package data

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unsafe"

	"github.com/mdn-go/mdn/internal/hugepage"
)

// utf8BOM is the byte order mark that some tools (Excel among them) write at
// the start of a UTF-8 CSV file; it is not part of the first column's name.
const utf8BOM = "\xef\xbb\xbf"

// Reader streams the selected numeric columns of a CSV file one row at a
// time, without holding the file in memory. The first record is the header;
// columns are chosen by name. See the package doc for the accepted format.
//
// A Reader is not safe for concurrent use.
type Reader struct {
	name string
	br   *bufio.Reader
	// The fast path splits lines that hold no quote character itself, with
	// no allocation per row; at the first line with a quote, encoding/csv
	// takes over the rest of the stream (cr != nil), its line numbers offset
	// by lineBase.
	cr       *csv.Reader
	lineBase int
	next     int      // fast path: physical line of the next line read
	long     []byte   // fast path: a line longer than br's buffer
	fields   [][]byte // fast path: the current record's fields (views of its line, valid until the next read)
	bytes    int64    // fast path: bytes of the lines read so far
	header   []string // trimmed header names, one per field
	cols     []string // requested names, in request order
	idx      []int    // idx[j] is the field index of cols[j]
	rec      []string // current raw record (csv path, or built by Record on the fast path)
	recOK    bool     // rec holds the current record
	line     int      // first physical line of the current record
	end      int      // last physical line of the last record read
	rows     int      // data rows returned so far
	err      error    // sticky error, io.EOF at the end
	lim      *lineLimiter
}

// NewReader reads the header row from r and resolves cols (at least one, no
// name twice) to field positions. name is the file name used in error
// messages. Header names are compared after trimming surrounding spaces; a
// requested name that occurs twice in the header is an error (it is
// ambiguous; other names may repeat), as is a requested name that the header
// lacks (the message lists the first few names it has, see QuoteList). A
// line longer than MaxLineBytes is an error naming the line.
func NewReader(r io.Reader, name string, cols []string) (*Reader, error) {
	return newReaderLimit(r, name, cols, MaxLineBytes, false)
}

// newReaderLimit is NewReader with a line limit of limit bytes; with csvOnly
// encoding/csv reads every line (the fast path's test oracle).
func newReaderLimit(r io.Reader, name string, cols []string, limit int, csvOnly bool) (*Reader, error) {
	if len(cols) == 0 {
		return nil, &Error{File: name, Err: errors.New("no columns requested")}
	}
	if err := checkRequest(name, cols, "requested twice"); err != nil {
		return nil, err
	}
	lim := &lineLimiter{r: r, line: 1, limit: limit}
	br := bufio.NewReaderSize(lim, readBuffer)
	if b, err := br.Peek(len(utf8BOM)); err == nil && string(b) == utf8BOM {
		if _, err := br.Discard(len(utf8BOM)); err != nil {
			return nil, &Error{File: name, Err: err}
		}
	}
	rd := &Reader{name: name, br: br, next: 1, cols: append([]string(nil), cols...), lim: lim}
	if csvOnly {
		rd.cr = csv.NewReader(br)
		rd.cr.FieldsPerRecord = -1
		rd.cr.ReuseRecord = true
	}

	n, err := rd.readRecord()
	if err == io.EOF {
		return nil, &Error{File: name, Err: ErrNoHeader}
	}
	if err != nil {
		return nil, err
	}
	hline := rd.line
	rec := make([]string, n)
	for i := range n {
		rec[i] = rd.field(i)
	}
	rd.header = make([]string, len(rec))
	for i, f := range rec {
		rd.header[i] = strings.TrimSpace(f)
	}
	// Only the requested columns are looked up: a name that occurs twice
	// in the header is an error only when it is requested (ambiguous).
	want := make(map[string]int, len(cols))
	for j, c := range cols {
		want[c] = j
	}
	rd.idx = make([]int, len(cols))
	found := make([]bool, len(cols))
	for i, h := range rd.header {
		j, ok := want[h]
		if !ok {
			continue
		}
		if found[j] {
			return nil, &Error{File: name, Line: hline, Column: h,
				Err: fmt.Errorf("duplicate column (fields %d and %d)", rd.idx[j]+1, i+1)}
		}
		found[j], rd.idx[j] = true, i
	}
	for j, c := range cols {
		if !found[j] {
			return nil, &Error{File: name, Line: hline, Column: c,
				Err: fmt.Errorf("no such column; columns are %s", QuoteList(rd.header))}
		}
	}
	return rd, nil
}

// readBuffer is the size of the Reader's buffer: 64 KiB, few enough reads
// of the file that their system calls cost little beside parsing.
const readBuffer = 64 << 10

// MaxLineBytes is the longest physical line (header or data, counting a CR
// before the LF but not the LF) that the CSV reader accepts: 8 MiB, room for about 400,000
// numeric columns. A longer line is an *Error wrapping ErrLineTooLong that
// names the line, found before the line is held in memory, so that a file
// without line breaks cannot make the reader allocate without bound.
const MaxLineBytes = 8 << 20

// ErrLineTooLong: a physical line is longer than MaxLineBytes.
var ErrLineTooLong = fmt.Errorf("line longer than %d bytes (8 MiB, the limit of the CSV reader)", MaxLineBytes)

// lineLimiter passes bytes through, counting physical lines, and fails on
// the first line longer than MaxLineBytes.
type lineLimiter struct {
	r     io.Reader
	line  int // 1-based line of the next byte
	cur   int // bytes of the current line so far
	limit int // MaxLineBytes, lower in tests
	err   *Error
}

func (l *lineLimiter) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	limit := l.limit
	if n <= limit {
		// Only the line that runs on from the last read can be too
		// long: every other line is inside p[:n].
		i := bytes.IndexByte(p[:n], '\n')
		if i < 0 {
			i = n
		}
		if l.cur+i > limit {
			l.err = &Error{Line: l.line, Err: ErrLineTooLong}
			return 0, l.err
		}
		if i < n {
			l.line += bytes.Count(p[i:n], []byte{'\n'})
			l.cur = n - 1 - bytes.LastIndexByte(p[:n], '\n')
		} else {
			l.cur += n
		}
		return n, err
	}
	for rest := p[:n]; ; {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			l.cur += len(rest)
		} else {
			l.cur += i
		}
		if l.cur > limit {
			l.err = &Error{Line: l.line, Err: ErrLineTooLong}
			return 0, l.err
		}
		if i < 0 {
			break
		}
		l.line++
		l.cur = 0
		rest = rest[i+1:]
	}
	return n, err
}

// checkRequest reports the first name that occurs twice in cols.
func checkRequest(file string, cols []string, msg string) error {
	seen := make(map[string]bool, len(cols))
	for _, c := range cols {
		if seen[c] {
			return &Error{File: file, Column: c, Err: errors.New(msg)}
		}
		seen[c] = true
	}
	return nil
}

// Bounds of QuoteList, so that a message about a header of a million names
// stays one readable line.
const (
	maxListed   = 8  // names listed before "and N more"
	maxNameRune = 40 // runes of a name shown before "…"
)

// QuoteList formats names for a message as "a", "b", "c": at most 8 names,
// each cut to 40 characters, then "and N more".
func QuoteList(names []string) string {
	n := min(len(names), maxListed)
	q := make([]string, n, n+1)
	for i, name := range names[:n] {
		runes := 0
		for b := range name {
			if runes == maxNameRune {
				name = name[:b] + "…"
				break
			}
			runes++
		}
		q[i] = strconv.Quote(name)
	}
	if len(names) > n {
		q = append(q, fmt.Sprintf("and %d more", len(names)-n))
	}
	return strings.Join(q, ", ")
}

// recordEnd returns the last physical line of the record just read: the line
// its last field starts on plus the line breaks inside that field (only a
// quoted field can hold one; encoding/csv turns a CRLF inside it into LF).
func recordEnd(cr *csv.Reader, rec []string) int {
	last := len(rec) - 1
	line, _ := cr.FieldPos(last)
	return line + strings.Count(rec[last], "\n")
}

// readRecord reads the next record, sets r.line and r.end, and returns its
// number of fields, io.EOF at the end, or an *Error. Its fields are then
// read with field, fieldBytes or Record.
func (r *Reader) readRecord() (int, error) {
	r.recOK = false
	if r.cr != nil {
		return r.csvRecord()
	}
	for {
		line, err := r.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			r.long = append(r.long[:0], line...)
			for err == bufio.ErrBufferFull {
				line, err = r.br.ReadSlice('\n')
				r.long = append(r.long, line...)
			}
			line = r.long
		}
		if err != nil && err != io.EOF {
			return 0, r.csvError(err)
		}
		if len(line) == 0 {
			return 0, io.EOF
		}
		lineNo := r.next
		r.next++
		if bytes.IndexByte(line, '"') >= 0 {
			// Quoted fields (which may span lines): encoding/csv reads
			// from this line on.
			r.cr = csv.NewReader(io.MultiReader(bytes.NewReader(bytes.Clone(line)), r.br))
			r.cr.FieldsPerRecord = -1 // raggedness is checked in record, with a better message
			r.cr.ReuseRecord = true
			r.lineBase = lineNo - 1
			r.fields = r.fields[:0]
			return r.csvRecord()
		}
		r.bytes += int64(len(line))
		// As encoding/csv: a final LF or CRLF ends the line, a CR before
		// the end of the input is dropped, and empty lines are skipped.
		n := len(line)
		if line[n-1] == '\n' {
			n--
			if n > 0 && line[n-1] == '\r' {
				n--
			}
		} else if line[n-1] == '\r' {
			n--
		}
		if n == 0 {
			if err == io.EOF {
				return 0, io.EOF
			}
			continue
		}
		line = line[:n]
		r.fields = r.fields[:0]
		for {
			i := bytes.IndexByte(line, ',')
			if i < 0 {
				r.fields = append(r.fields, line)
				break
			}
			r.fields = append(r.fields, line[:i])
			line = line[i+1:]
		}
		r.line, r.end = lineNo, lineNo
		return len(r.fields), nil
	}
}

// csvRecord is readRecord through encoding/csv.
func (r *Reader) csvRecord() (int, error) {
	rec, err := r.cr.Read()
	if err != nil {
		if err == io.EOF {
			return 0, io.EOF
		}
		return 0, r.csvError(err)
	}
	r.rec, r.recOK = rec, true
	line, _ := r.cr.FieldPos(0)
	r.line = line + r.lineBase
	r.end = recordEnd(r.cr, rec) + r.lineBase
	return len(rec), nil
}

// field returns field i of the current record as a new string.
func (r *Reader) field(i int) string {
	if r.cr != nil {
		return r.rec[i]
	}
	return string(r.fields[i])
}

// parse parses field i of the current record (see ParseValue) without
// copying it.
func (r *Reader) parse(i int) (float64, error) {
	if r.cr != nil {
		return ParseValue(r.rec[i])
	}
	f := r.fields[i]
	if len(f) == 0 {
		return ParseValue("")
	}
	// ParseValue keeps no reference to its argument (its errors quote a
	// copy), so a view of the line is safe here.
	return ParseValue(unsafe.String(&f[0], len(f)))
}

// csvError converts an error from encoding/csv into an *Error.
func (r *Reader) csvError(err error) error {
	var le *Error
	if errors.As(err, &le) && errors.Is(le.Err, ErrLineTooLong) {
		return &Error{File: r.name, Line: le.Line, Err: ErrLineTooLong}
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &Error{File: r.name, Line: pe.Line + r.lineBase, Err: pe.Err}
	}
	return &Error{File: r.name, Err: err}
}

// Header returns the trimmed names of all header fields, in file order.
func (r *Reader) Header() []string { return append([]string(nil), r.header...) }

// Columns returns the requested column names, in request order.
func (r *Reader) Columns() []string { return append([]string(nil), r.cols...) }

// Line returns the 1-based physical line on which the current row starts
// (the header is line 1 unless blank lines precede it).
func (r *Reader) Line() int { return r.line }

// Record returns all fields of the current row as read, untrimmed, so that
// other columns can be passed through. The slice is reused by the next call
// to Next: copy it to keep it.
func (r *Reader) Record() []string {
	if !r.recOK {
		r.rec = r.rec[:0]
		for _, f := range r.fields {
			r.rec = append(r.rec, string(f))
		}
		r.recOK = true
	}
	return r.rec
}

// Next reads the next row and returns its selected columns, in the order
// requested, appended to dst[:0] (so dst's storage is reused when it is large
// enough). At the end of the file it returns io.EOF; a file with a header but
// no data row gives an *Error wrapping ErrNoData instead. Any other error is
// an *Error naming the line (and the column for a bad value): a row with the
// wrong number of fields, a field that is not a number, NaN or ±Inf, a blank
// line between data rows, or malformed quoting. Errors are sticky: once Next
// has returned an error it returns the same error on every later call.
func (r *Reader) Next(dst []float64) ([]float64, error) {
	dst = dst[:0]
	if err := r.record(); err != nil {
		return dst, err
	}
	for j, i := range r.idx {
		v, err := r.parse(i)
		if err != nil {
			r.err = &Error{File: r.name, Line: r.line, Column: r.cols[j], Err: err}
			return dst[:0], r.err
		}
		dst = append(dst, v)
	}
	r.rows++
	return dst, nil
}

// NextFields reads the next row like Next but returns its selected fields as
// text, trimmed of surrounding spaces, in the order requested, appended to
// dst[:0]. It checks everything Next checks except the values themselves, so
// that a caller (package encode) can read labels and missing cells. The
// strings stay valid after the next call; only dst's storage is reused.
func (r *Reader) NextFields(dst []string) ([]string, error) {
	dst = dst[:0]
	if err := r.record(); err != nil {
		return dst, err
	}
	for _, i := range r.idx {
		dst = append(dst, strings.TrimSpace(r.field(i)))
	}
	r.rows++
	return dst, nil
}

// Fail makes err the Reader's sticky error, so that a caller that rejects a
// row's value (NextFields does not check them) stops the Reader as Next
// would, and returns err.
func (r *Reader) Fail(err error) error {
	r.err = err
	return err
}

// record reads the next record and checks its shape (see Next).
func (r *Reader) record() error {
	if r.err != nil {
		return r.err
	}
	end := r.end
	n, err := r.readRecord()
	if err != nil {
		switch {
		case err == io.EOF && r.rows == 0:
			r.err = &Error{File: r.name, Err: ErrNoData}
		default:
			r.err = err
		}
		return r.err
	}
	if r.line > end+1 {
		// Empty lines are skipped; between data rows such a line would
		// be a lost row (a missing value in a one-column file).
		r.err = &Error{File: r.name, Line: end + 1, Err: errors.New("blank line between data rows")}
		return r.err
	}
	if n != len(r.header) {
		unit := "fields"
		if n == 1 {
			unit = "field"
		}
		r.err = &Error{File: r.name, Line: r.line,
			Err: fmt.Errorf("%d %s, want %d", n, unit, len(r.header))}
		return r.err
	}
	return nil
}

// ParseValue parses one field as a finite float64, ignoring surrounding
// spaces. Its errors wrap ErrNotNumber or ErrNotFinite and quote the field;
// they name no place (the caller wraps them in an *Error).
//
// A number is written as CSV files write numbers, a plain decimal
//
//	[+-] (digits [. [digits]] | . digits) [(e|E) [+-] digits]
//
// and its value is strconv.ParseFloat's: the nearest float64, through an
// exact fast path of its own (parseFloat) or strconv. Go's other float
// syntaxes (hexadecimal 0x1p3, digit separators 1_000) are not numbers
// here; the spellings of infinity and NaN that strconv reads (inf, +Inf,
// Infinity, NaN, in any case) are ErrNotFinite, as is a decimal beyond the
// float64 range. An underflow to a subnormal or zero is not an error.
func ParseValue(field string) (float64, error) {
	s := field
	if n := len(s); n == 0 || s[0] <= ' ' || s[n-1] <= ' ' || s[0] >= 0x80 || s[n-1] >= 0x80 {
		s = strings.TrimSpace(s)
	}
	if v, ok := parseFloat(s); ok {
		return v, nil
	}
	if !isDecimal(s) && !isInfNaN(s) {
		return 0, fmt.Errorf("%w %q", ErrNotNumber, s)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) && math.IsInf(v, 0) {
			return 0, fmt.Errorf("%w %q (beyond float64 range)", ErrNotFinite, s)
		}
		if !errors.Is(err, strconv.ErrRange) {
			return 0, fmt.Errorf("%w %q", ErrNotNumber, s)
		}
		// An underflow to a denormal or zero is not an error.
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%w %q", ErrNotFinite, s)
	}
	return v, nil
}

// CheckColumns checks a request of covariate and response columns as
// ReadFrom does: at least one x column, no column twice, none as both x and
// y. name is the file name used in the *Error.
func CheckColumns(name string, xCols, yCols []string) error {
	if len(xCols) == 0 {
		return &Error{File: name, Err: errors.New("no x columns requested")}
	}
	if err := checkRequest(name, xCols, "requested twice"); err != nil {
		return err
	}
	if err := checkRequest(name, yCols, "requested twice"); err != nil {
		return err
	}
	for _, y := range yCols {
		for _, x := range xCols {
			if x == y {
				return &Error{File: name, Column: y, Err: errors.New("requested as both x and y")}
			}
		}
	}
	return nil
}

// sizeProbe is the number of rows after which ReadAll estimates the number
// of rows of a stream from its size and the bytes per row so far.
const sizeProbe = 1024

// ReadAll reads the remaining rows with Next into a Dataset: the first xDim
// requested columns are its covariates X, the others its responses Y, with
// the names requested; Lines records the physical line of each row and
// Path is the Reader's name. It stops at the first error Next returns.
// size > 0 is the length of the stream in bytes: once sizeProbe rows are
// read, the number of rows is estimated from it so that the columns are
// allocated about once instead of growing by copies (which cost more time
// than parsing, and memory). Package encode reads files through it when
// every column is a number.
func (r *Reader) ReadAll(xDim int, size int64) (*Dataset, error) {
	if xDim < 0 || xDim > len(r.cols) {
		panic(fmt.Sprintf("data: ReadAll: %d covariates of %d columns", xDim, len(r.cols)))
	}
	d := &Dataset{
		Path:   r.name,
		XNames: append([]string(nil), r.cols[:xDim]...),
		YNames: append([]string(nil), r.cols[xDim:]...),
		XDim:   xDim,
		YDim:   len(r.cols) - xDim,
	}
	row := make([]float64, 0, len(r.cols))
	for {
		var err error
		row, err = r.Next(row)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		d.X = append(d.X, row[:d.XDim]...)
		d.Y = append(d.Y, row[d.XDim:]...)
		d.Lines = append(d.Lines, r.Line())
		d.N++
		if d.N == sizeProbe && size > 0 && r.bytes > 0 {
			// Rows of the rest of the file at the bytes per row so far,
			// plus 5%: at most size/2 rows (a row takes two bytes or more).
			est := float64(size) / (float64(r.bytes) / float64(d.N)) * 1.05
			rows := int(min(est, float64(size)/2)) + 1
			if rows > d.N {
				// Not slices.Grow, which clears the new capacity: memory
				// fresh from the system is zero already, and the first
				// write is what makes the system map it.
				d.X = withCap(d.X, rows*d.XDim)
				d.Y = withCap(d.Y, rows*d.YDim)
				d.Lines = withCap(d.Lines, rows)
			}
		}
	}
	return d, nil
}

// withCap returns s with capacity c ≥ len(s), in new storage, backed by
// huge pages where the system grants them (hugepage.Advise).
func withCap[E any](s []E, c int) []E {
	g := make([]E, 0, c)
	hugepage.Advise(g)
	return append(g, s...)
}

// Name returns the input's name as used in error messages.
func (r *Reader) Name() string { return r.name }
