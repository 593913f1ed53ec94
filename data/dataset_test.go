package data

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// countingDataset has n rows with x = (i, -i) and y = (10 i), so a row's
// origin can be read from its values; Lines are i+2 as if read from a file.
func countingDataset(n int) *Dataset {
	d := &Dataset{Path: "c.csv", XNames: []string{"a", "b"}, YNames: []string{"c"}, N: n, XDim: 2, YDim: 1}
	for i := range n {
		d.X = append(d.X, float64(i), -float64(i))
		d.Y = append(d.Y, 10*float64(i))
		d.Lines = append(d.Lines, i+2)
	}
	return d
}

func TestRow(t *testing.T) {
	d := countingDataset(3)
	x, y := d.Row(1)
	if !slices.Equal(x, []float64{1, -1}) || !slices.Equal(y, []float64{10}) {
		t.Fatalf("got %v %v, want [1 -1] [10]", x, y)
	}
	x[0], y[0] = 100, 200
	if d.X[2] != 100 || d.Y[1] != 200 {
		t.Errorf("got X[2]=%v Y[1]=%v after writing through Row, want 100 200 (no copy)", d.X[2], d.Y[1])
	}
	_ = append(x, 7)
	if d.X[4] != 2 {
		t.Errorf("got X[4]=%v after append to row 1, want 2 (capacity capped)", d.X[4])
	}
	in := &Dataset{XNames: []string{"a"}, X: []float64{1, 2}, N: 2, XDim: 1}
	if x, y := in.Row(1); !slices.Equal(x, []float64{2}) || len(y) != 0 {
		t.Errorf("got %v %v for input-only row, want [2] []", x, y)
	}
}

func TestSubset(t *testing.T) {
	d := countingDataset(5)
	s := d.Subset([]int{3, 0, 3})
	if s.N != 3 || s.XDim != 2 || s.YDim != 1 || s.Path != "c.csv" {
		t.Fatalf("got N=%d XDim=%d YDim=%d Path=%q, want 3 2 1 c.csv", s.N, s.XDim, s.YDim, s.Path)
	}
	if want := []float64{3, -3, 0, 0, 3, -3}; !slices.Equal(s.X, want) {
		t.Errorf("got X %v, want %v", s.X, want)
	}
	if want := []float64{30, 0, 30}; !slices.Equal(s.Y, want) {
		t.Errorf("got Y %v, want %v", s.Y, want)
	}
	if want := []int{5, 2, 5}; !slices.Equal(s.Lines, want) {
		t.Errorf("got Lines %v, want %v", s.Lines, want)
	}
	s.X[0], s.XNames[0] = 99, "changed"
	if d.X[6] != 3 || d.XNames[0] != "a" {
		t.Errorf("got d.X[6]=%v XNames[0]=%q after changing the subset, want 3 \"a\" (a copy)", d.X[6], d.XNames[0])
	}
	if e := d.Subset(nil); e.N != 0 || len(e.X) != 0 || len(e.Y) != 0 {
		t.Errorf("got N=%d len(X)=%d, want an empty dataset", e.N, len(e.X))
	}
}

func TestSplit(t *testing.T) {
	for _, tc := range []struct {
		n        int
		frac     float64
		wantHeld int // round(frac·n) clamped as documented on Split
	}{
		{10, 0.2, 2},
		{10, 0.25, 3}, // round(2.5) = 3 (half away from zero)
		{10, 0, 0},
		{10, -0.5, 0},
		{10, math.NaN(), 0},
		{10, 0.01, 1}, // round(0.1) = 0, raised to 1
		{10, 0.99, 9}, // round(9.9) = 10, lowered to n-1
		{10, 1, 10},   // everything held out
		{10, 2, 10},   // frac > 1 is clamped
		{2, 0.1, 1},   // the smallest n that is clamped
		{1, 0.4, 0},   // round(0.4) = 0, no clamping for n < 2
		{1, 0.5, 1},   // round(0.5) = 1
		{0, 0.5, 0},   // empty dataset
		{1000, 0.1, 100},
	} {
		t.Run(fmt.Sprintf("n=%d,frac=%v", tc.n, tc.frac), func(t *testing.T) {
			d := countingDataset(tc.n)
			train, held := d.Split(tc.frac, rand.New(rand.NewPCG(1, 2)))
			if held.N != tc.wantHeld || train.N != tc.n-tc.wantHeld {
				t.Fatalf("n=%d frac=%v: got train %d held %d, want %d %d", tc.n, tc.frac, train.N, held.N, tc.n-tc.wantHeld, tc.wantHeld)
			}
			// Row i has X[2i] = i: the two parts together hold each row
			// once, each in increasing (file) order, with Lines kept.
			var all []int
			for _, part := range []*Dataset{train, held} {
				var ids []int
				for i := range part.N {
					x, y := part.Row(i)
					id := int(x[0])
					if x[1] != -x[0] || y[0] != 10*x[0] || part.Lines[i] != id+2 {
						t.Fatalf("got row %v %v line %d, want a row of the original", x, y, part.Lines[i])
					}
					ids = append(ids, id)
				}
				if !slices.IsSorted(ids) {
					t.Errorf("got order %v, want increasing", ids)
				}
				all = append(all, ids...)
			}
			slices.Sort(all)
			for i, id := range all {
				if id != i {
					t.Fatalf("got rows %v, want 0..%d once each", all, tc.n-1)
				}
			}
		})
	}
}

func TestSplitSeeded(t *testing.T) {
	d := countingDataset(100)
	_, h1 := d.Split(0.3, rand.New(rand.NewPCG(7, 7)))
	_, h2 := d.Split(0.3, rand.New(rand.NewPCG(7, 7)))
	_, h3 := d.Split(0.3, rand.New(rand.NewPCG(8, 7)))
	if !slices.Equal(h1.X, h2.X) {
		t.Errorf("got different splits for the same seed, want equal")
	}
	// Two seeds choosing the same 30 of 100 rows has probability
	// 1/C(100,30) ≈ 3e-26.
	if slices.Equal(h1.X, h3.X) {
		t.Errorf("got the same split for different seeds, want different")
	}
}

// TestSplitInPlace checks that SplitInPlace makes Split's split (the
// same rows, values and lines in each part for the same seed), that both
// parts are d's own storage (the held part its tail), neither able to grow
// into the other, and that Merge rebuilds d.
func TestSplitInPlace(t *testing.T) {
	for _, n := range []int{0, 1, 2, 10, 63, 64, 65, 1000} {
		for _, frac := range []float64{0, 0.01, 0.1, 0.5, 0.99, 1} {
			orig := countingDataset(n)
			wantTrain, wantHeld := orig.Split(frac, rand.New(rand.NewPCG(uint64(n), 3)))
			d := countingDataset(n)
			x0 := d.X
			held, rows := d.SplitInPlace(frac, rand.New(rand.NewPCG(uint64(n), 3)))
			for _, c := range []struct {
				name      string
				got, want *Dataset
			}{{"train", d, wantTrain}, {"held", held, wantHeld}} {
				if c.got.N != c.want.N || !slices.Equal(c.got.X, c.want.X) || !slices.Equal(c.got.Y, c.want.Y) ||
					!slices.Equal(c.got.Lines, c.want.Lines) || c.got.XDim != 2 || c.got.YDim != 1 {
					t.Fatalf("n=%d frac=%v %s: got %+v, want %+v (Split's)", n, frac, c.name, c.got, c.want)
				}
			}
			if rows.Count() != held.N {
				t.Errorf("n=%d frac=%v: set of %d rows for %d held out", n, frac, rows.Count(), held.N)
			}
			if d.N > 0 && &d.X[0] != &x0[0] {
				t.Errorf("n=%d frac=%v: training rows were copied, want d's storage", n, frac)
			}
			if held.N > 0 && &held.X[0] != &x0[2*d.N] {
				t.Errorf("n=%d frac=%v: held-out rows were copied, want the tail of d's storage", n, frac)
			}
			for _, p := range []*Dataset{d, held} {
				if cap(p.X) != len(p.X) || cap(p.Y) != len(p.Y) || cap(p.Lines) != len(p.Lines) {
					t.Errorf("n=%d frac=%v: capacities %d %d %d for lengths %d %d %d, want capped", n, frac,
						cap(p.X), cap(p.Y), cap(p.Lines), len(p.X), len(p.Y), len(p.Lines))
				}
			}
			m := Merge(d, held, rows)
			if m.N != n || !slices.Equal(m.X, orig.X) || !slices.Equal(m.Y, orig.Y) || !slices.Equal(m.Lines, orig.Lines) ||
				m.Path != orig.Path || !slices.Equal(m.XNames, orig.XNames) || !slices.Equal(m.YNames, orig.YNames) {
				t.Fatalf("n=%d frac=%v: Merge gave %+v, want %+v", n, frac, m, orig)
			}
			if n > 0 {
				m.X[0] = 99
				if held.N > 0 && held.X[0] == 99 || d.N > 0 && d.X[0] == 99 {
					t.Errorf("n=%d frac=%v: Merge shares storage with a part, want a copy", n, frac)
				}
			}
		}
	}
}

func TestMergeMismatch(t *testing.T) {
	d := countingDataset(10)
	held, rows := d.SplitInPlace(0.3, rand.New(rand.NewPCG(1, 1)))
	defer func() {
		if recover() == nil {
			t.Errorf("Merge of parts that do not match the set did not panic")
		}
	}()
	Merge(d, held.Subset([]int{0}), rows)
}

func TestHeldOutIsPerm(t *testing.T) {
	// HeldOut draws rng.Perm's permutation through Shuffle on int32s.
	for _, n := range []int{1, 7, 500} {
		d := countingDataset(n)
		rows := d.HeldOut(0.4, rand.New(rand.NewPCG(9, uint64(n))))
		perm := rand.New(rand.NewPCG(9, uint64(n))).Perm(n)
		want := NewRowSet(n)
		for _, i := range perm[:heldCount(0.4, n)] {
			want.Add(i)
		}
		if !slices.Equal(rows, want) {
			t.Errorf("n=%d: got %x, want the first rows of rng.Perm %x", n, rows, want)
		}
	}
}

func TestCheckFloat32(t *testing.T) {
	big := 1e39 // > math.MaxFloat32 ≈ 3.4028234663852886e+38
	for _, tc := range []struct {
		name string
		d    *Dataset
		want string // "" for no error
	}{
		{"in range", &Dataset{XNames: []string{"x"}, YNames: []string{"y"}, N: 2, XDim: 1, YDim: 1,
			X: []float64{math.MaxFloat32, -math.MaxFloat32}, Y: []float64{0, 1e-50}}, ""},
		{"generated, row order before column kind", &Dataset{XNames: []string{"x"}, YNames: []string{"y"}, N: 2, XDim: 1, YDim: 1,
			X: []float64{1, -big}, Y: []float64{big, 2}},
			`data: row 1, column "y": 1e+39 overflows float32 (max 3.4028234663852886e+38)`},
		{"read, line named", &Dataset{Path: "t.csv", XNames: []string{"a", "b"}, YNames: []string{"y"}, N: 2, XDim: 2, YDim: 1,
			X: []float64{1, 2, 3, -big}, Y: []float64{0, 0}, Lines: []int{2, 5}},
			`data: read t.csv: line 5, column "b": -1e+39 overflows float32 (max 3.4028234663852886e+38)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckFloat32(tc.d)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	// Through Read: the same number in a file.
	path := writeFile(t, "big.csv", "x,y\n1,2\n3,4e38\n")
	d, err := readFile(path, []string{"x"}, []string{"y"})
	if err != nil {
		t.Fatal(err)
	}
	want := "data: read " + path + `: line 3, column "y": 4e+38 overflows float32 (max 3.4028234663852886e+38)`
	if err := CheckFloat32(d); err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestWriteCSV(t *testing.T) {
	var b bytes.Buffer
	err := WriteCSV(&b, []string{"x", "a,b", ""}, 2, 3, []float64{0.1, 1.0 / 3, math.Copysign(0, -1), 1e21, 5e-324, math.Inf(1)})
	if err != nil {
		t.Fatal(err)
	}
	// strconv 'g' -1: shortest round-trip text; the names quoted as CSV needs.
	want := "x,\"a,b\",\"\"\n0.1,0.3333333333333333,-0\n1e+21,5e-324,+Inf\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
	for _, tc := range []struct {
		name       string
		names      []string
		rows, cols int
		values     []float64
		want       string
	}{
		{"names", []string{"a"}, 1, 2, []float64{1, 2}, "data: write csv: 1 names for 2 columns"},
		{"values", []string{"a", "b"}, 2, 2, []float64{1, 2, 3}, "data: write csv: 3 values for 2×2"},
		{"no columns", nil, 0, 0, nil, "data: write csv: want rows ≥ 0 and cols ≥ 1, got 0×0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := WriteCSV(&bytes.Buffer{}, tc.names, tc.rows, tc.cols, tc.values)
			if err == nil || err.Error() != tc.want {
				t.Errorf("got %v, want %s", err, tc.want)
			}
		})
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	// Values whose shortest text is long or unusual; each must read back
	// bit for bit.
	vals := []float64{0.1, 1.0 / 3, math.Pi, math.Copysign(0, -1), 5e-324, math.SmallestNonzeroFloat64 * 3,
		math.MaxFloat64, -math.MaxFloat64, 123456789012345678, 1e-300, 2.5e-8, 9007199254740993}
	d := &Dataset{XNames: []string{"x 1"}, YNames: []string{"y,2"}, N: len(vals) / 2, XDim: 1, YDim: 1}
	for i := 0; i < len(vals); i += 2 {
		d.X = append(d.X, vals[i])
		d.Y = append(d.Y, vals[i+1])
	}
	var b bytes.Buffer
	if err := d.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	got, err := readFrom(strings.NewReader(b.String()), "rt.csv", d.XNames, d.YNames)
	if err != nil {
		t.Fatal(err)
	}
	if !sameBits(got.X, d.X) || !sameBits(got.Y, d.Y) {
		t.Errorf("got %v %v, want %v %v", got.X, got.Y, d.X, d.Y)
	}
	if got.Path != "rt.csv" {
		t.Errorf("got Path %q, want the name given to ReadFrom", got.Path)
	}
}

func TestDatasetWriteCSV(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    *Dataset
		want string // written by hand from the values
	}{
		{"x and y", countingDataset(2), "a,b,c\n0,-0,0\n1,-1,10\n"},
		{"input only", &Dataset{XNames: []string{"u"}, N: 2, XDim: 1, X: []float64{0.5, 2}}, "u\n0.5\n2\n"},
		{"no rows", &Dataset{XNames: []string{"u"}, YNames: []string{"v"}, XDim: 1, YDim: 1}, "u,v\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.d.WriteCSV(&b); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("got %q, want %q", b.String(), tc.want)
			}
		})
	}
	if err := (&Dataset{}).WriteCSV(&bytes.Buffer{}); err == nil || err.Error() != "data: write csv: dataset has no columns" {
		t.Errorf("got %v, want data: write csv: dataset has no columns", err)
	}
}

func TestSplitRowsMismatch(t *testing.T) {
	d := countingDataset(100)
	defer func() {
		if recover() == nil {
			t.Errorf("SplitRows with a set of 64 rows for 100 did not panic")
		}
	}()
	d.SplitRows(NewRowSet(64))
}
