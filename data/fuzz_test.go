package data

import (
	"bytes"
	"math"
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
		d, err := ReadFrom(bytes.NewReader(b), "fuzz.csv", []string{"x"}, []string{"y"})
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
