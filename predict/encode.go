package predict

import (
	"encoding/json"
	"github.com/mdn-go/mdn/data"
	"math"
	"slices"
	"strconv"
)

// Encoder writes Summary values as the lines of mdn predict: CSV lines
// after a header of the covariate names and Columns, or JSON Lines (one
// object per input row with "row", "x" and the summary's keys; see
// mdn predict --help). An Encoder keeps scratch: one per goroutine.
type Encoder struct {
	Summarizer
	// XNames and YNames are the model's covariate and response names.
	XNames, YNames []string
	// JSON selects JSON Lines instead of CSV.
	JSON bool
	// XText, when not nil, is the current row's covariates as CSV fields
	// (Chunk.AppendX: labels as text), which CSV lines start with instead
	// of x's values. The caller sets it before each Append.
	XText []byte
	v     []float64 // scratch of one CSV line
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
		if e.XText != nil {
			buf = append(buf, e.XText...)
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
	default: // interval
		line(append(append(v, s.Lower...), s.Upper...)...)
	}
	e.v = v
	return buf, nil
}

// named returns the map name[i] → v[i].
func named(names []string, v []float64) map[string]float64 {
	out := make(map[string]float64, len(names))
	for i, n := range names {
		out[n] = v[i]
	}
	return out
}

// namedOrNil returns the map name[i] → v[i], with nil (JSON null) for an
// infinite v[i] (an unbounded end of a calibrated interval), which JSON
// cannot hold.
func namedOrNil(names []string, v []float64) map[string]any {
	out := make(map[string]any, len(names))
	for i, n := range names {
		out[n] = finiteOrNil(v[i])
	}
	return out
}

// finiteOrNil is v, or nil if v is ±Inf.
func finiteOrNil(v float64) any {
	if math.IsInf(v, 0) {
		return nil
	}
	return v
}

// square returns the row-major d×d matrix s as nested slices.
func square(s []float64, d int) [][]float64 {
	out := make([][]float64, d)
	for i := range out {
		out[i] = slices.Clone(s[i*d : (i+1)*d])
	}
	return out
}

type jsonComponent struct {
	Weight float64            `json:"weight"`
	Mean   map[string]float64 `json:"mean"`
	Sigma  map[string]float64 `json:"sigma,omitempty"`
	Cov    [][]float64        `json:"cov,omitempty"`
}

type jsonMode struct {
	Y          map[string]float64 `json:"y"`
	LogDensity float64            `json:"log_density"`
	Density    float64            `json:"density"`
	Mass       float64            `json:"mass"`
}

type jsonPrediction struct {
	Row        int                  `json:"row"`
	X          map[string]float64   `json:"x"`
	Components []jsonComponent      `json:"components,omitempty"`
	Mean       map[string]float64   `json:"mean,omitempty"`
	Var        map[string]float64   `json:"var,omitempty"`
	Cov        [][]float64          `json:"cov,omitempty"`
	Modes      []jsonMode           `json:"modes,omitempty"`
	Q          []float64            `json:"q,omitempty"`
	Quantiles  map[string][]float64 `json:"quantiles,omitempty"`
	Level      float64              `json:"level,omitempty"`
	Lower      map[string]any       `json:"lower,omitempty"`
	Upper      map[string]any       `json:"upper,omitempty"`
	Calibrated *bool                `json:"calibrated,omitempty"`
	CalRows    int                  `json:"calibration_rows,omitempty"`
	Region     map[string]any       `json:"region,omitempty"`
	Threshold  *float64             `json:"log_density_threshold,omitempty"`
}

// appendJSON appends the JSON line of input row r.
func (e *Encoder) appendJSON(buf []byte, r int, x []float64, s *Summary) ([]byte, error) {
	d := len(e.YNames)
	p := jsonPrediction{Row: r, X: named(e.XNames, x)}
	switch e.Kind {
	case KindParams:
		for _, c := range s.Components {
			jc := jsonComponent{Weight: c.Weight, Mean: named(e.YNames, c.Mean)}
			if c.Cov != nil {
				jc.Cov = square(c.Cov, d)
			} else {
				jc.Sigma = named(e.YNames, c.Sigma)
			}
			p.Components = append(p.Components, jc)
		}
	case KindMean:
		p.Mean = named(e.YNames, s.Mean)
	case KindVar:
		p.Var = named(e.YNames, s.Var)
		if d > 1 {
			p.Cov = square(s.Cov, d)
		}
	case KindModes:
		for _, md := range s.Modes {
			p.Modes = append(p.Modes, jsonMode{Y: named(e.YNames, md.Y), LogDensity: md.LogDensity,
				Density: math.Exp(md.LogDensity), Mass: md.Mass})
		}
	case KindQuantiles:
		p.Q = e.Q
		p.Quantiles = make(map[string][]float64, d)
		for j, n := range e.YNames {
			col := make([]float64, len(s.Quantiles))
			for i := range s.Quantiles {
				col[i] = s.Quantiles[i][j]
			}
			p.Quantiles[n] = col
		}
	case KindRegion:
		p.Level = e.Level
		cal := e.Calibration != nil
		p.Calibrated = &cal
		if cal {
			p.CalRows = e.Calibration.Rows
		}
		if d == 1 {
			ivs := make([][2]any, len(s.Region))
			for i, iv := range s.Region {
				ivs[i] = [2]any{finiteOrNil(iv[0]), finiteOrNil(iv[1])}
			}
			p.Region = map[string]any{e.YNames[0]: ivs}
		}
		t := s.Threshold
		p.Threshold = &t
	default: // interval
		p.Level, p.Lower, p.Upper = e.Level, namedOrNil(e.YNames, s.Lower), namedOrNil(e.YNames, s.Upper)
		if c := e.Calibration; c != nil {
			cal := true
			p.Calibrated, p.CalRows = &cal, c.Rows
		}
	}
	b, err := json.Marshal(p)
	if err != nil {
		return buf, err
	}
	return append(append(buf, b...), '\n'), nil
}

// prefixed returns prefix+name for each name.
func prefixed(prefix string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
}
