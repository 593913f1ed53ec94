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
// Row k of the set is row k of a when idx is nil, else row idx[k] of a when
// idx[k] ≥ 0 and row ^idx[k] of b when idx[k] < 0.
type rowSet struct {
	a, b *data.Dataset
	idx  []int32
	n    int
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

// row is row k of the set.
func (r *rowSet) row(k int) (x, y []float64) {
	if r.idx == nil {
		return r.a.Row(k)
	}
	if i := r.idx[k]; i >= 0 {
		return r.a.Row(int(i))
	}
	return r.b.Row(int(^r.idx[k]))
}

// contiguous returns rows lo..hi as slices of the underlying storage when
// they are consecutive there (always so for a set without idx).
func (r *rowSet) contiguous(lo, hi int) (x, y []float64, ok bool) {
	if r.idx != nil {
		return nil, nil, false
	}
	d := r.a
	return d.X[lo*d.XDim : hi*d.XDim], d.Y[lo*d.YDim : hi*d.YDim], true
}

// scaler is the scaler of the set's rows (data.FitScaler's sums in row
// order).
func (r *rowSet) scaler() data.Scaler {
	return data.FitScalerRows(r.n, r.xdim(), r.ydim(), r.row)
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
	train = &rowSet{a: d.Train, b: d.Val, idx: make([]int32, 0, n-nv), n: n - nv}
	val = &rowSet{a: d.Train, b: d.Val, idx: make([]int32, 0, nv), n: nv}
	// Row i of the file is the next row of d.Train (code t ≥ 0) or of d.Val
	// (code ^h < 0), as d.held says.
	t, h := int32(0), int32(0)
	for i := range n {
		c := t
		if d.held.Has(i) {
			c = ^h
			h++
		} else {
			t++
		}
		if held.Has(i) {
			val.idx = append(val.idx, c)
		} else {
			train.idx = append(train.idx, c)
		}
	}
	return train, val
}
