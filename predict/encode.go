package predict

import (
	"errors"
	"math"
	"strconv"

	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/encode"
)

// Encoder writes Summary values as the lines of mdn predict and the result
// rows of mdn serve: CSV lines after a header of the covariate names and
// Columns, or JSON Lines (one object per input row with "row", "x",
// optionally "inputs", and the summary's keys; see mdn predict --help),
// written without reflection by appending to a buffer. It is the one
// writer of a prediction row. An Encoder keeps scratch: one per goroutine.
type Encoder struct {
	Summarizer
	// XNames are the network's input names (the model's x_names) and
	// YNames its response names.
	XNames, YNames []string
	// Schema is the model's encoding (model.Model.Schema), which says how
	// Given's fields are echoed; nil when the inputs are the covariates.
	Schema *encode.Schema
	// JSON selects JSON Lines instead of CSV.
	JSON bool
	// Inputs adds, to JSON lines, "inputs": the network's encoded inputs
	// by name (XNames: a label's one-hot "column=level" entries, an
	// imputed value and its "column:missing" indicator).
	Inputs bool
	// Given, when not nil, is the current row's covariate fields as the
	// input had them (trimmed, in the order of Schema.ColumnNames()); the
	// caller sets it before each Append. CSV lines then start with them as
	// Schema.AppendText writes them, and the JSON "x" has, per column, a
	// number's value, a label's text as a string, a missing cell as null.
	// When nil, both are the values of x by XNames.
	Given []string

	v          []float64 // scratch of one CSV line
	w          JSON      // scratch of one JSON line
	init       bool
	xKeys      Keys // XNames
	yKeys      Keys // YNames
	colKeys    Keys // Schema.ColumnNames()
	colOffsets []int
}

// Columns returns the CSV columns after the covariates.
func (e *Encoder) Columns() []string {
	ys := e.YNames
	switch e.Kind {
	case KindParams:
		cols := append([]string{"row", "component", "weight"}, prefixed("mean_", ys)...)
		if e.Full {
			return append(cols, e.covNames(true)...)
		}
		return append(cols, prefixed("sigma_", ys)...)
	case KindMean:
		return prefixed("mean_", ys)
	case KindVar:
		return append(prefixed("var_", ys), e.covNames(false)...)
	case KindModes:
		return append([]string{"row", "mode", "log_density", "density", "mass"}, ys...)
	case KindQuantiles:
		var cols []string
		for _, p := range e.Q {
			cols = append(cols, prefixed("q"+strconv.FormatFloat(p, 'g', -1, 64)+"_", ys)...)
		}
		return cols
	case KindRegion:
		if len(ys) == 1 {
			return []string{"row", "intervals", "interval", "lower_" + ys[0], "upper_" + ys[0], "log_density_threshold"}
		}
		return []string{"log_density_threshold"}
	case KindLogPDF:
		cols := append(append([]string{"row"}, ys...), "log_density")
		if e.Calibration != nil {
			cols = append(cols, "in_region")
		}
		return cols
	default: // interval
		return append(prefixed("lower_", ys), prefixed("upper_", ys)...)
	}
}

// covNames names the covariance entries cov_<yi>_<yj>, row-major over i,
// for j ≤ i with diag, else j < i.
func (e *Encoder) covNames(diag bool) []string {
	var out []string
	for i, a := range e.YNames {
		for j, b := range e.YNames[:i+1] {
			if j < i || diag {
				out = append(out, "cov_"+a+"_"+b)
			}
		}
	}
	return out
}

// covEntries appends the entries of the D×D matrix s named by covNames.
func covEntries(dst []float64, s []float64, d int, diag bool) []float64 {
	for i := range d {
		for j := 0; j <= i; j++ {
			if j < i || diag {
				dst = append(dst, s[i*d+j])
			}
		}
	}
	return dst
}

// Append appends the line(s) of input row r (covariates x, summary s):
// one CSV line, one per component (params) or per mode (mode), or one
// JSON line.
func (e *Encoder) Append(buf []byte, r int, x []float64, s *Summary) ([]byte, error) {
	if e.JSON {
		return e.appendJSON(buf, r, x, s)
	}
	d := len(e.YNames)
	line := func(vals ...float64) {
		if e.Given != nil && e.Schema != nil {
			buf = e.Schema.AppendText(buf, e.Given, x)
		} else {
			buf = data.AppendFloats(buf, true, x...)
		}
		buf = data.AppendFloats(buf, false, vals...)
		buf = append(buf, '\n')
	}
	v := e.v[:0]
	switch e.Kind {
	case KindParams:
		for k, c := range s.Components {
			v = append(append(v[:0], float64(r), float64(k), c.Weight), c.Mean...)
			if c.Cov != nil {
				v = covEntries(v, c.Cov, d, true)
			} else {
				v = append(v, c.Sigma...)
			}
			line(v...)
		}
	case KindMean:
		line(s.Mean...)
	case KindVar:
		line(covEntries(append(v, s.Var...), s.Cov, d, false)...)
	case KindModes:
		for i, md := range s.Modes {
			v = append(v[:0], float64(r), float64(i), md.LogDensity, math.Exp(md.LogDensity), md.Mass)
			line(append(v, md.Y...)...)
		}
	case KindQuantiles:
		for _, p := range s.Quantiles { // (q, D) order
			v = append(v, p...)
		}
		line(v...)
	case KindRegion:
		if d > 1 {
			line(s.Threshold)
			break
		}
		if len(s.Region) == 0 {
			line(float64(r), 0, 0, math.NaN(), math.NaN(), s.Threshold)
		}
		for i, iv := range s.Region {
			line(float64(r), float64(len(s.Region)), float64(i), iv[0], iv[1], s.Threshold)
		}
	case KindLogPDF:
		v = append(append(append(v, float64(r)), s.Y...), s.LogDensity)
		if e.Calibration != nil {
			in := 0.0
			if s.InRegion {
				in = 1
			}
			v = append(v, in)
		}
		line(v...)
	default: // interval
		line(append(append(v, s.Lower...), s.Upper...)...)
	}
	e.v = v
	return buf, nil
}

// prepare builds the encoded keys once.
func (e *Encoder) prepare() {
	if e.init {
		return
	}
	e.init = true
	e.xKeys, e.yKeys = NewKeys(e.XNames), NewKeys(e.YNames)
	if e.Schema != nil {
		e.colKeys = NewKeys(e.Schema.ColumnNames())
		e.colOffsets = make([]int, len(e.Schema.Columns))
		for c := range e.Schema.Columns {
			e.colOffsets[c] = e.Schema.Offset(c)
		}
	}
}

// ErrNonFinite is returned (or wrapped) when a value to write as JSON is NaN
// or ±Inf, which JSON cannot hold.
var ErrNonFinite = errors.New("a result is not a finite number")

// appendJSON appends the JSON line of input row r.
func (e *Encoder) appendJSON(buf []byte, r int, x []float64, s *Summary) ([]byte, error) {
	w := &e.w
	w.Reset()
	w.Buf = buf
	e.AppendRow(w, r, x, s)
	if w.Bad() {
		return buf, ErrNonFinite
	}
	w.Byte('\n')
	buf = w.Buf
	w.Buf = nil
	return buf, nil
}

// AppendHead appends the start of row r's JSON object, without its
// closing brace: {"row":r,"x":{…}, and "inputs":{…} with Inputs. x are the
// row's network inputs; the covariates come from Given when it is set.
func (e *Encoder) AppendHead(w *JSON, r int, x []float64) {
	e.prepare()
	w.Raw(`{"row":`)
	w.Int(r)
	w.Raw(`,"x":`)
	if e.Given != nil && e.Schema != nil {
		w.Byte('{')
		for i, c := range e.colKeys.Order {
			if i > 0 {
				w.Byte(',')
			}
			w.Buf = append(w.Buf, e.colKeys.Key[c]...)
			f := e.Given[c]
			switch {
			case e.Schema.IsNA(f):
				w.Raw("null")
			case e.Schema.Columns[c].Kind == encode.Number:
				w.Float(x[e.colOffsets[c]])
			default:
				w.String(f)
			}
		}
		w.Byte('}')
	} else {
		w.Object(&e.xKeys, x)
	}
	if e.Inputs {
		w.Raw(`,"inputs":`)
		w.Object(&e.xKeys, x)
	}
}

// AppendRow appends row r's JSON object (without a newline): the head (see
// AppendHead) and the summary s by the Kind. A value that is not finite is
// written as 0 and reported by w.Bad.
func (e *Encoder) AppendRow(w *JSON, r int, x []float64, s *Summary) {
	e.AppendHead(w, r, x)
	d := len(e.YNames)
	yk := &e.yKeys
	switch e.Kind {
	case KindParams:
		w.Raw(`,"components":[`)
		for k, c := range s.Components {
			if k > 0 {
				w.Byte(',')
			}
			w.Raw(`{"weight":`)
			w.Float(c.Weight)
			w.Raw(`,"mean":`)
			w.Object(yk, c.Mean)
			if c.Cov != nil {
				w.Raw(`,"cov":`)
				w.Matrix(c.Cov, d)
			} else {
				w.Raw(`,"sigma":`)
				w.Object(yk, c.Sigma)
			}
			w.Byte('}')
		}
		w.Byte(']')
	case KindMean:
		w.Raw(`,"mean":`)
		w.Object(yk, s.Mean)
	case KindVar:
		w.Raw(`,"var":`)
		w.Object(yk, s.Var)
		if d > 1 {
			w.Raw(`,"cov":`)
			w.Matrix(s.Cov, d)
		}
	case KindModes:
		w.Raw(`,"modes":[`)
		for k, md := range s.Modes {
			if k > 0 {
				w.Byte(',')
			}
			w.Raw(`{"y":`)
			w.Object(yk, md.Y)
			w.Raw(`,"log_density":`)
			w.Float(md.LogDensity)
			w.Raw(`,"density":`)
			w.Float(math.Exp(md.LogDensity))
			w.Raw(`,"mass":`)
			w.Float(md.Mass)
			w.Byte('}')
		}
		w.Byte(']')
	case KindQuantiles:
		w.Raw(`,"q":`)
		w.Floats(e.Q)
		w.Raw(`,"quantiles":{`)
		for c, j := range yk.Order {
			if c > 0 {
				w.Byte(',')
			}
			w.Buf = append(w.Buf, yk.Key[j]...)
			w.Byte('[')
			for i := range s.Quantiles {
				if i > 0 {
					w.Byte(',')
				}
				w.Float(s.Quantiles[i][j])
			}
			w.Byte(']')
		}
		w.Byte('}')
	case KindRegion:
		w.Raw(`,"level":`)
		w.Float(e.Level)
		if e.Calibration == nil {
			w.Raw(`,"calibrated":false`)
		} else {
			e.appendCalibrated(w)
		}
		if d == 1 {
			w.Raw(`,"region":{`)
			w.Buf = append(w.Buf, yk.Key[0]...)
			w.Byte('[')
			for i, iv := range s.Region {
				if i > 0 {
					w.Byte(',')
				}
				w.Byte('[')
				w.FloatOrNull(iv[0])
				w.Byte(',')
				w.FloatOrNull(iv[1])
				w.Byte(']')
			}
			w.Raw("]}")
		}
		w.Raw(`,"log_density_threshold":`)
		w.Float(s.Threshold)
	case KindLogPDF:
		w.Raw(`,"y":`)
		w.Object(yk, s.Y)
		w.Raw(`,"log_density":`)
		w.FloatOrNull(s.LogDensity) // null where the density underflows
		if e.Calibration != nil {
			w.Raw(`,"level":`)
			w.Float(e.Level)
			e.appendCalibrated(w)
			w.Raw(`,"log_density_threshold":`)
			w.Float(s.Threshold)
			w.Raw(`,"in_region":`)
			if s.InRegion {
				w.Raw("true")
			} else {
				w.Raw("false")
			}
		}
	default: // interval
		w.Raw(`,"level":`)
		w.Float(e.Level)
		w.Raw(`,"lower":`)
		if e.Calibration == nil {
			w.Object(yk, s.Lower)
			w.Raw(`,"upper":`)
			w.Object(yk, s.Upper)
			break
		}
		// A calibrated interval of mass 1 is unbounded: its ends are null.
		w.ObjectOrNull(yk, s.Lower)
		w.Raw(`,"upper":`)
		w.ObjectOrNull(yk, s.Upper)
		e.appendCalibrated(w)
	}
	w.Byte('}')
}

// appendCalibrated appends the fields a calibrated interval or region
// has after its level or bounds: ,"calibrated":true,"calibration_rows":n.
func (e *Encoder) appendCalibrated(w *JSON) {
	w.Raw(`,"calibrated":true,"calibration_rows":`)
	w.Int(e.Calibration.Rows)
}

// prefixed returns prefix+name for each name.
func prefixed(prefix string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
}
