package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/conformal"
	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/internal/cli"
	"github.com/mdn-go/mdn/model"
	"github.com/mdn-go/mdn/predict"
	"github.com/spf13/cobra"
)

// predictOptions are mdn predict's flags.
type predictOptions struct {
	model    string
	input    string
	what     string
	q        string
	qs       []float64 // q parsed, by check (not for --what logpdf)
	qSet     bool
	level    float64
	levelSet bool
	out      string
	json     bool
	inputs   bool
	schemaFlags
}

// newPredictCmd is mdn predict; runF, when not nil, gets the checked
// options instead of runPredict.
func newPredictCmd(ios *cli.IOStreams, runF func(*predictOptions) error) *cobra.Command {
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
  mode       the modes of p(y|x) (mean-shift from every component mean and,
             for two or more responses, from further massless starts; see
             docs/math.md), highest density first, one line per mode:
             x…, row, mode (rank from 0), log_density, density, mass, <y>….
             mass is the share of the mixture weight whose component mean
             climbed to the mode (0 for a mode reached from no mean).
  quantiles  the quantiles --q of the marginal of each response, exact (by
             Newton/bisection on the mixture CDF): q<q>_<y>… for each q, each y.
  interval   the central interval of level --level of the marginal of each
             response, [F⁻¹((1−level)/2), F⁻¹((1+level)/2)]: lower_<y>,
             upper_<y>…. For a model calibrated by mdn calibrate, the
             calibrated interval: the central interval of mass 1 − e^(−q̂),
             the box of which covers y with probability ≥ level.
  region     the highest-density region {y : log p(y|x) ≥ t} of level
             --level: for a calibrated model t is the calibrated threshold
             (coverage ≥ level); for an uncalibrated model of one response,
             the model's own region of mass level. For one response one
             line per disjoint interval: x…, row, intervals (their number;
             0, with NaN ends, for an empty region), interval (from 0),
             lower_<y>, upper_<y>, log_density_threshold; for several
             responses (calibrated models only) the threshold t alone, which
             tests a candidate y: log_density_threshold.
  logpdf     log p(y|x) of candidate rows: the input needs the response
             columns too and is read whole. Columns: x…, row, <y>…,
             log_density, and for a calibrated model in_region (1 if
             log p(y|x) ≥ the calibrated threshold of --level, else 0).
             --json: "row", "x", "y", "log_density" (null where the density
             underflows) and, calibrated, "level", "calibrated",
             "calibration_rows", "log_density_threshold", "in_region".

row is the index of the input row, from 0. The CSV output (standard output
unless --out) starts with the covariate columns as the input gave them. --json
instead prints one JSON object per input row (JSON Lines) on standard output,
with "row", "x" (the covariates as the input gave them: column name → a number,
a label's text as a string, or null for a missing cell), with --inputs
"inputs" (the network's encoded inputs by name: a label's one-hot
"column=level" entries, an imputed value and its "column:missing" indicator),
and: params "components" [{"weight", "mean", "sigma" or "cov"}];
mean "mean"; var "var" (and "cov", the D×D matrix, for D > 1); mode "modes"
[{"y", "log_density", "density", "mass"}]; quantiles "q" and "quantiles"
(response → one value per q); interval "level", "lower", "upper" (and for
a calibrated model "calibrated": true, "calibration_rows"); region "level",
"calibrated", "calibration_rows" (calibrated), "region" ({<y>: [[lo, hi],
…]}, one response) and "log_density_threshold". Means and the like are
objects from response name to value.

The input is streamed in chunks of 4096 rows.`,
		Example: `  mdn predict --model out/model.json --input testdata/ex1d_test.csv --what mean --out mean.csv
  mdn predict --model out/model.json --input testdata/ex1d_test.csv --what quantiles --q 0.1,0.5,0.9
  mdn predict --model out/model.json --input testdata/ex1d_test.csv --what mode --json`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			o.qSet = c.Flags().Changed("q")
			o.levelSet = c.Flags().Changed("level")
			if err := o.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return runPredict(c.Context(), o, ios)
		},
	}
	o.schemaFlags.add(c)
	f := c.Flags()
	f.StringVar(&o.model, "model", "", "model file written by mdn train (required)")
	f.StringVar(&o.input, "input", "", `input CSV with the model's covariate columns, "-" for standard input (required)`)
	f.StringVar(&o.what, "what", "", "what to predict: "+kindList()+" (required)")
	f.StringVar(&o.q, "q", "0.05,0.5,0.95", "probabilities in (0, 1) for --what quantiles, comma-separated")
	f.Float64Var(&o.level, "level", 0.9, "level in (0, 1) of --what interval or region (or of the calibrated region that --what logpdf tests)")
	f.StringVar(&o.out, "out", "", "output CSV file (default: standard output)")
	f.BoolVar(&o.json, "json", false, "print JSON Lines on standard output instead of CSV")
	f.BoolVar(&o.inputs, "inputs", false, `with --json: add "inputs", the network's encoded inputs of each row`)
	return c
}

// whatLogPDF is --what logpdf, which reads responses too and so is not one
// of predict.Kinds.
const whatLogPDF = string(predict.KindLogPDF)

// kindList is the values of --what, comma-separated.
func kindList() string {
	ks := make([]string, len(predict.Kinds), len(predict.Kinds)+1)
	for i, k := range predict.Kinds {
		ks[i] = string(k)
	}
	return strings.Join(append(ks, whatLogPDF), ", ")
}

// check checks the flags by themselves, before anything is read or
// written, and parses --q.
func (o *predictOptions) check() error {
	if err := required("predict", "--model", o.model, "--input", o.input, "--what", o.what); err != nil {
		return err
	}
	if err := o.schemaFlags.check("predict"); err != nil {
		return err
	}
	if o.inputs && !o.json {
		return fmt.Errorf("predict: --inputs is only used with --json")
	}
	if o.what == whatLogPDF {
		if o.qSet {
			return fmt.Errorf("predict: --q is only used with --what quantiles")
		}
		if o.out != "" && o.json {
			return fmt.Errorf("predict: --out and --json are mutually exclusive: --json prints to standard output")
		}
		if err := predict.CheckLevel(o.level); err != nil {
			return fmt.Errorf("predict: --%v", err)
		}
		return nil
	}
	kind := predict.Kind(o.what)
	if kind.Validate() != nil {
		return fmt.Errorf("predict: --what must be one of %s, got %q", kindList(), o.what)
	}
	if o.out != "" && o.json {
		return fmt.Errorf("predict: --out and --json are mutually exclusive: --json prints to standard output")
	}
	if o.qSet && kind != predict.KindQuantiles {
		return fmt.Errorf("predict: --q is only used with --what quantiles")
	}
	if o.levelSet && kind != predict.KindInterval && kind != predict.KindRegion {
		return fmt.Errorf("predict: --level is only used with --what interval and region")
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
	if err := predict.CheckLevel(o.level); err != nil {
		return fmt.Errorf("predict: --%v", err)
	}
	o.qs = q
	return nil
}

// runPredict writes the summary o.what of every row of o.input to o.out or
// ios.Out.
func runPredict(ctx context.Context, o *predictOptions, ios *cli.IOStreams) error {
	if o.what == whatLogPDF {
		return runLogPDF(o, ios)
	}
	kind := predict.Kind(o.what)
	tgt, err := resolveOut(ios, "predict", "--out", o.out, inputOf(ios, "--model", o.model), inputOf(ios, "--input", o.input))
	if err != nil {
		return err
	}
	m, err := model.Load(o.model)
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	sch, err := o.schema(m)
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	rd, closeIn, err := openInput(ios, "--input", o.input, sch)
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	defer closeIn()
	enc := &predict.Encoder{Summarizer: predict.Summarizer{Kind: kind, Full: m.Spec.Noise == arch.Full, Q: o.qs, Level: o.level},
		XNames: m.XNames, YNames: m.YNames, Schema: sch, JSON: o.json, Inputs: o.inputs}
	if err := calibrateSummary(&enc.Summarizer, m, o.model); err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	in := m.Spec.In
	newWorker := func() func(*predict.Chunk) error {
		var sum predict.Summary
		e := *enc
		return func(c *predict.Chunk) error {
			buf := c.Out[:0]
			for i := range c.N {
				// A mode search can take tens of milliseconds a row: stop
				// within a row, not a chunk, after an interrupt.
				if kind == predict.KindModes && ctx.Err() != nil {
					return ctx.Err()
				}
				if err := e.Summarize(&c.Mix[i], &sum); err != nil {
					return fmt.Errorf("%s: line %d: %w", rd.Name(), c.Lines[i], err)
				}
				if err := e.CheckFinite(&sum, m.YNames); err != nil {
					return fmt.Errorf("%s: line %d: %w", rd.Name(), c.Lines[i], err)
				}
				var err error
				e.Given = c.Given(i, e.Given)
				if buf, err = e.Append(buf, c.Row0+i, c.X[i*in:(i+1)*in], &sum); err != nil {
					return err
				}
			}
			c.Out = buf
			return nil
		}
	}
	err = writeStream(ios, tgt, func(w io.Writer) error {
		if !o.json {
			if _, err := w.Write(data.CSVHeader(m.Columns(), enc.Columns())); err != nil {
				return err
			}
		}
		return predict.Stream(ctx, m, rd, workers(), newWorker, w)
	})
	if n := rd.Dropped(); n > 0 && err == nil {
		fmt.Fprintf(ios.ErrOut, "mdn: predict: left out %d input rows with a missing cell (missing: drop)\n", n)
	}
	if errors.Is(err, context.Canceled) {
		return &exitError{code: 130, err: fmt.Errorf("predict: interrupted: %w", err)}
	}
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	return nil
}

// calibrateSummary gives an interval or region summary the model's
// calibration, checking that the model's calibration rows allow --level, and
// refuses the region of several responses of an uncalibrated model.
func calibrateSummary(s *predict.Summarizer, m *model.Model, path string) error {
	if s.Kind != predict.KindInterval && s.Kind != predict.KindRegion {
		return nil
	}
	c := m.Calibration
	if c == nil {
		if s.Kind == predict.KindRegion && m.Spec.Out > 1 {
			return fmt.Errorf("--what region: %s has %d responses and no calibration; calibrate it first (mdn calibrate)", path, m.Spec.Out)
		}
		return nil
	}
	if conformal.Rank(c.Rows, s.Level) > c.Rows {
		return fmt.Errorf("--level %v: %s is calibrated on %d rows, the level needs at least %d", s.Level, path, c.Rows, conformal.MinRows(s.Level))
	}
	s.Calibration = c
	return nil
}
