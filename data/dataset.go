package data

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/mdn-go/mdn/internal/hugepage"
)

// Dataset holds N rows of covariates X and responses Y, row-major:
//
//	X: (N, XDim)    X[i*XDim+j] is covariate XNames[j] of row i
//	Y: (N, YDim)    Y[i*YDim+k] is response YNames[k] of row i
//
// YDim is 0 (and Y empty) for a file of inputs only.
type Dataset struct {
	Path           string // file it came from ("" if generated)
	XNames, YNames []string
	X, Y           []float64
	N, XDim, YDim  int
	// Lines[i] is the 1-based physical line of row i in Path, for error
	// messages; nil for a generated dataset.
	Lines []int
}

// Row returns row i's covariates (length XDim) and responses (length YDim)
// as subslices of X and Y, without copying: writing to them changes the
// dataset. Their capacity is capped, so appending to them does not.
// Row panics if i is out of range [0, N).
func (d *Dataset) Row(i int) (x, y []float64) {
	if i < 0 || i >= d.N {
		panic(fmt.Sprintf("data: row %d out of range [0, %d)", i, d.N))
	}
	x = d.X[i*d.XDim : (i+1)*d.XDim : (i+1)*d.XDim]
	y = d.Y[i*d.YDim : (i+1)*d.YDim : (i+1)*d.YDim]
	return x, y
}

// Subset returns a new Dataset holding copies of the rows idx, in that order
// (an index may repeat, as in a bootstrap sample). Path and names are kept.
// Subset panics if an index is out of range [0, N).
func (d *Dataset) Subset(idx []int) *Dataset {
	s := d.emptyLike(len(idx), d.Lines != nil)
	for _, i := range idx {
		s.appendRow(d, i)
	}
	return s
}

// emptyLike returns a dataset with d's path, column names and dimensions
// and room for n rows (and their line numbers when lines), to be filled by
// appendRow; its N is already n.
func (d *Dataset) emptyLike(n int, lines bool) *Dataset {
	s := &Dataset{
		Path:   d.Path,
		XNames: slices.Clone(d.XNames),
		YNames: slices.Clone(d.YNames),
		X:      make([]float64, 0, n*d.XDim),
		Y:      make([]float64, 0, n*d.YDim),
		N:      n,
		XDim:   d.XDim,
		YDim:   d.YDim,
	}
	if lines {
		s.Lines = make([]int, 0, n)
	}
	return s
}

// appendRow appends row i of src (and its line number if d keeps them).
func (d *Dataset) appendRow(src *Dataset, i int) {
	x, y := src.Row(i)
	d.X = append(d.X, x...)
	d.Y = append(d.Y, y...)
	if d.Lines != nil {
		d.Lines = append(d.Lines, src.Lines[i])
	}
}

// Split divides the rows at random into a training set and a held-out set.
// The held-out set gets
//
//	h = round(frac·N)   clamped to [1, N-1] when 0 < frac < 1 and N ≥ 2
//
// rows, so that a positive fraction always holds out a row and a fraction
// below one always leaves one to train on; frac ≤ 0 (or NaN) holds out
// nothing and frac ≥ 1 holds out everything. The rows are chosen by a
// permutation drawn from rng (the first h of rng.Perm(N), one call whatever
// frac is), so the same seed gives the same split; within each part rows
// keep their order in d. Both parts are copies. Split cannot fail; rng must
// not be nil. SplitInPlace makes the same split without copying the
// training rows.
func (d *Dataset) Split(frac float64, rng *rand.Rand) (train, held *Dataset) {
	rows := d.HeldOut(frac, rng)
	h := rows.Count()
	heldIdx, trainIdx := make([]int, 0, h), make([]int, 0, d.N-h)
	for i := range d.N {
		if rows.Has(i) {
			heldIdx = append(heldIdx, i)
		} else {
			trainIdx = append(trainIdx, i)
		}
	}
	return d.Subset(trainIdx), d.Subset(heldIdx)
}

// RowSet is a set of the row numbers 0 … N−1 of a dataset, one bit per row
// (bit i%64 of word i/64), so that it takes N/8 bytes.
type RowSet []uint64

// NewRowSet returns an empty set for n rows.
func NewRowSet(n int) RowSet { return make(RowSet, (n+63)/64) }

// Has reports whether row i is in s; i must be in [0, 64·len(s)).
func (s RowSet) Has(i int) bool { return s[i>>6]&(1<<(i&63)) != 0 }

// Add puts row i in s.
func (s RowSet) Add(i int) { s[i>>6] |= 1 << (i & 63) }

// Count returns the number of rows in s.
func (s RowSet) Count() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// HeldOut returns the rows that Split(frac, rng) holds out, drawing the
// same numbers from rng.
func (d *Dataset) HeldOut(frac float64, rng *rand.Rand) RowSet {
	h := heldCount(frac, d.N)
	rows := NewRowSet(d.N)
	if d.N <= math.MaxInt32 {
		// rng.Perm(N) through Shuffle (which Perm calls, with the same
		// draws) on half the memory.
		perm := make([]int32, d.N)
		for i := range perm {
			perm[i] = int32(i)
		}
		rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		for _, i := range perm[:h] {
			rows.Add(int(i))
		}
		return rows
	}
	for _, i := range rng.Perm(d.N)[:h] {
		rows.Add(i)
	}
	return rows
}

// SplitInPlace makes the split of Split(frac, rng) without a copy of the
// table: d itself becomes the training part (its rows that are not held
// out, in order, at the start of the storage of its X, Y and Lines, whose
// capacity is capped), and the held-out part, returned with the set of
// their row numbers in d as it was (from which Merge rebuilds it), is the
// held-out rows in order in the rest of that storage. The two parts share
// one allocation and neither can grow into the other; only the held-out
// rows are copied once more while the rows move, and that copy is garbage
// when SplitInPlace returns. SplitRows makes the split of a given set.
func (d *Dataset) SplitInPlace(frac float64, rng *rand.Rand) (held *Dataset, rows RowSet) {
	rows = d.HeldOut(frac, rng)
	return d.SplitRows(rows), rows
}

// SplitRows is SplitInPlace for the held-out set rows (of d.N rows, as
// HeldOut returns it): d keeps the other rows, and the returned dataset
// holds the rows of the set, in the tail of d's storage. SplitRows panics
// if rows is not a set of d.N rows.
func (d *Dataset) SplitRows(rows RowSet) (held *Dataset) {
	if len(rows) != (d.N+63)/64 {
		panic(fmt.Sprintf("data: SplitRows: a set of %d rows for %d", 64*len(rows), d.N))
	}
	h := rows.Count()
	tmp := d.emptyLike(h, d.Lines != nil)
	hugepage.Advise(tmp.X)
	hugepage.Advise(tmp.Y)
	hugepage.Advise(tmp.Lines)
	// A stable compaction: row i moves to row w ≤ i, so it is read
	// before anything is written over it.
	w := 0
	for i := range d.N {
		if rows.Has(i) {
			tmp.appendRow(d, i)
			continue
		}
		if w != i {
			x, y := d.Row(i)
			copy(d.X[w*d.XDim:], x)
			copy(d.Y[w*d.YDim:], y)
			if d.Lines != nil {
				d.Lines[w] = d.Lines[i]
			}
		}
		w++
	}
	n := d.N
	held = &Dataset{Path: d.Path, XNames: slices.Clone(d.XNames), YNames: slices.Clone(d.YNames),
		X: d.X[w*d.XDim : n*d.XDim : n*d.XDim], Y: d.Y[w*d.YDim : n*d.YDim : n*d.YDim],
		N: h, XDim: d.XDim, YDim: d.YDim}
	copy(held.X, tmp.X)
	copy(held.Y, tmp.Y)
	if d.Lines != nil {
		held.Lines = d.Lines[w:n:n]
		copy(held.Lines, tmp.Lines)
	}
	d.N = w
	d.X = d.X[: w*d.XDim : w*d.XDim]
	d.Y = d.Y[: w*d.YDim : w*d.YDim]
	if d.Lines != nil {
		d.Lines = d.Lines[:w:w]
	}
	return held
}

// Merge returns a copy of the dataset that SplitInPlace divided into train
// and held, rows being the set it returned: its rows in their first order.
// Merge panics if the row counts do not agree with rows.
func Merge(train, held *Dataset, rows RowSet) *Dataset {
	n := train.N + held.N
	if len(rows) != (n+63)/64 || rows.Count() != held.N {
		panic(fmt.Sprintf("data: merge of %d and %d rows with a set of %d of %d rows", train.N, held.N, rows.Count(), 64*len(rows)))
	}
	d := train.emptyLike(n, train.Lines != nil && held.Lines != nil)
	hugepage.Advise(d.X)
	hugepage.Advise(d.Y)
	hugepage.Advise(d.Lines)
	t, h := 0, 0
	for i := range n {
		src, j := train, &t
		if rows.Has(i) {
			src, j = held, &h
		}
		d.appendRow(src, *j)
		*j++
	}
	return d
}

// heldCount is the number of held-out rows for Split.
func heldCount(frac float64, n int) int {
	switch {
	case !(frac > 0) || n == 0:
		return 0
	case frac >= 1:
		return n
	}
	h := int(math.Round(frac * float64(n)))
	if n >= 2 {
		h = max(1, min(h, n-1))
	}
	return h
}

// CheckFloat32 reports the first value of d (in row order, x before y) whose
// magnitude exceeds math.MaxFloat32, so would become ±Inf when converted to
// float32 for a float32 model. The *Error names the line (or, for a
// generated dataset, the row) and the column.
func CheckFloat32(d *Dataset) error {
	check := func(i int, names []string, vals []float64) error {
		for j, v := range vals {
			if math.Abs(v) > math.MaxFloat32 {
				e := &Error{File: d.Path, Column: names[j], Err: fmt.Errorf(
					"%s overflows float32 (max %s)", strconv.FormatFloat(v, 'g', -1, 64),
					strconv.FormatFloat(math.MaxFloat32, 'g', -1, 64))}
				if d.Lines != nil {
					e.Line = d.Lines[i]
				} else {
					e.Row = i + 1
				}
				return e
			}
		}
		return nil
	}
	for i := range d.N {
		x, y := d.Row(i)
		if err := check(i, d.XNames, x); err != nil {
			return err
		}
		if err := check(i, d.YNames, y); err != nil {
			return err
		}
	}
	return nil
}

// WriteCSV writes a header of names and then rows×cols values (row-major,
// len(values) = rows·cols) as CSV with LF line endings. Each value is
// formatted by strconv.FormatFloat(v, 'g', -1, 64), the shortest text that
// reads back to the same float64. NaN and ±Inf are written as "NaN", "+Inf"
// and "-Inf", which Read rejects. Names are quoted where CSV needs it.
func WriteCSV(w io.Writer, names []string, rows int, cols int, values []float64) error {
	if cols < 1 || rows < 0 {
		return fmt.Errorf("data: write csv: want rows ≥ 0 and cols ≥ 1, got %d×%d", rows, cols)
	}
	if len(names) != cols {
		return fmt.Errorf("data: write csv: %d names for %d columns", len(names), cols)
	}
	if len(values) != rows*cols {
		return fmt.Errorf("data: write csv: %d values for %d×%d", len(values), rows, cols)
	}
	return writeRows(w, names, rows, func(buf []byte, i int) []byte {
		return appendValues(buf, values[i*cols:(i+1)*cols])
	})
}

// WriteCSV writes d as CSV: a header XNames then YNames, and each row's x
// then y values, formatted as by the package function WriteCSV.
func (d *Dataset) WriteCSV(w io.Writer) error {
	names := append(slices.Clone(d.XNames), d.YNames...)
	if len(names) == 0 {
		return fmt.Errorf("data: write csv: dataset has no columns")
	}
	return writeRows(w, names, d.N, func(buf []byte, i int) []byte {
		x, y := d.Row(i)
		buf = appendValues(buf, x)
		if len(x) > 0 && len(y) > 0 {
			buf = append(buf, ',')
		}
		return appendValues(buf, y)
	})
}

// writeRows writes the header names and then rows lines, line i made by
// appending its comma-separated fields to a buffer.
func writeRows(w io.Writer, names []string, rows int, line func(buf []byte, i int) []byte) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	buf := make([]byte, 0, 256)
	for j, n := range names {
		if j > 0 {
			buf = append(buf, ',')
		}
		buf = AppendCSVField(buf, n)
	}
	buf = append(buf, '\n')
	if _, err := bw.Write(buf); err != nil {
		return fmt.Errorf("data: write csv: %w", err)
	}
	for i := range rows {
		buf = append(line(buf[:0], i), '\n')
		if _, err := bw.Write(buf); err != nil {
			return fmt.Errorf("data: write csv: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("data: write csv: %w", err)
	}
	return nil
}

// appendValues appends vals formatted with 'g' -1 and separated by commas.
func appendValues(buf []byte, vals []float64) []byte {
	for j, v := range vals {
		if j > 0 {
			buf = append(buf, ',')
		}
		buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
	}
	return buf
}

// AppendCSVField appends s, quoted (with quotes doubled) if it holds a comma,
// quote, line break, or leading or trailing space, or is empty.
func AppendCSVField(buf []byte, s string) []byte {
	need := s == "" || s[0] == ' ' || s[0] == '\t' || s[len(s)-1] == ' ' || s[len(s)-1] == '\t'
	for i := 0; i < len(s) && !need; i++ {
		switch s[i] {
		case ',', '"', '\n', '\r':
			need = true
		}
	}
	if !need {
		return append(buf, s...)
	}
	buf = append(buf, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			buf = append(buf, '"')
		}
		buf = append(buf, s[i])
	}
	return append(buf, '"')
}
