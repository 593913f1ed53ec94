package data

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// writeFile writes content to name in a fresh temporary directory and
// returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// sameBits reports whether a and b hold the same float64 bit patterns
// (so -0 and 0 differ).
func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

func TestReadValid(t *testing.T) {
	// Expected values are the literals in each file, read by eye.
	for _, tc := range []struct {
		name         string
		path         string // a file in testdata, or "" to write content
		content      string
		xCols, yCols []string
		wantX, wantY []float64
		wantLines    []int
	}{
		{
			name: "crlf with bom, spaces, blank trailing line", path: "testdata/crlf_bom.csv",
			xCols: []string{"x"}, yCols: []string{"y"},
			wantX: []float64{1.5, 3, -0.25}, wantY: []float64{-2, 0.4, 1000}, wantLines: []int{2, 3, 4},
		},
		{
			name: "quoted fields, y columns reordered", path: "testdata/quoted.csv",
			xCols: []string{"x"}, yCols: []string{"y2", "y1"},
			wantX: []float64{1.5, 0.5, 7}, wantY: []float64{-3, 2, 1e-3, 2.25, math.Copysign(0, -1), 0},
			wantLines: []int{2, 3, 4},
		},
		{
			name: "input only", path: "testdata/quoted.csv",
			xCols: []string{"y1", "x"}, yCols: nil,
			wantX: []float64{2, 1.5, 2.25, 0.5, 0, 7}, wantY: nil, wantLines: []int{2, 3, 4},
		},
		{
			name: "several blank trailing lines, spaces in header", content: " a , b \n1,2\n3,4\n\n\n\n",
			xCols: []string{"a"}, yCols: []string{"b"},
			wantX: []float64{1, 3}, wantY: []float64{2, 4}, wantLines: []int{2, 3},
		},
		{
			name: "no final newline", content: "a,b\n1,2\n3,4",
			xCols: []string{"b"}, yCols: []string{"a"},
			wantX: []float64{2, 4}, wantY: []float64{1, 3}, wantLines: []int{2, 3},
		},
		{
			name: "multi-line quoted text in an unselected column", content: "a,note,b\n1,\"two\r\nlines\",2\n3,x,4\n",
			xCols: []string{"a"}, yCols: []string{"b"},
			wantX: []float64{1, 3}, wantY: []float64{2, 4}, wantLines: []int{2, 4},
		},
		{
			name: "plain decimal syntaxes", content: "a,b\n+1,2.\n.5,1E2\n-0.25e-1,007\n",
			xCols: []string{"a"}, yCols: []string{"b"},
			wantX: []float64{1, 0.5, -0.025}, wantY: []float64{2, 100, 7}, wantLines: []int{2, 3, 4},
		},
		{
			name: "underflow to a denormal is kept", content: "a,b\n1e-320,0\n",
			xCols: []string{"a"}, yCols: []string{"b"},
			wantX: []float64{1e-320}, wantY: []float64{0}, wantLines: []int{2},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path
			if path == "" {
				path = writeFile(t, "f.csv", tc.content)
			}
			d, err := readFile(path, tc.xCols, tc.yCols)
			if err != nil {
				t.Fatalf("got error %v, want nil", err)
			}
			n := len(tc.wantLines)
			if d.N != n || d.XDim != len(tc.xCols) || d.YDim != len(tc.yCols) {
				t.Errorf("got N, XDim, YDim = %d, %d, %d, want %d, %d, %d", d.N, d.XDim, d.YDim, n, len(tc.xCols), len(tc.yCols))
			}
			if d.Path != path {
				t.Errorf("got Path %q, want %q", d.Path, path)
			}
			if !slices.Equal(d.XNames, tc.xCols) || !slices.Equal(d.YNames, tc.yCols) {
				t.Errorf("got names %q %q, want %q %q", d.XNames, d.YNames, tc.xCols, tc.yCols)
			}
			if !sameBits(d.X, tc.wantX) {
				t.Errorf("got X %v, want %v", d.X, tc.wantX)
			}
			if len(d.Y) != 0 || len(tc.wantY) != 0 {
				if !sameBits(d.Y, tc.wantY) {
					t.Errorf("got Y %v, want %v", d.Y, tc.wantY)
				}
			}
			if !slices.Equal(d.Lines, tc.wantLines) {
				t.Errorf("got Lines %v, want %v", d.Lines, tc.wantLines)
			}
		})
	}
}

func TestTestdataBytes(t *testing.T) {
	// The CRLF+BOM file must keep its bytes through git (see
	// testdata/.gitattributes), or TestReadValid no longer tests them.
	b, err := os.ReadFile("testdata/crlf_bom.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte(utf8BOM)) {
		t.Errorf("got prefix %q, want the UTF-8 BOM", b[:min(3, len(b))])
	}
	if got, want := bytes.Count(b, []byte("\r\n")), bytes.Count(b, []byte("\n")); got != want || got == 0 {
		t.Errorf("got %d CRLF for %d LF, want all line ends CRLF", got, want)
	}
}

func TestReadErrors(t *testing.T) {
	for _, tc := range []struct {
		name         string
		content      string // "" with missing: no file at all
		missing      bool
		xCols, yCols []string
		want         string // message after "data: read PATH: "
		is           error  // a sentinel the error wraps, or nil
	}{
		{name: "missing file", missing: true, xCols: []string{"x"},
			want: "open PATH: no such file or directory", is: fs.ErrNotExist},
		{name: "empty file", content: "", xCols: []string{"x"}, want: "no header row", is: ErrNoHeader},
		{name: "only blank lines", content: "\n\r\n\n", xCols: []string{"x"}, want: "no header row", is: ErrNoHeader},
		{name: "header only", content: "x,y\n", xCols: []string{"x"}, yCols: []string{"y"}, want: "no data rows", is: ErrNoData},
		{name: "header only with bom and blank lines", content: utf8BOM + "x,y\r\n\r\n", xCols: []string{"x"},
			want: "no data rows", is: ErrNoData},
		{name: "short row", content: "x,y\n1,2\n3\n", xCols: []string{"x"}, yCols: []string{"y"},
			want: "line 3: 1 field, want 2"},
		{name: "long row", content: "x,y\n1,2,3\n", xCols: []string{"x"}, yCols: []string{"y"},
			want: "line 2: 3 fields, want 2"},
		{name: "ragged unselected column", content: "x,y,z\n1,2,3\n1,2\n", xCols: []string{"x"},
			want: "line 3: 2 fields, want 3"},
		{name: "not a number", content: "x,y\n1,2\n3,abc\n", xCols: []string{"x"}, yCols: []string{"y"},
			want: `line 3, column "y": not a number "abc"`, is: ErrNotNumber},
		{name: "empty field", content: "x,y\n1,\n", xCols: []string{"x"}, yCols: []string{"y"},
			want: `line 2, column "y": not a number ""`, is: ErrNotNumber},
		{name: "spaces only", content: "x,y\n  ,1\n", xCols: []string{"x"}, yCols: []string{"y"},
			want: `line 2, column "x": not a number ""`, is: ErrNotNumber},
		{name: "number with unit", content: "x,y\n1,2kg\n", xCols: []string{"x"}, yCols: []string{"y"},
			want: `line 2, column "y": not a number "2kg"`, is: ErrNotNumber},
		// Go's float syntaxes that are not CSV numbers (strconv.ParseFloat
		// reads the first two).
		{name: "hexadecimal float", content: "x,y\n1,2\n3,0x1p3\n", xCols: []string{"x"}, yCols: []string{"y"},
			want: `line 3, column "y": not a number "0x1p3"`, is: ErrNotNumber},
		{name: "digit separators", content: "x,y\n1_000,2\n", xCols: []string{"x"}, yCols: []string{"y"},
			want: `line 2, column "x": not a number "1_000"`, is: ErrNotNumber},
		{name: "binary literal", content: "x,y\n1,0b1\n", xCols: []string{"x"}, yCols: []string{"y"},
			want: `line 2, column "y": not a number "0b1"`, is: ErrNotNumber},
		{name: "octal literal", content: "x,y\n0o7,1\n", xCols: []string{"x"}, yCols: []string{"y"},
			want: `line 2, column "x": not a number "0o7"`, is: ErrNotNumber},
		{name: "NaN", content: "x,y\n1,NaN\n", xCols: []string{"x"}, yCols: []string{"y"},
			want: `line 2, column "y": not finite "NaN"`, is: ErrNotFinite},
		{name: "nan lower case", content: "x,y\n nan ,1\n", xCols: []string{"x"}, yCols: []string{"y"},
			want: `line 2, column "x": not finite "nan"`, is: ErrNotFinite},
		{name: "+Inf", content: "x,y\n1,+Inf\n", xCols: []string{"x"}, yCols: []string{"y"},
			want: `line 2, column "y": not finite "+Inf"`, is: ErrNotFinite},
		{name: "-Inf quoted", content: "x,y\n\"-Inf\",1\n", xCols: []string{"x"}, yCols: []string{"y"},
			want: `line 2, column "x": not finite "-Inf"`, is: ErrNotFinite},
		{name: "overflow", content: "x,y\n1,-1e400\n", xCols: []string{"x"}, yCols: []string{"y"},
			want: `line 2, column "y": not finite "-1e400" (beyond float64 range)`, is: ErrNotFinite},
		{name: "bad value after crlf lines", content: "x,y\r\n1,2\r\n3,4\r\n5,a\r\n", xCols: []string{"x"}, yCols: []string{"y"},
			want: `line 4, column "y": not a number "a"`},
		{name: "bad value after multi-line quoted field", content: "x,n\n1,\"a\nb\nc\"\nq,d\n", xCols: []string{"x"},
			want: `line 5, column "x": not a number "q"`},
		{name: "blank line between rows", content: "x,y\n1,2\n\n3,4\n", xCols: []string{"x"}, yCols: []string{"y"},
			want: "line 3: blank line between data rows"},
		{name: "blank line in one-column file", content: "x\n1\n\n\n3\n", xCols: []string{"x"},
			want: "line 3: blank line between data rows"},
		{name: "duplicate column", content: "x,y,x\n1,2,3\n", xCols: []string{"x"},
			want: `line 1, column "x": duplicate column (fields 1 and 3)`},
		{name: "duplicate column after trimming", content: "x, y,y \n1,2,3\n", xCols: []string{"x"}, yCols: []string{"y"},
			want: `line 1, column "y": duplicate column (fields 2 and 3)`},
		{name: "requested column missing", content: "x,y\n1,2\n", xCols: []string{"x"}, yCols: []string{"z"},
			want: `line 1, column "z": no such column; columns are "x", "y"`},
		{name: "column requested twice", content: "x,y\n1,2\n", xCols: []string{"x", "x"},
			want: `column "x": requested twice`},
		{name: "y column requested twice", content: "x,y\n1,2\n", xCols: []string{"x"}, yCols: []string{"y", "y"},
			want: `column "y": requested twice`},
		{name: "column as both x and y", content: "x,y\n1,2\n", xCols: []string{"x", "y"}, yCols: []string{"y"},
			want: `column "y": requested as both x and y`},
		{name: "no x columns", content: "x,y\n1,2\n", yCols: []string{"y"},
			want: "no x columns requested"},
		{name: "bare quote", content: "x,y\n1,2\"\n", xCols: []string{"x"},
			want: `line 2: bare " in non-quoted-field`},
		{name: "unterminated quote", content: "x,y\n1,2\n3,\"4\n", xCols: []string{"x"},
			want: `line 3: extraneous or missing " in quoted-field`}, // where the open quote starts
	} {
		t.Run(tc.name, func(t *testing.T) {
			var path string
			if tc.missing {
				path = filepath.Join(t.TempDir(), "missing.csv")
			} else {
				path = writeFile(t, "bad.csv", tc.content)
			}
			d, err := readFile(path, tc.xCols, tc.yCols)
			if err == nil {
				t.Fatalf("got dataset with N=%d and no error, want error", d.N)
			}
			want := "data: read " + path + ": " + strings.ReplaceAll(tc.want, "PATH", path)
			if tc.missing { // the file is named once (Error)
				want = "data: " + strings.ReplaceAll(tc.want, "PATH", path)
			}
			if err.Error() != want {
				t.Errorf("got %q, want %q", err.Error(), want)
			}
			var e *Error
			if !errors.As(err, &e) || e.File != path {
				t.Errorf("got %#v, want an *Error with File %q", err, path)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("got errors.Is(err, %v) false, want true", tc.is)
			}
		})
	}
}

func TestReaderStream(t *testing.T) {
	f, err := os.Open("testdata/quoted.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := NewReader(f, "quoted.csv", []string{"y1", "x"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.Header(), []string{"id", "x", "y1", "y2"}; !slices.Equal(got, want) {
		t.Errorf("got header %q, want %q", got, want)
	}
	if got, want := r.Columns(), []string{"y1", "x"}; !slices.Equal(got, want) {
		t.Errorf("got columns %q, want %q", got, want)
	}
	// Rows and ids as written in testdata/quoted.csv.
	want := []struct {
		vals []float64
		id   string
		line int
	}{{[]float64{2, 1.5}, "r1", 2}, {[]float64{2.25, 0.5}, "r2", 3}, {[]float64{0, 7}, "r,3", 4}}
	buf := make([]float64, 0, 2)
	for i, w := range want {
		got, err := r.Next(buf)
		if err != nil {
			t.Fatalf("row %d: got error %v, want nil", i, err)
		}
		if !slices.Equal(got, w.vals) {
			t.Errorf("row %d: got %v, want %v", i, got, w.vals)
		}
		if &got[0] != &buf[:1][0] {
			t.Errorf("row %d: got a new slice, want dst's storage reused", i)
		}
		if r.Record()[0] != w.id || r.Line() != w.line {
			t.Errorf("row %d: got id %q line %d, want %q %d", i, r.Record()[0], r.Line(), w.id, w.line)
		}
	}
	for range 2 {
		if got, err := r.Next(buf); err != io.EOF || len(got) != 0 {
			t.Errorf("got %v, %v at end, want [], io.EOF", got, err)
		}
	}
}

func TestReaderStickyError(t *testing.T) {
	r, err := NewReader(strings.NewReader("a\n1\nz\n3\n"), "s.csv", []string{"a"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(nil); err != nil {
		t.Fatalf("got %v, want nil", err)
	}
	want := `data: read s.csv: line 3, column "a": not a number "z"`
	for range 2 {
		if _, err := r.Next(nil); err == nil || err.Error() != want {
			t.Errorf("got %v, want %s", err, want)
		}
	}
}

func TestNewReaderErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		content string
		cols    []string
		want    string
	}{
		{"no columns", "a\n1\n", nil, "data: read in.csv: no columns requested"},
		{"twice", "a\n1\n", []string{"a", "a"}, `data: read in.csv: column "a": requested twice`},
		{"missing", "a,b\n1,2\n", []string{"c"}, `data: read in.csv: line 1, column "c": no such column; columns are "a", "b"`},
		{"empty", "", []string{"a"}, "data: read in.csv: no header row"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewReader(strings.NewReader(tc.content), "in.csv", tc.cols)
			if err == nil || err.Error() != tc.want {
				t.Errorf("got %v, want %s", err, tc.want)
			}
		})
	}
}

func TestReaderNoDataRows(t *testing.T) {
	r, err := NewReader(strings.NewReader("a,b\n"), "h.csv", []string{"a"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(nil); !errors.Is(err, ErrNoData) {
		t.Errorf("got %v, want ErrNoData", err)
	}
}

func TestErrorFormat(t *testing.T) {
	inner := errors.New("bad")
	for _, tc := range []struct {
		e    Error
		want string
	}{
		{Error{File: "f.csv", Line: 3, Column: "y", Err: inner}, `data: read f.csv: line 3, column "y": bad`},
		{Error{File: "f.csv", Line: 3, Err: inner}, `data: read f.csv: line 3: bad`},
		{Error{File: "f.csv", Column: "y", Err: inner}, `data: read f.csv: column "y": bad`},
		{Error{File: "f.csv", Err: inner}, `data: read f.csv: bad`},
		{Error{Row: 2, Column: "x", Err: inner}, `data: row 2, column "x": bad`},
		{Error{File: "f.csv", Line: 4, Row: 2, Err: inner}, `data: read f.csv: line 4: bad`},
	} {
		t.Run(tc.want, func(t *testing.T) {
			if got := tc.e.Error(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if !errors.Is(&tc.e, inner) {
				t.Errorf("got errors.Is false, want true")
			}
		})
	}
}

// benchCSV returns rows rows of 3 numeric columns as CSV text.
func benchCSV(rows int) []byte {
	var b bytes.Buffer
	b.WriteString("x1,x2,y\n")
	for i := range rows {
		fmt.Fprintf(&b, "%s,%s,%s\n", strconv.FormatFloat(float64(i)*0.001, 'g', -1, 64),
			strconv.FormatFloat(-1.25e-3*float64(i%977), 'g', -1, 64), strconv.FormatFloat(math.Sin(float64(i)), 'g', -1, 64))
	}
	return b.Bytes()
}

// BenchmarkRead reads 100,000 rows of 3 numeric columns per iteration; the
// ns/row metric times 10^6 is the time for a million rows.
func BenchmarkRead(b *testing.B) {
	const rows = 100_000
	text := benchCSV(rows)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		d, err := readFrom(bytes.NewReader(text), "bench.csv", []string{"x1", "x2"}, []string{"y"})
		if err != nil || d.N != rows {
			b.Fatalf("got N=%v err=%v, want %d rows", d, err, rows)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
}

// BenchmarkReaderNext streams the same rows without building a Dataset.
func BenchmarkReaderNext(b *testing.B) {
	const rows = 100_000
	text := benchCSV(rows)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(text), "bench.csv", []string{"x1", "x2", "y"})
		if err != nil {
			b.Fatal(err)
		}
		var row []float64
		for {
			if row, err = r.Next(row); err != nil {
				break
			}
		}
		if err != io.EOF {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
}

func TestReaderNextFields(t *testing.T) {
	in := "a, b ,c\n x ,\"y, z\",1\n,NA,2\n3\n"
	rd, err := NewReader(strings.NewReader(in), "f.csv", []string{"b", "a"})
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	var f []string
	for {
		f, err = rd.NextFields(f)
		if err != nil {
			break
		}
		got = append(got, slices.Clone(f))
	}
	if want := [][]string{{"y, z", "x"}, {"NA", ""}}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("fields %q, want %q", got, want)
	}
	if err == nil || err.Error() != "data: read f.csv: line 4: 1 field, want 3" {
		t.Errorf("got %v", err)
	}
	// Fail makes a caller's error sticky.
	rd, _ = NewReader(strings.NewReader(in), "f.csv", []string{"a"})
	boom := errors.New("boom")
	if rd.Fail(boom) != boom {
		t.Fatal("Fail did not return its error")
	}
	if _, err := rd.NextFields(nil); err != boom {
		t.Errorf("after Fail: %v", err)
	}
}

// TestLineLimit: a line longer than the limit is an error naming its line,
// whether it is the header or a data row, and a line of exactly the limit
// is read. The limit is lowered to 64 bytes here; MaxLineBytes itself is
// checked by the memory measurement in docs/cli.md.
func TestLineLimit(t *testing.T) {
	long := strings.Repeat("1", 64)
	for _, c := range []struct {
		name, content string
		want          string // "" for success
	}{
		{"data line at the limit", "x,y\n1," + long[:62] + "\n", ""},
		{"data line over the limit", "x,y\n1,2\n1," + long + "\n", "data: read in.csv: line 3: " + ErrLineTooLong.Error()},
		{"header over the limit", "x,y," + long + "\n1,2,3\n", "data: read in.csv: line 1: " + ErrLineTooLong.Error()},
		{"no line break at all", long + long, "data: read in.csv: line 1: " + ErrLineTooLong.Error()},
	} {
		t.Run(c.name, func(t *testing.T) {
			rd, err := newReaderLimit(strings.NewReader(c.content), "in.csv", []string{"x"}, 64, false)
			if err == nil {
				for err == nil {
					_, err = rd.Next(nil)
				}
				if err == io.EOF {
					err = nil
				}
			}
			if c.want == "" {
				if err != nil {
					t.Fatalf("got %v, want success", err)
				}
				return
			}
			if err == nil || err.Error() != c.want || !errors.Is(err, ErrLineTooLong) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
		})
	}
}

// TestDuplicateUnusedColumn: a name that occurs twice is fine when it is not
// requested, and an error naming both fields when it is.
func TestDuplicateUnusedColumn(t *testing.T) {
	d, err := readFrom(strings.NewReader("x,note,y,note\n1,a,2,b\n"), "in.csv", []string{"x"}, []string{"y"})
	if err != nil || d.N != 1 || d.X[0] != 1 || d.Y[0] != 2 {
		t.Fatalf("got %v, %v", d, err)
	}
	_, err = readFrom(strings.NewReader("x,y,y\n1,2,3\n"), "in.csv", []string{"x"}, []string{"y"})
	if want := `data: read in.csv: line 1, column "y": duplicate column (fields 2 and 3)`; err == nil || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
}

// TestQuoteListBounded: a header of many long names gives a short message.
func TestQuoteListBounded(t *testing.T) {
	var b strings.Builder
	for i := range 100000 {
		fmt.Fprintf(&b, "column_with_a_rather_long_name_number_%d_and_more_text,", i)
	}
	b.WriteString("z\n1")
	for range 100000 {
		b.WriteString(",1")
	}
	b.WriteString("\n")
	_, err := readFrom(strings.NewReader(b.String()), "in.csv", []string{"x"}, nil)
	if err == nil || len(err.Error()) > 600 || !strings.HasSuffix(err.Error(), "and 99993 more") {
		t.Fatalf("got a %d-byte message: %.300v", len(fmt.Sprint(err)), err)
	}
}

// chunkReader returns its text in reads of random sizes.
type chunkReader struct {
	s   string
	rng *rand.Rand
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if c.s == "" {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), 1+c.rng.IntN(150))], c.s)
	c.s = c.s[n:]
	return n, nil
}

// TestLineLimiterChunks: whatever the sizes of the reads (shorter or
// longer than the limit), the limiter passes the text through unchanged up
// to the first line longer than the limit and names that line.
func TestLineLimiterChunks(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const limit = 64
	for trial := range 2000 {
		var b strings.Builder
		want := 0 // first line over the limit, 0 if none
		for line := 1; line <= 20; line++ {
			n := rng.IntN(limit + 1)
			if rng.IntN(40) == 0 {
				n = limit + 1 + rng.IntN(100)
			}
			if n > limit && want == 0 {
				want = line
			}
			b.WriteString(strings.Repeat("a", n))
			if line < 20 || rng.IntN(2) == 0 {
				b.WriteByte('\n')
			}
		}
		text := b.String()
		l := &lineLimiter{r: &chunkReader{text, rng}, line: 1, limit: limit}
		buf := make([]byte, 1+rng.IntN(3*limit))
		var got []byte
		var err error
		for err == nil {
			var n int
			n, err = l.Read(buf)
			got = append(got, buf[:n]...)
		}
		if want == 0 {
			if err != io.EOF || string(got) != text {
				t.Fatalf("trial %d: got %v after %d of %d bytes, want all and EOF", trial, err, len(got), len(text))
			}
			continue
		}
		var le *Error
		if !errors.As(err, &le) || le.Line != want || !errors.Is(err, ErrLineTooLong) {
			t.Fatalf("trial %d: got %v, want line %d too long", trial, err, want)
		}
		if !strings.HasPrefix(text, string(got)) {
			t.Fatalf("trial %d: passed through bytes that are not the text's", trial)
		}
	}
}
