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
	"github.com/mdn-go/mdn/model"
	"github.com/mdn-go/mdn/predict"
	"github.com/spf13/cobra"
)

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
             var_<y>… and, for two or more responses, cov_<yi>_<yj> (i > j).
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
	f.StringVar(&o.what, "what", "", "what to predict: "+kindList()+" (required)")
	f.StringVar(&o.q, "q", "0.05,0.5,0.95", "probabilities in (0, 1) for --what quantiles, comma-separated")
	f.Float64Var(&o.level, "level", 0.9, "level in (0, 1) of the central interval for --what interval")
	f.StringVar(&o.out, "out", "", "output CSV file (default: standard output)")
	f.BoolVar(&o.json, "json", false, "print JSON Lines on standard output instead of CSV")
	return c
}

// kindList is the values of --what, comma-separated.
func kindList() string {
	ks := make([]string, len(predict.Kinds))
	for i, k := range predict.Kinds {
		ks[i] = string(k)
	}
	return strings.Join(ks, ", ")
}

func runPredict(ctx context.Context, io streams, o *predictOptions) error {
	if err := required("predict", "--model", o.model, "--input", o.input, "--what", o.what); err != nil {
		return err
	}
	kind := predict.Kind(o.what)
	if err := kind.Validate(); err != nil {
		return fmt.Errorf("predict: --what %w", err)
	}
	if o.out != "" && o.json {
		return fmt.Errorf("predict: --out and --json are mutually exclusive: --json prints to standard output")
	}
	if o.qSet && kind != predict.KindQuantiles {
		return fmt.Errorf("predict: --q is only used with --what quantiles")
	}
	if o.levelSet && kind != predict.KindInterval {
		return fmt.Errorf("predict: --level is only used with --what interval")
	}
	q, err := parseFloats("--q", o.q)
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	for i, p := range q {
		if p <= 0 || p >= 1 {
			return fmt.Errorf("predict: --q: %v is not in (0, 1)", p)
		}
		if slices.Contains(q[:i], p) {
			// Two equal columns would make a header that no CSV reader
			// can resolve.
			return fmt.Errorf("predict: --q: %v is given twice", p)
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
	sz := predict.Summarizer{Kind: kind, Full: m.Spec.Noise == arch.Full, Q: q, Level: o.level}
	enc := &summaryEncoder{sz: sz, xNames: m.XNames, yNames: m.YNames, json: o.json}
	in := m.Spec.In
	newWorker := func() func(*predict.Chunk) error {
		var sum predict.Summary
		e := *enc
		return func(c *predict.Chunk) error {
			buf := c.Out[:0]
			for i := range c.N {
				if err := e.sz.Summarize(&c.Mix[i], &sum); err != nil {
					return fmt.Errorf("%s: line %d: %w", rd.Name(), c.Lines[i], err)
				}
				var err error
				if buf, err = e.row(buf, c.Row0+i, c.X[i*in:(i+1)*in], &sum); err != nil {
					return err
				}
			}
			c.Out = buf
			return nil
		}
	}
	err = writeStream(io, tgt, func(w stdio.Writer) error {
		if !o.json {
			if _, err := w.Write(csvHeader(m.XNames, enc.columns())); err != nil {
				return err
			}
		}
		return predict.Stream(ctx, m, rd, workers(), newWorker, w)
	})
	if errors.Is(err, context.Canceled) {
		return &exitError{code: 130, err: fmt.Errorf("predict: interrupted: %w", err)}
	}
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	return nil
}

// summaryEncoder writes predict.Summary values as CSV lines or JSON Lines.
type summaryEncoder struct {
	sz             predict.Summarizer
	xNames, yNames []string
	json           bool
	v              []float64 // scratch of one CSV line
}

// columns returns the CSV columns after the covariates.
func (e *summaryEncoder) columns() []string {
	ys := e.yNames
	switch e.sz.Kind {
	case predict.KindParams:
		cols := append([]string{"row", "component", "weight"}, prefixed("mean_", ys)...)
		if e.sz.Full {
			return append(cols, e.covNames(true)...)
		}
		return append(cols, prefixed("sigma_", ys)...)
	case predict.KindMean:
		return prefixed("mean_", ys)
	case predict.KindVar:
		return append(prefixed("var_", ys), e.covNames(false)...)
	case predict.KindModes:
		return append([]string{"row", "mode", "log_density", "density", "mass"}, ys...)
	case predict.KindQuantiles:
		var cols []string
		for _, p := range e.sz.Q {
			cols = append(cols, prefixed("q"+strconv.FormatFloat(p, 'g', -1, 64)+"_", ys)...)
		}
		return cols
	default: // interval
		return append(prefixed("lower_", ys), prefixed("upper_", ys)...)
	}
}

// covNames names the covariance entries cov_<yi>_<yj>, row-major over i,
// for j ≤ i with diag, else j < i.
func (e *summaryEncoder) covNames(diag bool) []string {
	var out []string
	for i, a := range e.yNames {
		for j, b := range e.yNames[:i+1] {
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

// row appends the output of input row r (covariates x, summary s).
func (e *summaryEncoder) row(buf []byte, r int, x []float64, s *predict.Summary) ([]byte, error) {
	if e.json {
		return e.jsonRow(buf, r, x, s)
	}
	d := len(e.yNames)
	line := func(vals ...float64) {
		buf = appendFloats(buf, true, x...)
		buf = appendFloats(buf, false, vals...)
		buf = append(buf, '\n')
	}
	v := e.v[:0]
	switch e.sz.Kind {
	case predict.KindParams:
		for k, c := range s.Components {
			v = append(append(v[:0], float64(r), float64(k), c.Weight), c.Mean...)
			if c.Cov != nil {
				v = covEntries(v, c.Cov, d, true)
			} else {
				v = append(v, c.Sigma...)
			}
			line(v...)
		}
	case predict.KindMean:
		line(s.Mean...)
	case predict.KindVar:
		line(covEntries(append(v, s.Var...), s.Cov, d, false)...)
	case predict.KindModes:
		for i, md := range s.Modes {
			v = append(v[:0], float64(r), float64(i), md.LogDensity, math.Exp(md.LogDensity), md.Mass)
			line(append(v, md.Y...)...)
		}
	case predict.KindQuantiles:
		for _, p := range s.Quantiles { // (q, D) order
			v = append(v, p...)
		}
		line(v...)
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
func (e *summaryEncoder) jsonRow(buf []byte, r int, x []float64, s *predict.Summary) ([]byte, error) {
	d := len(e.yNames)
	p := jsonPrediction{Row: r, X: named(e.xNames, x)}
	switch e.sz.Kind {
	case predict.KindParams:
		for _, c := range s.Components {
			jc := jsonComponent{Weight: c.Weight, Mean: named(e.yNames, c.Mean)}
			if c.Cov != nil {
				jc.Cov = square(c.Cov, d)
			} else {
				jc.Sigma = named(e.yNames, c.Sigma)
			}
			p.Components = append(p.Components, jc)
		}
	case predict.KindMean:
		p.Mean = named(e.yNames, s.Mean)
	case predict.KindVar:
		p.Var = named(e.yNames, s.Var)
		if d > 1 {
			p.Cov = square(s.Cov, d)
		}
	case predict.KindModes:
		for _, md := range s.Modes {
			p.Modes = append(p.Modes, jsonMode{Y: named(e.yNames, md.Y), LogDensity: md.LogDensity,
				Density: math.Exp(md.LogDensity), Mass: md.Mass})
		}
	case predict.KindQuantiles:
		p.Q = e.sz.Q
		p.Quantiles = make(map[string][]float64, d)
		for j, n := range e.yNames {
			col := make([]float64, len(s.Quantiles))
			for i := range s.Quantiles {
				col[i] = s.Quantiles[i][j]
			}
			p.Quantiles[n] = col
		}
	default: // interval
		p.Level, p.Lower, p.Upper = e.sz.Level, named(e.yNames, s.Lower), named(e.yNames, s.Upper)
	}
	b, err := json.Marshal(p)
	if err != nil {
		return buf, err
	}
	return append(append(buf, b...), '\n'), nil
}
