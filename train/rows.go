package train

import (
	"math/rand/v2"

	"github.com/mdn-go/mdn/data"
)

// rowSet is a set of rows of the data of a run, read in place: the rows of
// an ensemble member's training or validation part are picked out of the
// rows that LoadData read (the training part a and the held-out part b of
// the file), so that every member shares one copy of the table, however
// many members there are and however their hold-outs differ.
//
// A row is named by its code: c ≥ 0 is row c of a, c < 0 row ^c of b. Row
// k of the set (its position) is row k of a when idx and sel are nil, the
// row of code idx[k] when idx is not nil, and when sel is not nil the k-th
// row of the file that sel picks (rowSel), which has no index: such a set
// gives its codes in order (codes) but not its rows by position (row).
type rowSet struct {
	a, b *data.Dataset
	idx  []int32
	sel  *rowSel
	n    int
}

// rowSel picks rows of the file without an index of them: the rows i of
// the file (a's and b's rows interleaved in file order, b's where
// fileHeld.Has(i)) for which pick.Has(i) == in.
type rowSel struct {
	fileHeld, pick data.RowSet
	in             bool
	rows           int // of the file
}

// allRows is the rowSet of every row of d, in order (nil for a nil d).
func allRows(d *data.Dataset) *rowSet {
	if d == nil {
		return nil
	}
	return &rowSet{a: d, n: d.N}
}

func (r *rowSet) xdim() int { return r.a.XDim }
func (r *rowSet) ydim() int { return r.a.YDim }

// indexed reports whether the set's codes differ from its positions.
func (r *rowSet) indexed() bool { return r.idx != nil || r.sel != nil }

// row is row k of the set; a set with sel has no positions (rowSet).
func (r *rowSet) row(k int) (x, y []float64) {
	switch {
	case r.sel != nil:
		panic("train: rowSet.row of a set without an index")
	case r.idx == nil:
		return r.a.Row(k)
	}
	return r.byCode(r.idx[k])
}

// byCode is the row of code c.
func (r *rowSet) byCode(c int32) (x, y []float64) {
	if c >= 0 {
		return r.a.Row(int(c))
	}
	return r.b.Row(int(^c))
}

// codes writes the codes of the set's rows, in order, to dst[:r.n].
func (r *rowSet) codes(dst []int32) {
	switch {
	case r.idx != nil:
		copy(dst, r.idx)
	case r.sel == nil:
		for i := range dst[:r.n] {
			dst[i] = int32(i)
		}
	default:
		s, k := r.sel, 0
		t, h := int32(0), int32(0)
		for i := range s.rows {
			c := t
			if s.fileHeld.Has(i) {
				c = ^h
				h++
			} else {
				t++
			}
			if s.pick.Has(i) == s.in {
				dst[k] = c
				k++
			}
		}
	}
}

// contiguous returns rows lo..hi as slices of the underlying storage when
// they are consecutive there (always so for a set that is not indexed).
func (r *rowSet) contiguous(lo, hi int) (x, y []float64, ok bool) {
	if r.indexed() {
		return nil, nil, false
	}
	d := r.a
	return d.X[lo*d.XDim : hi*d.XDim], d.Y[lo*d.YDim : hi*d.YDim], true
}

// scaler is the scaler of the set's rows (data.FitScaler's sums in row
// order). A set without an index lists its codes for it, in memory
// returned once the scaler is fitted.
func (r *rowSet) scaler() data.Scaler {
	if r.sel == nil {
		return data.FitScalerRows(r.n, r.xdim(), r.ydim(), r.row)
	}
	c := make([]int32, r.n)
	r.codes(c)
	return data.FitScalerRows(r.n, r.xdim(), r.ydim(), func(k int) (x, y []float64) { return r.byCode(c[k]) })
}

// memberSplit is the hold-out of an ensemble member with the given seed,
// as data.Dataset.SplitInPlace makes it from the whole training file, less
// any calibration rows (the same rows held out, both parts in file order),
// but as two rowSets over the
// rows d already holds: d.Train, and d.Val holding the rows of d.held.
func memberSplit(d *Data, frac float64, seed uint64) (train, val *rowSet) {
	n := d.Train.N + d.Val.N
	held := (&data.Dataset{N: n}).HeldOut(frac, rand.New(rand.NewPCG(seed, streamSplit)))
	nv := held.Count()
	// The training part, nine tenths of the file, is picked by the two
	// sets without an index (a big file's index is as large as a column);
	// the validation part, read in chunks by position, gets one.
	train = &rowSet{a: d.Train, b: d.Val, sel: &rowSel{fileHeld: d.held, pick: held, rows: n}, n: n - nv}
	val = &rowSet{a: d.Train, b: d.Val, sel: &rowSel{fileHeld: d.held, pick: held, in: true, rows: n}, n: nv}
	idx := make([]int32, nv)
	val.codes(idx)
	val.idx, val.sel = idx, nil
	return train, val
}
