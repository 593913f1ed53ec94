// Package figure draws the figures of a trained model on a data set: the
// numbers come from packages predict and model, the pictures from package
// plot (which knows nothing about models). Each function returns the
// drawing as a function that writes one PNG, so that a caller can check
// everything before it opens the output file.
package figure

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/mixture"
	"github.com/mdn-go/mdn/model"
	"github.com/mdn-go/mdn/plot"
	"github.com/mdn-go/mdn/predict"
)

// GridPoints is the number of x values of the density and quantiles
// figures (and of y values of the density's grid).
const GridPoints = 200

// The original example's figure window: x in [−8, 8], y in [−1, 1].
var ex1dX, ex1dY = plot.Range{Min: -8, Max: 8}, plot.Range{Min: -1, Max: 1}

// sampleRows draws one y per row of d from m (n rows, Out values each).
func sampleRows(m *model.Model, d *data.Dataset, rng *rand.Rand) ([]float64, error) {
	const chunk = 4096
	p := m.Predictor(chunk)
	out := make([]float64, d.N*m.Spec.Out)
	var mix []mixture.Mixture
	for lo := 0; lo < d.N; lo += chunk {
		n := min(chunk, d.N-lo)
		var err error
		if mix, err = p.Predict(d.X[lo*d.XDim:(lo+n)*d.XDim], n, mix); err != nil {
			return nil, err
		}
		for i := range n {
			mix[i].Sample(rng, out[(lo+i)*m.Spec.Out:(lo+i+1)*m.Spec.Out])
		}
	}
	return out, nil
}

// fills reports whether the values v lie in r and span at least half of it,
// as the original example's data do in its window.
func fills(v []float64, r plot.Range) bool {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range v {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	return lo >= r.Min && hi <= r.Max && hi-lo >= (r.Max-r.Min)/2
}

// Default returns the drawing of the original's figure for a 1-D
// covariate and response: observed vs sampled 2-D histograms, 35 bins.
// Ranges come from xr and yr, else the original's window when the data fill
// it (see fills), else the data.
func Default(m *model.Model, d *data.Dataset, seed uint64, xr, yr *plot.Range, bare bool) (func(io.Writer) error, error) {
	if d.XDim != 1 || d.YDim != 1 {
		return nil, fmt.Errorf("the default figure needs one covariate and one response column, the model has %d and %d (use --kind scatter for d > 1)", d.XDim, d.YDim)
	}
	smp, err := sampleRows(m, d, rand.New(rand.NewPCG(seed, 7)))
	if err != nil {
		return nil, err
	}
	if xr == nil && yr == nil && fills(d.X, ex1dX) && fills(d.Y, ex1dY) {
		xr, yr = &ex1dX, &ex1dY
	}
	return func(w io.Writer) error {
		return plot.Hist2DPair(w, d.X, d.Y, d.X, smp, plot.Hist2DOptions{XRange: xr, YRange: yr,
			XLabel: m.XNames[0], YLabel: m.YNames[0], Bare: bare})
	}, nil
}

// Density is the figure of p(y_yi | x) against network input xi (a numeric
// covariate), 600×450: a heat map over a GridPoints×GridPoints grid, the
// component means as red lines, the data as dots; with by (a label
// column) one panel per level. Ranges default to the data's, padded.
func Density(m *model.Model, d *data.Dataset, xi, yi int, by string, xr, yr *plot.Range) (func(io.Writer) error, error) {
	obsX, obsY := column(d.X, d.XDim, xi), column(d.Y, d.YDim, yi)
	if xr == nil {
		r := padded(obsX, 0.02)
		xr = &r
	}
	if yr == nil {
		r := padded(obsY, 0.05)
		yr = &r
	}
	panels, err := PanelsBy(m, d, by)
	if err != nil {
		return nil, fmt.Errorf("--by: %w", err)
	}
	// The columns of the figure: plot.DensityPanels calls density and means
	// at exactly these x values.
	grid := plot.Centres(*xr, GridPoints)
	pp := make([]plot.DensityPanel, len(panels))
	for k, pn := range panels {
		mix, err := GridMixturesAt(m, pn.Ref, xi, grid)
		if err != nil {
			return nil, err
		}
		margs := make([]*mixture.Mixture, len(grid))
		for g := range grid {
			margs[g] = mix[g].Marginal(yi)
		}
		y1 := []float64{0}
		density := func(x, y float64) float64 {
			y1[0] = y
			return math.Exp(margs[slices.Index(grid, x)].LogProb(y1))
		}
		means := func(x float64) (mu, w []float64) {
			mg := margs[slices.Index(grid, x)]
			return mg.Means, mg.Weights(nil)
		}
		pp[k] = plot.DensityPanel{Title: pn.Title, Density: density, Means: means}
		for _, i := range pn.Rows {
			if x, _ := d.Row(i); !m.Schema().Imputed(x, xi) {
				pp[k].ObsX, pp[k].ObsY = append(pp[k].ObsX, obsX[i]), append(pp[k].ObsY, obsY[i])
			}
		}
	}
	title := fmt.Sprintf("p(%s | %s)", m.YNames[yi], m.XNames[xi])
	if by != "" {
		title = fmt.Sprintf("p(%s | %s, %s)", m.YNames[yi], m.XNames[xi], by)
	} else {
		pp[0].Title, title = title, ""
	}
	return func(w io.Writer) error {
		return plot.DensityPanels(w, pp, plot.DensityOptions{XRange: *xr, YRange: *yr,
			NX: GridPoints, NY: GridPoints, XLabel: m.XNames[xi], YLabel: m.YNames[yi], Title: title})
	}, nil
}

// Scatter is the figure of responses a and b, 800×400: the observed pairs
// next to one draw from p(y|x) per row (seeded by seed, stream 7).
func Scatter(m *model.Model, d *data.Dataset, a, b int, seed uint64, xr, yr *plot.Range) (func(io.Writer) error, error) {
	if d.YDim < 2 {
		return nil, fmt.Errorf("--kind scatter needs two or more response columns, the model has %d (use --kind default or density)", d.YDim)
	}
	smp, err := sampleRows(m, d, rand.New(rand.NewPCG(seed, 7)))
	if err != nil {
		return nil, err
	}
	return func(w io.Writer) error {
		return plot.Scatter(w, column(d.Y, d.YDim, a), column(d.Y, d.YDim, b), column(smp, d.YDim, a), column(smp, d.YDim, b),
			plot.ScatterOptions{XRange: xr, YRange: yr, XLabel: m.YNames[a], YLabel: m.YNames[b]})
	}, nil
}

// PIT is the histogram of the PIT values F(y_i|x_i) of response yi's
// marginal, PITBins bins, 600×400; flat when calibrated.
func PIT(m *model.Model, d *data.Dataset, yi int) (func(io.Writer) error, error) {
	met, err := predict.Evaluate(m, d)
	if err != nil {
		return nil, err
	}
	u := met.Responses[yi].PIT
	return func(w io.Writer) error {
		return plot.PIT(w, u, plot.PITOptions{Bins: predict.PITBins, Title: "PIT histogram of " + m.YNames[yi]})
	}, nil
}

// Quantiles is the figure of response yi against network input xi,
// 720×450 (the legend on the right): the data, the median, the central intervals of
// BandLevels and the modes of mass ≥ MinModeMass over
// GridPoints values of x.
func Quantiles(m *model.Model, d *data.Dataset, xi, yi int, xr, yr *plot.Range) (func(io.Writer) error, error) {
	obsX, obsY := column(d.X, d.XDim, xi), column(d.Y, d.YDim, yi)
	r := padded(obsX, 0.02)
	if xr != nil {
		r = *xr
	}
	grid := data.Linspace(r.Min, r.Max, GridPoints)
	mix, err := GridMixtures(m, d, xi, grid)
	if err != nil {
		return nil, err
	}
	b, err := NewBand(mix, grid, yi, BandLevels, MinModeMass)
	if err != nil {
		return nil, err
	}
	return func(w io.Writer) error {
		return plot.Quantiles(w, obsX, obsY, b.X, b.Lower, b.Upper, b.Median, b.Levels, b.ModesX, b.ModesY,
			plot.QuantilesOptions{XRange: xr, YRange: yr, XLabel: m.XNames[xi], YLabel: m.YNames[yi]})
	}, nil
}

// column returns column j of the row-major (n, stride) values v.
func column(v []float64, stride, j int) []float64 {
	out := make([]float64, 0, len(v)/stride)
	for i := j; i < len(v); i += stride {
		out = append(out, v[i])
	}
	return out
}

// padded returns the range of v widened by frac of its span on each side
// (±0.5 when all values are equal).
func padded(v []float64, frac float64) plot.Range {
	lo, hi := slices.Min(v), slices.Max(v)
	pad := frac * (hi - lo)
	if pad == 0 {
		pad = 0.5
	}
	return plot.Range{Min: lo - pad, Max: hi + pad}
}
