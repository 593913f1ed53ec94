package encode

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/mdn-go/mdn/data"
)

// Missing is the policy for a missing cell (data.missing): a field equal to
// one of the NA tokens (data.na_values).
type Missing string

// The policies of data.missing.
const (
	// MissingError stops at the first missing cell with an error naming
	// its line and column (and, when the whole file is read, how many cells
	// are missing).
	MissingError Missing = "error"
	// MissingDrop leaves out every row with a missing cell in a selected
	// column, and reports how many.
	MissingDrop Missing = "drop"
	// MissingImpute fills a missing number with its training mean and sets
	// the column's 0/1 missing indicator, and gives a missing label its own
	// level. A missing response is never imputed: its row is left out.
	MissingImpute Missing = "impute"
)

// Missings lists the policies, in the order of the docs.
var Missings = []Missing{MissingError, MissingDrop, MissingImpute}

// Validate returns an error unless m is one of Missings.
func (m Missing) Validate() error {
	if slices.Contains(Missings, m) {
		return nil
	}
	return fmt.Errorf("must be one of error, drop, impute; got %q", string(m))
}

// Unknown is the policy for a label that was not seen in training
// (data.unknown_level).
type Unknown string

// The policies of data.unknown_level.
const (
	// UnknownError rejects the row with an error naming its line, column
	// and label.
	UnknownError Unknown = "error"
	// UnknownZero encodes the label as all zeros: none of the column's
	// one-hot inputs is set.
	UnknownZero Unknown = "zero"
)

// Unknowns lists the policies, in the order of the docs.
var Unknowns = []Unknown{UnknownError, UnknownZero}

// Validate returns an error unless u is one of Unknowns.
func (u Unknown) Validate() error {
	if slices.Contains(Unknowns, u) {
		return nil
	}
	return fmt.Errorf("must be one of error, zero; got %q", string(u))
}

// DefaultNAValues returns the default NA tokens of data.na_values: a field
// (trimmed of spaces) equal to one of them is a missing cell.
func DefaultNAValues() []string { return []string{"", "NA", "N/A", "NaN", "nan", "null"} }

// MaxLevels is the most distinct labels one categorical column may have.
// Each level is one network input, so a training set of N rows holds 8·N
// bytes per level (1024 levels of 100,000 rows: 820 MB) and the first layer
// one weight row per level; a column with more distinct labels (an ID, a
// zip code, free text) leaves most levels with too few rows to learn a
// weight from. Reading stops at the first label past the limit, so memory
// stays bounded whatever the column holds.
const MaxLevels = 1024

// MaxValues is the most numbers an encoded table may hold (rows × network
// inputs): 2²⁸, 2 GiB of float64. A table past it is refused before the
// encoded matrix is allocated, with the estimate in the message. A file
// read as numbers (no labels, no imputation: see Read) is not bounded by
// it: it holds one float64 per cell, at most 4 bytes of memory per byte of
// the file.
const MaxValues = 1 << 28

// Kind says how a covariate column is encoded.
type Kind string

// The kinds of column.
const (
	// Number is a numeric column: one input, the value.
	Number Kind = "number"
	// Label is a categorical column: one 0/1 input per level (one-hot).
	Label Kind = "label"
)

// Column is one covariate column of the input file and how it becomes
// network inputs.
type Column struct {
	// Name is the column's name in the file's header.
	Name string `json:"name"`
	// Kind is Number or Label.
	Kind Kind `json:"kind"`
	// Levels are the labels seen in training, sorted by byte value
	// (so any row order gives the same encoding); Label only.
	Levels []string `json:"levels,omitempty"`
	// MissingLevel: a missing cell has its own input after the levels
	// (MissingImpute and a missing cell seen in training); Label only.
	MissingLevel bool `json:"missing_level,omitempty"`
	// Mean is the training mean that replaces a missing value under
	// MissingImpute (nil otherwise); Number only.
	Mean *float64 `json:"impute_mean,omitempty"`
	// Indicator: the column has a 0/1 input after its value, 1 when the
	// value was missing (MissingImpute and a missing cell seen in
	// training); Number only.
	Indicator bool `json:"missing_indicator,omitempty"`
}

// Width is the number of network inputs of c.
func (c *Column) Width() int {
	switch c.Kind {
	case Label:
		n := len(c.Levels)
		if c.MissingLevel {
			n++
		}
		return n
	default:
		if c.Indicator {
			return 2
		}
		return 1
	}
}

// Schema maps the covariate columns of a file to the network's inputs: a
// number passes through (plus a missing indicator when imputed), a label
// becomes one-hot over the levels seen in training,
//
//	x = [ v_1 | m_1 | onehot(l_2) | … ]    onehot(l)_j = 1 if l = Levels[j], else 0
//
// in the order of Columns. Train stores it in the model file so that new
// rows are encoded exactly as the training rows were. A Schema is safe for
// concurrent use once Validate has returned nil; do not change it after.
type Schema struct {
	// Columns are the covariate columns, in the order of data.x.
	Columns []Column `json:"columns"`
	// Unknown is what a label unseen in training gets.
	Unknown Unknown `json:"unknown_level"`
	// Missing is what a missing cell gets.
	Missing Missing `json:"missing"`
	// NAValues are the tokens of a missing cell.
	NAValues []string `json:"na_values"`

	na map[string]bool  // NAValues as a set (built by prepare)
	ix []map[string]int // per column: level → index (Label only)
	at []int            // first input of each column
}

// Numeric returns the schema of all-number columns names with the default
// policies (error, error) and NA tokens: the encoding of a model file that
// has none (version 1, or no labels and no imputation).
func Numeric(names []string) *Schema {
	s := &Schema{Unknown: UnknownError, Missing: MissingError, NAValues: DefaultNAValues()}
	for _, n := range names {
		s.Columns = append(s.Columns, Column{Name: n, Kind: Number})
	}
	return s
}

// Trivial reports whether s is Numeric(s.ColumnNames()): every column a
// number with the default policies and NA tokens, so that a model needs no
// encoding section.
func (s *Schema) Trivial() bool {
	if s.Missing != MissingError || s.Unknown != UnknownError || !slices.Equal(s.NAValues, DefaultNAValues()) {
		return false
	}
	for _, c := range s.Columns {
		if c.Kind != Number || c.Indicator || c.Mean != nil {
			return false
		}
	}
	return true
}

// Clone returns a deep copy of s.
func (s *Schema) Clone() *Schema {
	out := &Schema{Unknown: s.Unknown, Missing: s.Missing, NAValues: slices.Clone(s.NAValues)}
	out.Columns = make([]Column, len(s.Columns))
	for i, c := range s.Columns {
		c.Levels = slices.Clone(c.Levels)
		if c.Mean != nil {
			v := *c.Mean
			c.Mean = &v
		}
		out.Columns[i] = c
	}
	return out
}

// WithPolicies returns a copy of s with the unknown-level and missing-cell
// policies replaced where u or m is non-empty (the --unknown-level and
// --missing flags of the commands that read new rows). MissingImpute needs
// the imputation values of a model trained with it.
func (s *Schema) WithPolicies(u Unknown, m Missing) (*Schema, error) {
	out := s.Clone()
	if u != "" {
		if err := u.Validate(); err != nil {
			return nil, fmt.Errorf("unknown level policy: %w", err)
		}
		out.Unknown = u
	}
	if m != "" {
		if err := m.Validate(); err != nil {
			return nil, fmt.Errorf("missing policy: %w", err)
		}
		if m == MissingImpute && s.Missing != MissingImpute {
			return nil, fmt.Errorf("missing policy impute needs a model trained with data.missing: impute (this one has %s)", s.Missing)
		}
		out.Missing = m
	}
	if err := out.Validate(); err != nil {
		return nil, err
	}
	return out, nil
}

// Width is the number of network inputs, Σ_c Columns[c].Width().
func (s *Schema) Width() int {
	n := 0
	for i := range s.Columns {
		n += s.Columns[i].Width()
	}
	return n
}

// ColumnNames returns the names of the covariate columns of the file.
func (s *Schema) ColumnNames() []string {
	out := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		out[i] = c.Name
	}
	return out
}

// Names returns the names of the network inputs: a number's name, then
// "name:missing" for its indicator; "name=level" for each level of a label,
// then "name:missing" for its missing level.
func (s *Schema) Names() []string {
	var out []string
	for _, c := range s.Columns {
		switch c.Kind {
		case Label:
			for _, l := range c.Levels {
				out = append(out, c.Name+"="+l)
			}
			if c.MissingLevel {
				out = append(out, c.Name+":missing")
			}
		default:
			out = append(out, c.Name)
			if c.Indicator {
				out = append(out, c.Name+":missing")
			}
		}
	}
	return out
}

// Binary reports, for each network input, whether it is a 0/1 input (a
// level or a missing indicator), which standardization leaves alone.
func (s *Schema) Binary() []bool {
	var out []bool
	for _, c := range s.Columns {
		switch c.Kind {
		case Label:
			for range c.Width() {
				out = append(out, true)
			}
		default:
			out = append(out, false)
			if c.Indicator {
				out = append(out, true)
			}
		}
	}
	return out
}

// Offset returns the index of the first network input of column c.
func (s *Schema) Offset(c int) int {
	n := 0
	for i := range c {
		n += s.Columns[i].Width()
	}
	return n
}

// Column returns the index of the column named name, or -1.
func (s *Schema) Column(name string) int {
	for i, c := range s.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// Validate checks s: at least one column, names non-empty and distinct,
// known kinds and policies, a label's levels distinct, sorted, non-empty,
// none an NA token and at most MaxLevels, at least one level or a missing
// level, a finite imputation mean (required under MissingImpute, and for a
// missing indicator), and distinct input names. The imputation fields may
// stay under another policy (a model trained with impute, read with
// --missing drop): they keep the inputs, and no cell is imputed.
func (s *Schema) Validate() error {
	if len(s.Columns) == 0 {
		return errors.New("encoding: no columns")
	}
	if err := s.Unknown.Validate(); err != nil {
		return fmt.Errorf("encoding: unknown_level: %w", err)
	}
	if err := s.Missing.Validate(); err != nil {
		return fmt.Errorf("encoding: missing: %w", err)
	}
	na := make(map[string]bool, len(s.NAValues))
	for _, v := range s.NAValues {
		na[v] = true
	}
	seen := make(map[string]bool, len(s.Columns))
	for i, c := range s.Columns {
		where := fmt.Sprintf("encoding: columns[%d]", i)
		if c.Name == "" {
			return fmt.Errorf("%s: empty name", where)
		}
		if seen[c.Name] {
			return fmt.Errorf("%s: %q given twice", where, c.Name)
		}
		seen[c.Name] = true
		switch c.Kind {
		case Number:
			if len(c.Levels) > 0 || c.MissingLevel {
				return fmt.Errorf("%s (%q): a number column has no levels", where, c.Name)
			}
			if c.Mean != nil && (math.IsNaN(*c.Mean) || math.IsInf(*c.Mean, 0)) {
				return fmt.Errorf("%s (%q): impute_mean must be finite, got %v", where, c.Name, *c.Mean)
			}
			if c.Indicator && c.Mean == nil {
				return fmt.Errorf("%s (%q): missing_indicator needs impute_mean", where, c.Name)
			}
			if c.Mean == nil && s.Missing == MissingImpute {
				return fmt.Errorf("%s (%q): impute_mean required with missing: impute", where, c.Name)
			}
		case Label:
			if c.Mean != nil || c.Indicator {
				return fmt.Errorf("%s (%q): a label column has no impute_mean or missing_indicator", where, c.Name)
			}
			if len(c.Levels) > MaxLevels {
				return fmt.Errorf("%s (%q): %d levels, more than MaxLevels (%d)", where, c.Name, len(c.Levels), MaxLevels)
			}
			if len(c.Levels) == 0 && !c.MissingLevel {
				return fmt.Errorf("%s (%q): no levels", where, c.Name)
			}
			for j, l := range c.Levels {
				if na[l] {
					return fmt.Errorf("%s (%q): level %q is an NA token", where, c.Name, l)
				}
				if j > 0 && c.Levels[j-1] >= l {
					return fmt.Errorf("%s (%q): levels must be distinct and sorted; %q comes after %q", where, c.Name, l, c.Levels[j-1])
				}
			}
		default:
			return fmt.Errorf("%s (%q): kind must be number or label, got %q", where, c.Name, c.Kind)
		}
	}
	names := s.Names()
	dup := make(map[string]bool, len(names))
	for _, n := range names {
		if dup[n] {
			return fmt.Errorf("encoding: input name %q occurs twice (rename a column)", n)
		}
		dup[n] = true
	}
	s.prepare()
	return nil
}

// prepare builds the lookup tables of Encode, IsNA and AppendText if they
// are not built yet. Validate builds them, so a validated Schema is safe for
// concurrent use. A Schema must not be changed after it is prepared (Clone
// it instead).
func (s *Schema) prepare() {
	if s.ix != nil {
		return
	}
	s.na = make(map[string]bool, len(s.NAValues))
	for _, v := range s.NAValues {
		s.na[v] = true
	}
	s.ix = make([]map[string]int, len(s.Columns))
	s.at = make([]int, len(s.Columns))
	off := 0
	for i, c := range s.Columns {
		s.at[i] = off
		off += c.Width()
		if c.Kind == Label {
			m := make(map[string]int, len(c.Levels))
			for j, l := range c.Levels {
				m[l] = j
			}
			s.ix[i] = m
		}
	}
}

// IsNA reports whether the trimmed field is an NA token of s.
func (s *Schema) IsNA(field string) bool {
	s.prepare()
	return s.na[field]
}

// Sentinel errors of Encode, wrapped in a *data.Error; test with errors.Is.
var (
	// ErrMissing: a missing cell under MissingError or MissingDrop.
	ErrMissing = errors.New("missing value")
	// ErrUnknownLevel: a label not seen in training under UnknownError.
	ErrUnknownLevel = errors.New("level not seen in training")
)

// Encode appends the network inputs of one row's covariate fields (trimmed,
// in the order of Columns) to dst[:0] and returns them. A problem is a
// *data.Error naming the column (the caller adds the file and line),
// wrapping ErrMissing (a missing cell, unless imputed), ErrUnknownLevel
// (with UnknownError), data.ErrNotNumber or data.ErrNotFinite. A missing
// label without a missing level (none was seen in training) is encoded as
// all zeros under MissingImpute.
func (s *Schema) Encode(fields []string, dst []float64) ([]float64, error) {
	s.prepare()
	if len(fields) != len(s.Columns) {
		panic(fmt.Sprintf("encode: %d fields for %d columns", len(fields), len(s.Columns)))
	}
	dst = dst[:0]
	for i := range s.Columns {
		c := &s.Columns[i]
		f := fields[i]
		missing := s.na[f]
		if missing && s.Missing != MissingImpute {
			return dst, &data.Error{Column: c.Name, Err: fmt.Errorf("%w %s", ErrMissing, strconv.Quote(f))}
		}
		switch c.Kind {
		case Label:
			n := len(dst)
			for range c.Width() {
				dst = append(dst, 0)
			}
			switch j, ok := s.ix[i][f]; {
			case missing:
				if c.MissingLevel {
					dst[n+len(c.Levels)] = 1
				}
			case ok:
				dst[n+j] = 1
			case s.Unknown == UnknownError:
				return dst, &data.Error{Column: c.Name, Err: fmt.Errorf("level %s was not seen in training (%w; data.unknown_level: zero, or --unknown-level zero, encodes it as all zeros)",
					strconv.Quote(f), ErrUnknownLevel)}
			}
		default:
			if missing {
				dst = append(dst, *c.Mean)
				if c.Indicator {
					dst = append(dst, 1)
				}
				continue
			}
			v, err := data.ParseValue(f)
			if err != nil {
				if errors.Is(err, data.ErrNotNumber) {
					err = fmt.Errorf("%w (the model reads this column as numbers)", err)
				}
				return dst, &data.Error{Column: c.Name, Err: err}
			}
			dst = append(dst, v)
			if c.Indicator {
				dst = append(dst, 0)
			}
		}
	}
	return dst, nil
}

// AppendText appends one row's covariates as CSV fields for echoing next to
// predictions: a number as strconv.FormatFloat(v, 'g', -1, 64) of its value,
// a label and a missing cell as given (quoted where CSV needs it). fields are
// the row's trimmed fields and x its inputs as Encode returned them.
func (s *Schema) AppendText(buf []byte, fields []string, x []float64) []byte {
	s.prepare()
	for i, c := range s.Columns {
		if i > 0 {
			buf = append(buf, ',')
		}
		if c.Kind == Number && !s.na[fields[i]] {
			buf = strconv.AppendFloat(buf, x[s.at[i]], 'g', -1, 64)
			continue
		}
		buf = data.AppendCSVField(buf, fields[i])
	}
	return buf
}

// FitScaler returns data.FitScaler(d) with the 0/1 inputs (levels and
// missing indicators) left unscaled (mean 0, std 1), so that an all-zero
// label (UnknownZero) feeds the network zeros. d holds inputs encoded by s.
func (s *Schema) FitScaler(d *data.Dataset) data.Scaler {
	return s.KeepBinary(data.FitScaler(d))
}

// KeepBinary returns sc with the 0/1 inputs (Binary) left unscaled: mean
// 0 and std 1, as FitScaler fits them.
func (s *Schema) KeepBinary(sc data.Scaler) data.Scaler {
	for j, b := range s.Binary() {
		if b {
			sc.XMean[j], sc.XStd[j] = 0, 1
		}
	}
	return sc
}

// Reference returns one row of inputs that holds every column at a typical
// value over the rows of d (encoded by s): a number at the mean of its
// present values (indicator 0), a label at its most frequent level (the
// first in Levels on a tie; the missing level is not chosen unless it is
// the only one). Figures of p(y|x) along one covariate hold the others
// there.
func (s *Schema) Reference(d *data.Dataset) []float64 {
	w := s.Width()
	ref := make([]float64, w)
	off := 0
	for _, c := range s.Columns {
		switch c.Kind {
		case Label:
			best, bestN := 0, -1
			for j := range len(c.Levels) {
				n := 0
				for i := range d.N {
					if d.X[i*w+off+j] == 1 {
						n++
					}
				}
				if n > bestN {
					best, bestN = j, n
				}
			}
			if len(c.Levels) == 0 {
				best = 0 // the missing level alone
			}
			ref[off+best] = 1
		default:
			var sum float64
			n := 0
			for i := range d.N {
				if c.Indicator && d.X[i*w+off+1] == 1 {
					continue
				}
				sum += d.X[i*w+off]
				n++
			}
			if n > 0 {
				ref[off] = sum / float64(n)
			} else if c.Mean != nil {
				ref[off] = *c.Mean
			}
		}
		off += c.Width()
	}
	return ref
}

// SetLevel sets the inputs of label column c in the row x to level j (an
// index into Levels, or len(Levels) for the missing level).
func (s *Schema) SetLevel(x []float64, c, j int) {
	off := s.Offset(c)
	for k := range s.Columns[c].Width() {
		x[off+k] = 0
	}
	x[off+j] = 1
}

// Imputed reports whether network input j of the row x is a number that
// was imputed (its column's missing indicator is set).
func (s *Schema) Imputed(x []float64, j int) bool {
	s.prepare()
	for c, col := range s.Columns {
		if s.at[c] == j {
			return col.Kind == Number && col.Indicator && x[j+1] == 1
		}
	}
	return false
}
