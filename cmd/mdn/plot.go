package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mdn-go/mdn/encode"
	"github.com/mdn-go/mdn/figure"
	"github.com/mdn-go/mdn/internal/cli"
	"github.com/mdn-go/mdn/internal/output"
	"github.com/mdn-go/mdn/model"
	"github.com/mdn-go/mdn/plot"
	"github.com/spf13/cobra"
)

// plotKinds are the values of plot --kind.
var plotKinds = []string{"default", "density", "history", "scatter", "pit", "quantiles", "region"}

// plotFlags are the optional flags each kind uses; giving another is an
// error. Every kind but history reads --data with the model, so takes
// --unknown-level and --missing.
var plotFlags = map[string][]string{
	"default":   {"data", "seed", "xrange", "yrange", "bare", "unknown-level", "missing"},
	"density":   {"data", "x", "y", "by", "xrange", "yrange", "unknown-level", "missing"},
	"history":   {"history"},
	"scatter":   {"data", "seed", "y", "xrange", "yrange", "unknown-level", "missing"},
	"pit":       {"data", "y", "unknown-level", "missing"},
	"quantiles": {"data", "x", "y", "xrange", "yrange", "unknown-level", "missing"},
	"region":    {"data", "x", "xrange", "yrange", "level", "unknown-level", "missing"},
}

// plotOptions are mdn plot's flags.
type plotOptions struct {
	model, data, out string
	kind             string
	seed             uint64
	history          string
	x, y, by         string
	bare             bool
	xrange, yrange   string
	xr, yr           *plot.Range // --xrange and --yrange parsed by check; nil when not given
	ys               []string    // scatter's --y a,b split by check; nil when not given
	level            float64
	changed          func(name string) bool // whether a flag was given
	schemaFlags
}

// newPlotCmd is mdn plot; runF, when not nil, gets the checked options
// instead of runPlot.
func newPlotCmd(ios *cli.IOStreams, runF func(*plotOptions) error) *cobra.Command {
	o := &plotOptions{}
	c := &cobra.Command{
		Use:   "plot --model FILE --data CSV --out PNG",
		Short: "Draw a figure of the model and data as a PNG",
		Long: `Draw one figure as a PNG (100 dpi). --kind:

  default    (800×300) the original example's figure: 2-D histograms of the
             observed (x, y) and of one y drawn from p(y|x) per row, side by
             side, 35×35 bins. One covariate and one response only.
  density    (600×450) p(y|x) as a heat map over a 200×200 grid, with the
             data as dots and the component means μ_k(x) as red lines whose
             opacity is the weight π_k(x).
  history    (600×400) training loss and validation NLL against step, from
             --history (default: history.csv next to the model file); needs
             neither --model nor --data when --history is given.
  scatter    (800×400) two response columns (--y a,b; default the first two),
             observed next to one draw from p(y|x) per row. Needs ≥ 2 responses.
  pit        (600×400) histogram (10 bins) of the PIT values F(y_i|x_i) of
             one response's marginal; flat when calibrated.
  quantiles  (720×450) the data, the predicted median, the central 50% and
             90% intervals and the modes of p(y|x) (those of mass ≥ 0.01)
             over 200 values of x.
  region     (720×450) for a model of one response, the region of --level
             (default 0.9) over 200 values of x: the highest-density region
             {y : log p(y|x) ≥ t} as a band that splits where p(y|x) is
             multimodal, and the central interval as dashed lines; both
             calibrated for a model calibrated by mdn calibrate (the
             model's own otherwise), with the data.

density, quantiles and region draw against the covariate --x (default the first) and
the response --y (default the first; its marginal for several responses); the
other covariates are held at their mean over --data, labels at their most
frequent level; --x must be numeric. density --by LABEL draws one panel per
level of that categorical covariate (at most 24) on one colour scale, each with
its rows as dots and the density averaged over them (partial dependence: each
row keeps its other covariates, --x set along the axis; at most 100 rows,
evenly spaced), the red line the average of their means. The default figure has axes with ticks and labels; --bare
draws the original's figure without them. --xrange and --yrange
("min,max") fix the axes; by default they come from the data (the default
figure uses the original's window [−8, 8]×[−1, 1] when the data fill it).
For scatter they are the ranges of the two responses. Random draws (default,
scatter) are seeded by --seed. A flag that the kind does not use is an error.`,
		Example: `  mdn plot --model out/model.json --data testdata/ex1d_train.csv --out fit.png
  mdn plot --model out/model.json --data testdata/ex1d_train.csv --kind density --out density.png
  mdn plot --model out/model.json --kind history --out history.png
  mdn plot --model out/model.json --data testdata/ex1d_test.csv --kind quantiles --xrange -10,10 --out q.png`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			o.changed = c.Flags().Changed
			if err := o.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return runPlot(c.Context(), o, ios)
		},
	}
	f := c.Flags()
	f.StringVar(&o.model, "model", "", "model file written by mdn train")
	f.StringVar(&o.data, "data", "", "CSV with the model's covariate and response columns")
	f.StringVar(&o.out, "out", "", "output PNG file (required)")
	f.StringVar(&o.kind, "kind", "default", "figure: "+strings.Join(plotKinds, ", "))
	f.Uint64Var(&o.seed, "seed", 0, "random seed of the draws (default, scatter)")
	f.StringVar(&o.history, "history", "", "history CSV for --kind history (default: history.csv next to --model)")
	f.StringVar(&o.x, "x", "", "covariate column on the horizontal axis (density, quantiles; default the first)")
	f.StringVar(&o.y, "y", "", "response column (density, pit, quantiles) or two, a,b (scatter); default the first (two)")
	f.StringVar(&o.by, "by", "", "density: one panel per level of this categorical covariate")
	f.BoolVar(&o.bare, "bare", false, "default: no axes, ticks or labels (the original's look)")
	o.schemaFlags.add(c)
	f.StringVar(&o.xrange, "xrange", "", "horizontal axis range min,max")
	f.StringVar(&o.yrange, "yrange", "", "vertical axis range min,max")
	f.Float64Var(&o.level, "level", 0.9, "region: level in (0, 1) of the region and interval")
	return c
}

// check checks the flags by themselves, before anything is read or
// written (the output path included): --out and a known --kind, no flag
// the kind does not use, --xrange, --yrange (parsed), scatter's --y (two
// names), region's --level, --unknown-level and --missing, and the inputs
// the kind needs.
func (o *plotOptions) check() error {
	if err := required("plot", "--out", o.out); err != nil {
		return err
	}
	if !slices.Contains(plotKinds, o.kind) {
		return fmt.Errorf("plot: --kind must be one of %s, got %q", strings.Join(plotKinds, ", "), o.kind)
	}
	changed := o.changed
	if changed == nil {
		changed = func(string) bool { return false }
	}
	for _, fl := range []string{"data", "seed", "history", "x", "y", "by", "bare", "xrange", "yrange", "level", "unknown-level", "missing"} {
		if changed(fl) && !slices.Contains(plotFlags[o.kind], fl) {
			return fmt.Errorf("plot: --%s is not used with --kind %s", fl, o.kind)
		}
	}
	if err := o.schemaFlags.check("plot"); err != nil {
		return err
	}
	var err error
	if o.xr, err = parseRange("--xrange", o.xrange); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	if o.yr, err = parseRange("--yrange", o.yrange); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	switch o.kind {
	case "history":
		if o.history == "" && o.model == "" {
			return fmt.Errorf("plot: --kind history needs --history or --model (to find %s next to it)", historyFile)
		}
		return nil
	case "scatter":
		if o.y != "" {
			if o.ys = strings.Split(o.y, ","); len(o.ys) != 2 {
				return fmt.Errorf("plot: --y: want two response columns a,b for --kind scatter, got %q", o.y)
			}
		}
	case "region":
		if !(o.level > 0 && o.level < 1) {
			return fmt.Errorf("plot: --level must be in (0, 1), got %v", o.level)
		}
	}
	if o.model == "" || o.data == "" {
		return fmt.Errorf("plot: --kind %s needs --model and --data", o.kind)
	}
	return nil
}

// runPlot draws the figure o.kind to o.out ("-": ios.Out).
func runPlot(_ context.Context, o *plotOptions, ios *cli.IOStreams) error {
	tgt, err := resolveOut(ios, "plot", "--out", o.out, inputOf(ios, "--model", o.model),
		inputOf(ios, "--data", o.data), inputOf(ios, "--history", o.history))
	if err != nil {
		return err
	}
	if o.kind == "history" {
		return plotHistory(o, ios, tgt)
	}
	m, err := model.Load(o.model)
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	sch, err := o.schema(m)
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	d, _, err := encode.Read(o.data, sch, m.YNames)
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	var draw func(io.Writer) error
	xi, yi, a, b := 0, 0, 0, 1
	switch o.kind {
	case "density", "quantiles", "region":
		xi, yi, err = axes(o, m)
	case "pit":
		if o.y != "" {
			yi, err = columnIndex("--y", o.y, m.YNames, "response")
		}
	case "scatter":
		a, b, err = scatterAxes(o, m)
	}
	if err == nil {
		switch o.kind {
		case "default":
			draw, err = figure.Default(m, d, o.seed, o.xr, o.yr, o.bare)
		case "density":
			draw, err = figure.Density(m, d, xi, yi, o.by, o.xr, o.yr)
		case "scatter":
			draw, err = figure.Scatter(m, d, a, b, o.seed, o.xr, o.yr)
		case "pit":
			draw, err = figure.PIT(m, d, yi)
		case "quantiles":
			draw, err = figure.Quantiles(m, d, xi, yi, o.xr, o.yr)
		case "region":
			draw, err = figure.Region(m, d, xi, o.level, o.xr, o.yr)
		}
	}
	if err == nil {
		err = writeStream(ios, tgt, draw)
	}
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return nil
}

// parseRange parses "min,max" (nil for "").
func parseRange(flag, s string) (*plot.Range, error) {
	if s == "" {
		return nil, nil
	}
	v, err := parseFloats(flag, s)
	if err != nil {
		return nil, err
	}
	if len(v) != 2 || !(v[0] < v[1]) {
		return nil, fmt.Errorf("%s: want min,max with min < max, got %q", flag, s)
	}
	if math.IsInf(v[1]-v[0], 0) {
		return nil, fmt.Errorf("%s: max − min overflows float64 (at most about 1.8e308), got %q", flag, s)
	}
	return &plot.Range{Min: v[0], Max: v[1]}, nil
}

// axes resolves --x and --y for density and quantiles to a numeric
// covariate's network input and a response index.
func axes(o *plotOptions, m *model.Model) (xi, yi int, err error) {
	sch := m.Schema()
	xi = -1
	for c, col := range sch.Columns {
		if (o.x == "" || col.Name == o.x) && col.Kind == encode.Number {
			xi = sch.Offset(c)
			break
		}
	}
	switch {
	case o.x != "" && xi < 0 && sch.Column(o.x) >= 0:
		return 0, 0, fmt.Errorf("--x: %q is a label column; choose a numeric covariate (and --by %s for a panel per level)", o.x, o.x)
	case o.x != "" && xi < 0:
		_, err := columnIndex("--x", o.x, m.Columns(), "covariate")
		return 0, 0, err
	case xi < 0:
		return 0, 0, fmt.Errorf("the model has no numeric covariate to draw against")
	}
	if o.y != "" {
		if yi, err = columnIndex("--y", o.y, m.YNames, "response"); err != nil {
			return 0, 0, err
		}
	}
	return xi, yi, nil
}

// scatterAxes resolves --y a,b of --kind scatter (o.ys, split by check;
// default the first two responses).
func scatterAxes(o *plotOptions, m *model.Model) (a, b int, err error) {
	if o.ys == nil {
		return 0, 1, nil
	}
	if a, err = columnIndex("--y", strings.TrimSpace(o.ys[0]), m.YNames, "response"); err != nil {
		return 0, 0, err
	}
	b, err = columnIndex("--y", strings.TrimSpace(o.ys[1]), m.YNames, "response")
	return a, b, err
}

// plotHistory draws the history CSV written by mdn train to tgt (nil:
// ios.Out).
func plotHistory(o *plotOptions, ios *cli.IOStreams, tgt *output.Target) error {
	path := o.history
	if path == "" { // check made sure of --model
		path = filepath.Join(filepath.Dir(o.model), historyFile)
	}
	step, tr, val, err := readHistory(path)
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	if err := writeStream(ios, tgt, func(w io.Writer) error {
		return plot.History(w, step, tr, val, plot.HistoryOptions{Title: "training history"})
	}); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return nil
}
