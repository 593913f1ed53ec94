package encode

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"

	"github.com/mdn-go/mdn/data"
)

// Options are the data keys of a training config that say how to read the
// training file: the columns, which covariates are labels, and the
// policies. The zero policies and a nil NAValues mean the defaults.
type Options struct {
	// X and Y are the covariate and response columns (data.x, data.y).
	X, Y []string
	// Categorical lists the covariates that hold labels (data.categorical).
	Categorical []string
	// Unknown is data.unknown_level (default UnknownError).
	Unknown Unknown
	// Missing is data.missing (default MissingError).
	Missing Missing
	// NAValues is data.na_values (nil: DefaultNAValues).
	NAValues []string
}

// Report counts what reading a file did with its rows.
type Report struct {
	// Rows is the number of data rows in the file.
	Rows int `json:"rows"`
	// Used is the number of rows kept (Rows minus the dropped ones).
	Used int `json:"used"`
	// DroppedMissing is the number of rows left out for a missing
	// covariate (MissingDrop).
	DroppedMissing int `json:"dropped_missing_covariate"`
	// DroppedResponse is the number of rows left out for a missing
	// response (MissingDrop and MissingImpute: a response is never
	// imputed).
	DroppedResponse int `json:"dropped_missing_response"`
	// Imputed is the number of covariate cells imputed (MissingImpute).
	Imputed int `json:"imputed_cells"`
}

// String says what was dropped and imputed, or "" when nothing was.
func (r Report) String() string {
	var s string
	add := func(part string) {
		if s != "" {
			s += "; "
		}
		s += part
	}
	if r.DroppedMissing > 0 {
		add(fmt.Sprintf("dropped %d of %d rows with a missing covariate", r.DroppedMissing, r.Rows))
	}
	if r.DroppedResponse > 0 {
		add(fmt.Sprintf("dropped %d of %d rows with a missing response", r.DroppedResponse, r.Rows))
	}
	if r.Imputed > 0 {
		add(fmt.Sprintf("imputed %d missing covariate cells", r.Imputed))
	}
	return s
}

// checkOptions fills the defaults of o and checks it.
func checkOptions(o Options) (Options, error) {
	if o.Unknown == "" {
		o.Unknown = UnknownError
	}
	if o.Missing == "" {
		o.Missing = MissingError
	}
	if o.NAValues == nil {
		o.NAValues = DefaultNAValues()
	}
	if err := o.Unknown.Validate(); err != nil {
		return o, fmt.Errorf("data.unknown_level: %w", err)
	}
	if err := o.Missing.Validate(); err != nil {
		return o, fmt.Errorf("data.missing: %w", err)
	}
	for i, c := range o.Categorical {
		if !slices.Contains(o.X, c) {
			return o, fmt.Errorf("data.categorical[%d]: %q is not a column of data.x (responses are numbers)", i, c)
		}
	}
	return o, nil
}

// missingCells applies a missing-cell policy to the rows of a file, the
// one place of ReadTrainFrom and ReadFrom that does: under MissingError it
// notes the first missing cell and counts them all, so that the error can
// say how many there are; under MissingDrop and MissingImpute it counts in
// a Report the rows it leaves out and the cells imputed.
type missingCells struct {
	policy      Missing
	isNA        func(field string) bool
	first       *data.Error
	cells, rows int
}

// keep notes the missing cells of one row, fields being its nx covariates
// and then its responses, named by cols (file name, line line), and reports
// whether the row is kept: not from the first missing cell on under
// MissingError, not with a missing response (never imputed), not with a
// missing covariate under MissingDrop. It counts dropped rows and imputed
// cells in rep.
func (m *missingCells) keep(rep *Report, name string, line int, cols, fields []string, nx int) bool {
	missX, missY := 0, false
	for j, f := range fields {
		if !m.isNA(f) {
			continue
		}
		if j < nx {
			missX++
		} else {
			missY = true
		}
		if m.policy == MissingError {
			if m.first == nil {
				m.first = &data.Error{File: name, Line: line, Column: cols[j], Err: fmt.Errorf("%w %s", ErrMissing, strconv.Quote(f))}
			}
			m.cells++
		}
	}
	switch {
	case m.policy == MissingError:
		if missX > 0 || missY {
			m.rows++
		}
		return m.first == nil
	case missY:
		rep.DroppedResponse++
		return false
	case missX > 0 && m.policy == MissingDrop:
		rep.DroppedMissing++
		return false
	}
	rep.Imputed += missX
	return true
}

// err is the error of the first missing cell under MissingError, with the
// count of them all, the NA tokens na and advice; nil if none.
func (m *missingCells) err(na []string, advice string) error {
	if m.first == nil {
		return nil
	}
	m.first.Err = fmt.Errorf("%w (%d missing cells in %d rows; data.na_values is %s; %s)",
		m.first.Err, m.cells, m.rows, data.QuoteList(na), advice)
	return m.first
}

// The advice of a missing-cell error when training, and when reading with a
// trained model's schema (eval, plot), where a flag chooses the policy.
const (
	adviceTrain = "set data.missing: drop to leave such rows out, or impute to fill them"
	adviceModel = "--missing drop leaves such rows out; to impute them, train with data.missing: impute"
)

// ReadTrain reads the training CSV file at path with the options o and
// returns the schema fitted to it and its rows encoded by that schema. See
// ReadTrainFrom. When every covariate is a number and a missing cell is an
// error, a regular file is read as numbers (data.Reader.ReadAll), and read
// again from its start by ReadTrainFrom only if a cell is not a finite
// number, to say why.
func ReadTrain(path string, o Options) (*Schema, *data.Dataset, Report, error) {
	oc, err := checkOptions(o)
	if err != nil {
		return nil, nil, Report{}, &data.Error{File: path, Err: err}
	}
	f, size, err := open(path)
	if err != nil {
		return nil, nil, Report{}, err
	}
	defer f.Close()
	if size > 0 && len(oc.Categorical) == 0 && oc.Missing == MissingError {
		s := Numeric(oc.X)
		s.Unknown, s.NAValues = oc.Unknown, slices.Clone(oc.NAValues)
		if s.numbers() {
			d, rep, err := readNumbers(f, path, size, s, oc.Y)
			if err == nil {
				return s, d, rep, nil
			}
			if err = rewind(f, path, err); err != nil {
				return nil, nil, rep, err
			}
		}
	}
	return ReadTrainFrom(f, path, o)
}

// open opens the CSV file at path for reading; size is its length when it
// is a regular file, else 0. The error is a *data.Error naming the file.
func open(path string) (f *os.File, size int64, err error) {
	if f, err = os.Open(path); err != nil {
		return nil, 0, &data.Error{File: path, Err: err}
	}
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	return f, size, nil
}

// rewind returns err unless it is about a cell that is not a finite
// number; then it seeks f back to its start, for the general reader to
// read it again and say what the cell is (a label, a missing value and how
// many), and returns nil (or the error of the seek).
func rewind(f *os.File, path string, err error) error {
	if !errors.Is(err, data.ErrNotNumber) && !errors.Is(err, data.ErrNotFinite) {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return &data.Error{File: path, Err: err}
	}
	return nil
}

// numbers reports whether s reads every covariate as a number as it is
// written: no labels, no imputation, a missing cell an error, and no
// NAValues token that reads as a number (which data.ParseValue would
// take). A file is then read by readNumbers.
func (s *Schema) numbers() bool {
	if s.Missing != MissingError {
		return false
	}
	for _, c := range s.Columns {
		if c.Kind != Number || c.Indicator || c.Mean != nil {
			return false
		}
	}
	for _, v := range s.NAValues {
		if _, err := data.ParseValue(v); err == nil {
			return false
		}
	}
	return true
}

// readNumbers reads f, the regular file at path of size bytes, with the
// covariates of s (for which s.numbers() holds) and the responses yCols as
// numbers, without encoding each row: the Reader's own parse, the columns
// allocated once from the file's size.
func readNumbers(f *os.File, path string, size int64, s *Schema, yCols []string) (*data.Dataset, Report, error) {
	xCols := s.ColumnNames()
	if err := data.CheckColumns(path, xCols, yCols); err != nil {
		return nil, Report{}, err
	}
	rd, err := data.NewReader(f, path, append(slices.Clone(xCols), yCols...))
	if err != nil {
		return nil, Report{}, err
	}
	d, err := rd.ReadAll(len(xCols), size)
	if err != nil {
		return nil, Report{}, err
	}
	return d, Report{Rows: d.N, Used: d.N}, nil
}

// ReadTrainFrom reads a training CSV stream (name is used in messages),
// fits the schema to it and returns the rows encoded by it.
//
// The schema's levels of each categorical column are the distinct labels
// of the kept rows, sorted by byte value; under MissingImpute a number
// column's mean is the mean of its present values over the kept rows (0 if
// none), and a column gets a missing indicator (number) or missing level
// (label) when one of its cells is missing. A field that is not a number in
// a column not listed as categorical is an error that says to list it;
// under MissingError the first missing cell is an error that counts them
// all. More than MaxLevels labels in a column, or an encoded table of more
// than MaxValues numbers, is an error.
func ReadTrainFrom(r io.Reader, name string, o Options) (*Schema, *data.Dataset, Report, error) {
	var rep Report
	o, err := checkOptions(o)
	if err != nil {
		return nil, nil, rep, &data.Error{File: name, Err: err}
	}
	if err := data.CheckColumns(name, o.X, o.Y); err != nil {
		return nil, nil, rep, err
	}
	cols := append(slices.Clone(o.X), o.Y...)
	rd, err := data.NewReader(r, name, cols)
	if err != nil {
		return nil, nil, rep, err
	}
	na := make(map[string]bool, len(o.NAValues))
	for _, v := range o.NAValues {
		na[v] = true
	}
	nx := len(o.X)
	isLabel := make([]bool, nx)
	for j, c := range o.X {
		isLabel[j] = slices.Contains(o.Categorical, c)
	}
	// Compact columns: a number as float64 (NaN when missing), a label as
	// its index in the order first seen (−1 when missing).
	nums := make([][]float64, len(cols))
	codes := make([][]int32, nx)
	dict := make([]map[string]int32, nx)
	names := make([][]string, nx)
	for j := range nx {
		if isLabel[j] {
			dict[j] = map[string]int32{}
		}
	}
	var lines []int
	mc := missingCells{policy: o.Missing, isNA: func(f string) bool { return na[f] }}
	anyMissing := make([]bool, nx)
	var fields []string
	n := 0
	for {
		fields, err = rd.NextFields(fields)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, rep, err
		}
		rep.Rows++
		line := rd.Line()
		// Missing cells first: they decide whether the row is kept. After
		// the first under MissingError the values are still checked.
		keep := mc.keep(&rep, name, line, cols, fields, nx)
		for j, f := range fields {
			if na[f] {
				if keep {
					if j < nx && isLabel[j] {
						codes[j] = append(codes[j], -1)
					} else {
						nums[j] = append(nums[j], math.NaN())
					}
					if j < nx {
						anyMissing[j] = true
					}
				}
				continue
			}
			if j < nx && isLabel[j] {
				c, ok := dict[j][f]
				if !ok {
					if len(names[j]) == MaxLevels {
						return nil, nil, rep, &data.Error{File: name, Line: line, Column: cols[j], Err: fmt.Errorf(
							"more than %d distinct labels (the limit, encode.MaxLevels: one input per level); leave the column out of data.x, or merge rare labels", MaxLevels)}
					}
					c = int32(len(names[j]))
					dict[j][f] = c
					names[j] = append(names[j], f)
				}
				if keep {
					codes[j] = append(codes[j], c)
				}
				continue
			}
			v, err := data.ParseValue(f)
			if err != nil {
				if errors.Is(err, data.ErrNotNumber) && j < nx {
					err = fmt.Errorf("%w (list it in data.categorical to use labels)", err)
				}
				return nil, nil, rep, &data.Error{File: name, Line: line, Column: cols[j], Err: err}
			}
			if keep {
				nums[j] = append(nums[j], v)
			}
		}
		if keep {
			lines = append(lines, line)
			n++
		}
	}
	if err := mc.err(o.NAValues, adviceTrain); err != nil {
		return nil, nil, rep, err
	}
	rep.Used = n
	if n == 0 {
		return nil, nil, rep, &data.Error{File: name, Err: fmt.Errorf("no rows left: %s", rep)}
	}

	// The schema: sorted levels, imputation means.
	s := &Schema{Unknown: o.Unknown, Missing: o.Missing, NAValues: slices.Clone(o.NAValues)}
	remap := make([][]int32, nx)
	for j, c := range o.X {
		col := Column{Name: c, Kind: Number}
		if isLabel[j] {
			col.Kind = Label
			col.Levels = slices.Clone(names[j])
			slices.Sort(col.Levels)
			// Levels that occur only in dropped rows are kept: they were
			// seen in the file, and a level without rows gets no gradient.
			remap[j] = make([]int32, len(names[j]))
			for k, l := range names[j] {
				idx, _ := slices.BinarySearch(col.Levels, l)
				remap[j][k] = int32(idx)
			}
			col.MissingLevel = anyMissing[j]
		} else if o.Missing == MissingImpute {
			mean := orderFreeMean(nums[j])
			col.Mean = &mean
			col.Indicator = anyMissing[j]
		}
		if isLabel[j] && len(col.Levels) == 0 && !col.MissingLevel {
			return nil, nil, rep, &data.Error{File: name, Column: c, Err: errors.New("no labels in the rows kept")}
		}
		s.Columns = append(s.Columns, col)
	}
	if err := s.Validate(); err != nil {
		return nil, nil, rep, &data.Error{File: name, Err: err}
	}
	w := s.Width()
	if err := checkSize(name, n, w); err != nil {
		return nil, nil, rep, err
	}
	d := &data.Dataset{Path: name, XNames: s.Names(), YNames: slices.Clone(o.Y), XDim: w, YDim: len(o.Y), N: n,
		X: make([]float64, n*w), Y: make([]float64, 0, n*len(o.Y)), Lines: lines}
	for i := range n {
		row := d.X[i*w : (i+1)*w]
		off := 0
		for j := range nx {
			c := &s.Columns[j]
			switch {
			case c.Kind == Label:
				if k := codes[j][i]; k >= 0 {
					row[off+int(remap[j][k])] = 1
				} else if c.MissingLevel {
					row[off+len(c.Levels)] = 1
				}
			case math.IsNaN(nums[j][i]):
				row[off] = *c.Mean
				if c.Indicator {
					row[off+1] = 1
				}
			default:
				row[off] = nums[j][i]
			}
			off += c.Width()
		}
		for k := range o.Y {
			d.Y = append(d.Y, nums[nx+k][i])
		}
	}
	return s, d, rep, nil
}

// orderFreeMean is the mean of the non-NaN values of v (0 if none), summed
// in sorted order so that any row order gives the same bits.
func orderFreeMean(v []float64) float64 {
	p := make([]float64, 0, len(v))
	for _, x := range v {
		if !math.IsNaN(x) {
			p = append(p, x)
		}
	}
	if len(p) == 0 {
		return 0
	}
	slices.Sort(p)
	var sum float64
	for _, x := range p {
		sum += x
	}
	return sum / float64(len(p))
}

// checkSize refuses an encoded table of more than MaxValues numbers.
func checkSize(name string, n, w int) error {
	if w > 0 && n > MaxValues/w {
		return &data.Error{File: name, Err: fmt.Errorf("%d rows × %d network inputs would take %.1f GB of memory, more than the %d GiB limit (encode.MaxValues); use fewer rows or fewer label levels",
			n, w, float64(n)*float64(w)*8/1e9, MaxValues*8>>30)}
	}
	return nil
}

// Read reads the CSV file at path with the covariates of s and the
// responses yCols (none for a file of inputs only), encoded by s. See
// ReadFrom. A regular file of numbers (no labels, a missing cell an error)
// is read without encoding each row, and read again from its start as
// ReadFrom does only if a cell is not a finite number, to say why; any
// other file (a FIFO, standard input) is read once, as ReadFrom does.
func Read(path string, s *Schema, yCols []string) (*data.Dataset, Report, error) {
	return readPath(path, s, yCols, adviceModel)
}

// ReadFrom reads a CSV stream with the covariates of s and the responses
// yCols, encodes the covariates by s (eval, plot, a validation file) and
// returns the kept rows with a Report. s's policies decide a missing cell:
// MissingError stops at the first with an error that counts them all;
// MissingDrop leaves the row out; MissingImpute imputes a covariate and
// leaves out a row whose response is missing. A label unseen in training is
// an error naming line, column and label under UnknownError.
func ReadFrom(r io.Reader, name string, s *Schema, yCols []string) (*data.Dataset, Report, error) {
	return readFrom(r, name, s, yCols, adviceModel, nil)
}

// ReadGivenFrom is ReadFrom that also returns each kept row's covariate
// fields as the input had them (trimmed, in the order of s.ColumnNames()),
// as Reader.Fields gives them to a stream: mdn predict --what logpdf,
// which reads responses too, echoes the covariates as given.
func ReadGivenFrom(r io.Reader, name string, s *Schema, yCols []string) (*data.Dataset, [][]string, Report, error) {
	var given [][]string
	d, rep, err := readFrom(r, name, s, yCols, adviceModel, &given)
	return d, given, rep, err
}

// ReadValidation reads a validation CSV file of a training run (data.validation)
// as Read does; its messages name the training keys.
func ReadValidation(path string, s *Schema, yCols []string) (*data.Dataset, Report, error) {
	return readPath(path, s, yCols, adviceTrain)
}

// readPath is Read with the advice of a missing-cell error.
func readPath(path string, s *Schema, yCols []string, advice string) (*data.Dataset, Report, error) {
	if err := s.Validate(); err != nil {
		return nil, Report{}, &data.Error{File: path, Err: err}
	}
	f, size, err := open(path)
	if err != nil {
		return nil, Report{}, err
	}
	defer f.Close()
	if size > 0 && s.numbers() {
		d, rep, err := readNumbers(f, path, size, s, yCols)
		if err == nil {
			return d, rep, nil
		}
		if err = rewind(f, path, err); err != nil {
			return nil, rep, err
		}
	}
	return readFrom(f, path, s, yCols, advice, nil)
}

// readFrom reads as ReadFrom does; with given not nil it appends each kept
// row's covariate fields to *given.
func readFrom(r io.Reader, name string, s *Schema, yCols []string, advice string, given *[][]string) (*data.Dataset, Report, error) {
	var rep Report
	if err := s.Validate(); err != nil {
		return nil, rep, &data.Error{File: name, Err: err}
	}
	xCols := s.ColumnNames()
	if err := data.CheckColumns(name, xCols, yCols); err != nil {
		return nil, rep, err
	}
	cols := append(slices.Clone(xCols), yCols...)
	rd, err := data.NewReader(r, name, cols)
	if err != nil {
		return nil, rep, err
	}
	nx, w := len(xCols), s.Width()
	d := &data.Dataset{Path: name, XNames: s.Names(), YNames: slices.Clone(yCols), XDim: w, YDim: len(yCols)}
	var fields []string
	var x []float64
	mc := missingCells{policy: s.Missing, isNA: s.IsNA}
	for {
		fields, err = rd.NextFields(fields)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, rep, err
		}
		rep.Rows++
		line := rd.Line()
		if !mc.keep(&rep, name, line, cols, fields, nx) {
			continue
		}
		if x, err = s.Encode(fields[:nx], x); err != nil {
			return nil, rep, locate(err, name, line)
		}
		if err := checkSize(name, d.N+1, w); err != nil {
			return nil, rep, err
		}
		d.X = append(d.X, x...)
		for k, f := range fields[nx:] {
			v, err := data.ParseValue(f)
			if err != nil {
				return nil, rep, &data.Error{File: name, Line: line, Column: yCols[k], Err: err}
			}
			d.Y = append(d.Y, v)
		}
		d.Lines = append(d.Lines, line)
		d.N++
		if given != nil {
			*given = append(*given, slices.Clone(fields[:nx]))
		}
	}
	if err := mc.err(s.NAValues, advice); err != nil {
		return nil, rep, err
	}
	rep.Used = d.N
	if d.N == 0 {
		return nil, rep, &data.Error{File: name, Err: fmt.Errorf("no rows left: %s", rep)}
	}
	return d, rep, nil
}

// locate fills in the file and line of an Encode error.
func locate(err error, name string, line int) error {
	var de *data.Error
	if errors.As(err, &de) {
		de.File, de.Line = name, line
		return de
	}
	return &data.Error{File: name, Line: line, Err: err}
}

// Reader streams the covariates of a CSV file encoded by a schema, row by
// row, for predict and sample. Under MissingDrop a row with a missing cell
// is skipped (and counted); the other policies act as in ReadFrom, except
// that the first missing cell under MissingError stops the Reader at once.
type Reader struct {
	rd      *data.Reader
	s       *Schema
	name    string
	fields  []string
	dropped int
}

// NewReader reads the header of r and returns a Reader of the covariate
// columns of s; name is the file name used in messages.
func NewReader(r io.Reader, name string, s *Schema) (*Reader, error) {
	if err := s.Validate(); err != nil {
		return nil, &data.Error{File: name, Err: err}
	}
	rd, err := data.NewReader(r, name, s.ColumnNames())
	if err != nil {
		return nil, err
	}
	return &Reader{rd: rd, s: s, name: name}, nil
}

// Next returns the network inputs of the next row kept, appended to
// dst[:0], or io.EOF at the end. Errors name file, line and column and are
// sticky.
func (r *Reader) Next(dst []float64) ([]float64, error) {
	for {
		var err error
		if r.fields, err = r.rd.NextFields(r.fields); err != nil {
			return dst[:0], err
		}
		dst, err = r.s.Encode(r.fields, dst)
		if err == nil {
			return dst, nil
		}
		if errors.Is(err, ErrMissing) && r.s.Missing == MissingDrop {
			r.dropped++
			continue
		}
		err = locate(err, r.name, r.rd.Line())
		if errors.Is(err, ErrMissing) {
			var de *data.Error
			if errors.As(err, &de) {
				de.Err = fmt.Errorf("%w (--missing drop leaves such rows out)", de.Err)
			}
		}
		return dst[:0], r.rd.Fail(err)
	}
}

// Fields returns the trimmed covariate fields of the current row; the
// slice is reused by the next call to Next.
func (r *Reader) Fields() []string { return r.fields }

// Line returns the physical line of the current row.
func (r *Reader) Line() int { return r.rd.Line() }

// Name returns the input's name used in messages.
func (r *Reader) Name() string { return r.name }

// Dropped returns the number of rows skipped so far for a missing cell
// (MissingDrop).
func (r *Reader) Dropped() int { return r.dropped }
