package data

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"testing"
)

// FuzzReadFrom: no input may panic; an accepted file has finite values and
// the requested shape.
func FuzzReadFrom(f *testing.F) {
	for _, s := range []string{
		"x,y\n1,2\n3,4\n", "\ufeffx,y\r\n1,2\r\n", "\"x\",\"y\"\n\"1.5\",2\n", "x,y\n1\n", "x,y\nNaN,1\n",
		"x,x\n1,2\n", "", "x,y\n", "x,y\n1,2\n\n3,4\n", "x,y\n1e400,2\n", "x,y\n\"1,2\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := readFrom(bytes.NewReader(b), "fuzz.csv", []string{"x"}, []string{"y"})
		if err != nil {
			return
		}
		if d.N < 1 || len(d.X) != d.N || len(d.Y) != d.N {
			t.Fatalf("accepted %q with N=%d, %d x, %d y", b, d.N, len(d.X), len(d.Y))
		}
		for _, v := range append(append([]float64(nil), d.X...), d.Y...) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("accepted non-finite value %v from %q", v, b)
			}
		}
	})
}

// FuzzFastPath: the Reader's own splitting of lines without quotes gives
// what encoding/csv gives for every input: the same header error, rows,
// values (bit for bit), lines, raw records, and the same error at the
// same row.
func FuzzFastPath(f *testing.F) {
	for _, s := range []string{
		"x,y\n1,2\n3,4\n", "\ufeffx,y\r\n1,2\r\n", "x,y\n1,2\n\"3\",4\n5,6\n", "x,y\n1\n", "x, y \n 1 ,2\r",
		"\n\nx,y\n1,2\n\n", "x,y\n1,2\n\n3,4\n", "x,y\r\n1,2\r\r\n3,4", "x,y,z\n1,2,3\n4,5\n", "x,y\n1,2\n3,a\"b\n",
		"x,y\n\"1\n\",2\n3,4\n", "x\n1\n", "x,y\n,\n", "x,y\n1,2,\n", "x,y\n1,2\r\n\r\n3,4\r\n",
	} {
		f.Add([]byte(s))
	}
	type row struct {
		vals []uint64
		rec  string
		line int
		err  string
	}
	read := func(b []byte, csvOnly bool) (string, []row) {
		rd, err := newReaderLimit(bytes.NewReader(b), "f.csv", []string{"x", "y"}, 1<<10, csvOnly)
		if err != nil {
			return err.Error(), nil
		}
		var rows []row
		var dst []float64
		for len(rows) < 1000 {
			dst, err = rd.Next(dst)
			r := row{line: rd.Line()}
			if err != nil {
				r.err = err.Error()
				rows = append(rows, r)
				break
			}
			for _, v := range dst {
				r.vals = append(r.vals, math.Float64bits(v))
			}
			r.rec = fmt.Sprintf("%q", rd.Record())
			rows = append(rows, r)
		}
		return "", rows
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		he1, rows1 := read(b, false)
		he2, rows2 := read(b, true)
		if he1 != he2 {
			t.Fatalf("%q: header error %q, encoding/csv %q", b, he1, he2)
		}
		if !reflect.DeepEqual(rows1, rows2) {
			t.Fatalf("%q:\nfast path %+v\nencoding/csv %+v", b, rows1, rows2)
		}
	})
}
