package encode

import (
	"bytes"
	"math"
	"slices"
	"testing"
)

// FuzzReadTrain: no input may panic; an accepted file gives a valid schema,
// inputs of its width that are finite, one-hot label blocks (at most one 1,
// the rest 0), and the same encoding when its rows are read again with the
// fitted schema.
func FuzzReadTrain(f *testing.F) {
	for _, s := range []string{
		"c,x,y\na,1,2\nb,3,4\n", "c,x,y\nNA,1,2\nb,,4\n", "c,x,y\na,NA,2\na,3,NA\n", "c,x,y\n\"a,b\",1,2\n",
		"c,x,y\na,1\n", "c,x,y\nnull,N/A,nan\n", "\ufeffc,x,y\r\nz,1,1\r\n", "c,x,y\n a ,1e400,2\n", "",
	} {
		f.Add([]byte(s), uint8(0))
		f.Add([]byte(s), uint8(2))
	}
	f.Fuzz(func(t *testing.T, b []byte, pol uint8) {
		o := Options{X: []string{"c", "x"}, Y: []string{"y"}, Categorical: []string{"c"},
			Missing: Missings[int(pol)%len(Missings)], Unknown: Unknowns[int(pol/3)%len(Unknowns)]}
		s, d, rep, err := ReadTrainFrom(bytes.NewReader(b), "fuzz.csv", o)
		if err != nil {
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("invalid schema from %q: %v", b, err)
		}
		w := s.Width()
		if d.XDim != w || len(d.X) != d.N*w || len(d.Y) != d.N || d.N != rep.Used || d.N < 1 {
			t.Fatalf("shape: N %d XDim %d width %d len %d report %+v", d.N, d.XDim, w, len(d.X), rep)
		}
		nl := s.Columns[0].Width()
		for i := range d.N {
			x, y := d.Row(i)
			ones := 0
			for _, v := range x[:nl] {
				switch v {
				case 1:
					ones++
				case 0:
				default:
					t.Fatalf("row %d: label input %v", i, v)
				}
			}
			if ones > 1 {
				t.Fatalf("row %d: %d levels set", i, ones)
			}
			for _, v := range append(slices.Clone(x), y...) {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("row %d: non-finite %v from %q", i, v, b)
				}
			}
		}
		again, _, err := ReadFrom(bytes.NewReader(b), "fuzz.csv", s, []string{"y"})
		if err != nil {
			t.Fatalf("rereading with the fitted schema: %v", err)
		}
		if !slices.Equal(again.X, d.X) || !slices.Equal(again.Y, d.Y) {
			t.Fatalf("reread differs:\n%v\n%v", again.X, d.X)
		}
	})
}
