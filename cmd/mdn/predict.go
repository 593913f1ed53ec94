package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	stdio "io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/mixture"
	"github.com/mdn-go/mdn/model"
	"github.com/mdn-go/mdn/predict"
	"github.com/spf13/cobra"
)

// predictWhats are the values of predict --what.
var predictWhats = []string{"params", "mean", "var", "mode", "quantiles", "interval"}

type predictOptions struct {
	model    string
	input    string
	what     string
	q        string
	qSet     bool
	level    float64
	levelSet bool
	out      string
	json     bool
}

func newPredictCmd(io streams) *cobra.Command {
	o := &predictOptions{}
	c := &cobra.Command{
		Use:   "predict --model FILE --input CSV --what WHAT",
		Short: "Write the predictive mixture, its moments, modes or quantiles for each input row",
		Long: `Write, for every row of the input CSV (which needs the model's covariate
columns; "-" reads standard input), a summary of the model's predictive mixture
p(y|x) = Σ_k π_k N(y; μ_k(x), Σ_k(x)), in the original units of y. --what is
one of:

  params     one line per row and component k: the weight π_k, the mean
             μ_k and σ_k per response (the square roots of the diagonal of
             Σ_k), or for a model with full covariances the entries Σ_k[i][j],
             i ≥ j. Columns: x…, row, component, weight, mean_<y>…,
             sigma_<y>… (or cov_<yi>_<yj>…).
  mean       the mixture mean E[y] = Σ_k π_k μ_k. Columns: x…, mean_<y>….
  var        the mixture covariance Σ_k π_k (Σ_k + (μ_k − E[y])(μ_k − E[y])ᵀ):
             var_<y>… and, for two or more responses, cov_<yi>_<yj> (i < j).
  mode       the modes of p(y|x) (mean-shift from every component mean, see
             the mixture package), highest density first, one line per mode:
             x…, row, mode (rank from 0), log_density, density, mass, <y>….
             mass is the share of the mixture weight whose component mean
             climbed to the mode.
  quantiles  the quantiles --q of the marginal of each response, exact (by
             Newton/bisection on the mixture CDF): q<q>_<y>… for each q, each y.
  interval   the central interval of level --level of the marginal of each
             response, [F⁻¹((1−level)/2), F⁻¹((1+level)/2)]: lower_<y>,
             upper_<y>….

row is the index of the input row, from 0. The CSV output (standard output
unless --out) starts with the covariate columns. --json instead prints one JSON
object per input row (JSON Lines) on standard output, with "row", "x" (column
name → value) and: params "components" [{"weight", "mean", "sigma" or "cov"}];
mean "mean"; var "var" (and "cov", the D×D matrix, for D > 1); mode "modes"
[{"y", "log_density", "density", "mass"}]; quantiles "q" and "quantiles"
(response → one value per q); interval "level", "lower", "upper". Means and
the like are objects from response name to value.

The input is streamed in chunks of 4096 rows.`,
		Example: `  mdn predict --model out/model.json --input testdata/ex1d_test.csv --what mean --out mean.csv
  mdn predict --model out/model.json --input testdata/ex1d_test.csv --what quantiles --q 0.1,0.5,0.9
  mdn predict --model out/model.json --input testdata/ex1d_test.csv --what mode --json`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			o.qSet = c.Flags().Changed("q")
			o.levelSet = c.Flags().Changed("level")
			return runPredict(c.Context(), io, o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.model, "model", "", "model file written by mdn train (required)")
	f.StringVar(&o.input, "input", "", `input CSV with the model's covariate columns, "-" for standard input (required)`)
	f.StringVar(&o.what, "what", "", "what to predict: "+strings.Join(predictWhats, ", ")+" (required)")
	f.StringVar(&o.q, "q", "0.05,0.5,0.95", "probabilities in (0, 1) for --what quantiles, comma-separated")
	f.Float64Var(&o.level, "level", 0.9, "level in (0, 1) of the central interval for --what interval")
	f.StringVar(&o.out, "out", "", "output CSV file (default: standard output)")
	f.BoolVar(&o.json, "json", false, "print JSON Lines on standard output instead of CSV")
	return c
}

// predictFormat formats the lines of one input row.
type predictFormat struct {
	what   string
	xNames []string
	yNames []string
	full   bool // covariance entries instead of σ for params
	q      []float64
	level  float64
	json   bool
	// scratch
	v, cov []float64
}

func runPredict(ctx context.Context, io streams, o *predictOptions) error {
	if err := required("predict", "--model", o.model, "--input", o.input, "--what", o.what); err != nil {
		return err
	}
	if !slices.Contains(predictWhats, o.what) {
		return fmt.Errorf("predict: --what must be one of %s, got %q", strings.Join(predictWhats, ", "), o.what)
	}
	if o.out != "" && o.json {
		return fmt.Errorf("predict: --out and --json are mutually exclusive: --json prints to standard output")
	}
	if o.qSet && o.what != "quantiles" {
		return fmt.Errorf("predict: --q is only used with --what quantiles")
	}
	if o.levelSet && o.what != "interval" {
		return fmt.Errorf("predict: --level is only used with --what interval")
	}
	q, err := parseFloats("--q", o.q)
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	for _, p := range q {
		if p <= 0 || p >= 1 {
			return fmt.Errorf("predict: --q: %v is not in (0, 1)", p)
		}
	}
	if predict.CheckLevel(o.level) != nil {
		return fmt.Errorf("predict: --level must be in (0, 1), got %v", o.level)
	}
	tgt, err := resolveOut(io, "predict", "--out", o.out, inputOf(io, "--model", o.model), inputOf(io, "--input", o.input))
	if err != nil {
		return err
	}
	m, err := model.Load(o.model)
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	rd, closeIn, err := openInput(io, "--input", o.input, m.XNames)
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	defer closeIn()
	in := m.Spec.In
	name := o.input
	newWorker := func() func(*chunk) error {
		p := m.Predictor(chunkRows)
		var mix []mixture.Mixture
		pf := &predictFormat{what: o.what, xNames: m.XNames, yNames: m.YNames, full: m.Spec.Noise == arch.Full,
			q: q, level: o.level, json: o.json}
		return func(c *chunk) error {
			var err error
			if mix, err = predictChunk(p, c, in, name, mix); err != nil {
				return err
			}
			buf := c.out[:0]
			for i := range c.n {
				if buf, err = pf.row(buf, c.row0+i, c.x[i*in:(i+1)*in], &mix[i]); err != nil {
					return fmt.Errorf("%s: line %d: %w", name, c.lines[i], err)
				}
			}
			c.out = buf
			return nil
		}
	}
	pf := &predictFormat{what: o.what, xNames: m.XNames, yNames: m.YNames, full: m.Spec.Noise == arch.Full, q: q}
	err = writeStream(io, tgt, func(w stdio.Writer) error {
		if !o.json {
			if _, err := w.Write(csvHeader(m.XNames, pf.columns())); err != nil {
				return err
			}
		}
		return streamRows(ctx, rd, in, workers(), newWorker, w)
	})
	if errors.Is(err, context.Canceled) {
		return &exitError{code: 130, err: fmt.Errorf("predict: interrupted: %w", err)}
	}
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	return nil
}

// columns returns the CSV columns after the covariates.
func (f *predictFormat) columns() []string {
	ys := f.yNames
	switch f.what {
	case "params":
		cols := append([]string{"row", "component", "weight"}, prefixed("mean_", ys)...)
		if f.full {
			return append(cols, f.covNames(true)...)
		}
		return append(cols, prefixed("sigma_", ys)...)
	case "mean":
		return prefixed("mean_", ys)
	case "var":
		return append(prefixed("var_", ys), f.covNames(false)...)
	case "mode":
		return append([]string{"row", "mode", "log_density", "density", "mass"}, ys...)
	case "quantiles":
		var cols []string
		for _, p := range f.q {
			cols = append(cols, prefixed("q"+strconv.FormatFloat(p, 'g', -1, 64)+"_", ys)...)
		}
		return cols
	default: // interval
		return append(prefixed("lower_", ys), prefixed("upper_", ys)...)
	}
}

// covNames names the covariance entries cov_<yi>_<yj>, row-major over i,
// for j ≤ i with diag, else j < i.
func (f *predictFormat) covNames(diag bool) []string {
	var out []string
	for i, a := range f.yNames {
		for j, b := range f.yNames[:i+1] {
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

// row appends the output lines of input row r (covariates x, mixture m).
func (f *predictFormat) row(buf []byte, r int, x []float64, m *mixture.Mixture) ([]byte, error) {
	if f.json {
		return f.jsonRow(buf, r, x, m)
	}
	d := m.D
	line := func(vals ...float64) {
		buf = appendFloats(buf, true, x...)
		buf = appendFloats(buf, false, vals...)
		buf = append(buf, '\n')
	}
	v := f.v[:0]
	switch f.what {
	case "params":
		for k := range m.K {
			v = append(v[:0], float64(r), float64(k), math.Exp(m.LogWeights[k]))
			v = append(v, m.Means[k*d:(k+1)*d]...)
			if f.full {
				f.cov = m.Sigma(k, f.grow(f.cov, d*d))
				v = covEntries(v, f.cov, d, true)
			} else {
				for j := range d {
					v = append(v, m.Chol[k*d*d+j*d+j])
				}
			}
			line(v...)
		}
	case "mean":
		v = m.Mean(f.grow(v, d))
		line(v...)
	case "var":
		f.cov = m.Cov(f.grow(f.cov, d*d))
		for j := range d {
			v = append(v, f.cov[j*d+j])
		}
		v = covEntries(v, f.cov, d, false)
		line(v...)
	case "mode":
		for i, md := range m.Modes(mixture.ModeOptions{}) {
			v = append(v[:0], float64(r), float64(i), md.LogDensity, math.Exp(md.LogDensity), md.Mass)
			v = append(v, md.Y...)
			line(v...)
		}
	case "quantiles":
		qs, err := f.quantiles(m)
		if err != nil {
			return buf, err
		}
		for _, p := range qs { // (q, D) order
			v = append(v, p...)
		}
		line(v...)
	default: // interval
		lo, hi, err := f.interval(m)
		if err != nil {
			return buf, err
		}
		v = append(append(v, lo...), hi...)
		line(v...)
	}
	f.v = v
	return buf, nil
}

// grow returns s with length n, reusing its storage when it can.
func (f *predictFormat) grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// marginals returns the 1-D marginal of each response of m (m itself for D = 1).
func marginals(m *mixture.Mixture) []*mixture.Mixture {
	if m.D == 1 {
		return []*mixture.Mixture{m}
	}
	out := make([]*mixture.Mixture, m.D)
	for j := range out {
		out[j] = m.Marginal(j)
	}
	return out
}

// quantiles returns qs[i][j] = F_j⁻¹(q_i) for each --q value and response.
func (f *predictFormat) quantiles(m *mixture.Mixture) ([][]float64, error) {
	ms := marginals(m)
	qs := make([][]float64, len(f.q))
	for i, p := range f.q {
		qs[i] = make([]float64, len(ms))
		for j, mj := range ms {
			v, err := mj.Quantile(p)
			if err != nil {
				return nil, err
			}
			qs[i][j] = v
		}
	}
	return qs, nil
}

// interval returns the lower and upper ends of each response's central
// interval of level f.level.
func (f *predictFormat) interval(m *mixture.Mixture) (lo, hi []float64, err error) {
	ms := marginals(m)
	lo, hi = make([]float64, len(ms)), make([]float64, len(ms))
	for j, mj := range ms {
		if lo[j], hi[j], err = predict.Interval(mj, f.level); err != nil {
			return nil, nil, err
		}
	}
	return lo, hi, nil
}

// named returns the map name[i] → v[i].
func named(names []string, v []float64) map[string]float64 {
	out := make(map[string]float64, len(names))
	for i, n := range names {
		out[n] = v[i]
	}
	return out
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
	Lower      map[string]float64   `json:"lower,omitempty"`
	Upper      map[string]float64   `json:"upper,omitempty"`
}

// jsonRow appends the JSON line of input row r.
func (f *predictFormat) jsonRow(buf []byte, r int, x []float64, m *mixture.Mixture) ([]byte, error) {
	d := m.D
	p := jsonPrediction{Row: r, X: named(f.xNames, x)}
	switch f.what {
	case "params":
		for k := range m.K {
			c := jsonComponent{Weight: math.Exp(m.LogWeights[k]), Mean: named(f.yNames, m.Means[k*d:(k+1)*d])}
			if f.full {
				c.Cov = square(m.Sigma(k, nil), d)
			} else {
				sg := make([]float64, d)
				for j := range d {
					sg[j] = m.Chol[k*d*d+j*d+j]
				}
				c.Sigma = named(f.yNames, sg)
			}
			p.Components = append(p.Components, c)
		}
	case "mean":
		p.Mean = named(f.yNames, m.Mean(nil))
	case "var":
		cov := m.Cov(nil)
		v := make([]float64, d)
		for j := range d {
			v[j] = cov[j*d+j]
		}
		p.Var = named(f.yNames, v)
		if d > 1 {
			p.Cov = square(cov, d)
		}
	case "mode":
		for _, md := range m.Modes(mixture.ModeOptions{}) {
			p.Modes = append(p.Modes, jsonMode{Y: named(f.yNames, md.Y), LogDensity: md.LogDensity,
				Density: math.Exp(md.LogDensity), Mass: md.Mass})
		}
	case "quantiles":
		qs, err := f.quantiles(m)
		if err != nil {
			return buf, err
		}
		p.Q = f.q
		p.Quantiles = make(map[string][]float64, d)
		for j, n := range f.yNames {
			col := make([]float64, len(qs))
			for i := range qs {
				col[i] = qs[i][j]
			}
			p.Quantiles[n] = col
		}
	default: // interval
		lo, hi, err := f.interval(m)
		if err != nil {
			return buf, err
		}
		p.Level, p.Lower, p.Upper = f.level, named(f.yNames, lo), named(f.yNames, hi)
	}
	b, err := json.Marshal(p)
	if err != nil {
		return buf, err
	}
	return append(append(buf, b...), '\n'), nil
}
