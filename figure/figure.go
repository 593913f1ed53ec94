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
// component means as red lines, the data as dots, with the other inputs at
// the reference row of d (numbers at their mean, labels at their most
// frequent level). With by (a label column) it draws one panel per level,
// each the partial dependence of the density on x over the panel's rows:
//
//	p̄(y | x, level) = (1/n) Σ_i p(y | x_i with input xi set to x),
//
// the rows i of that level (at most PDRows of them, evenly spaced), which
// keep their own other covariates; the red line is the average of their
// means, (1/n) Σ_i E[y | x_i with xi set to x]. The figure's title says so.
// A level without rows falls back to the reference row. Ranges default to
// the data's, padded.
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
	grid, ys := plot.Centres(*xr, GridPoints), plot.Centres(*yr, GridPoints)
	pp := make([]plot.DensityPanel, len(panels))
	for k, pn := range panels {
		refs := [][]float64{pn.Ref}
		if by != "" && len(pn.Rows) > 0 {
			refs = refs[:0]
			for _, i := range PDSample(pn.Rows) {
				x, _ := d.Row(i)
				refs = append(refs, x)
			}
		}
		// margs[r][g] is the marginal of response yi at row r with input xi
		// at grid[g].
		margs := make([][]*mixture.Mixture, len(refs))
		for r, ref := range refs {
			mix, err := GridMixturesAt(m, ref, xi, grid)
			if err != nil {
				return nil, err
			}
			margs[r] = make([]*mixture.Mixture, len(grid))
			for g := range grid {
				margs[r][g] = mix[g].Marginal(yi)
			}
		}
		// The heat map, p̄(ys[j] | grid[g]) at vals[g*GridPoints+j].
		vals := make([]float64, len(grid)*GridPoints)
		for g := range grid {
			for _, mg := range margs {
				for k, lw := range mg[g].LogWeights {
					addNormal(vals[g*GridPoints:(g+1)*GridPoints], ys[0], ys[1]-ys[0],
						mg[g].Means[k], mg[g].Chol[k], math.Exp(lw)/float64(len(margs)))
				}
			}
		}
		density := func(x, y float64) float64 {
			return vals[slices.Index(grid, x)*GridPoints+slices.Index(ys, y)]
		}
		means := func(x float64) (mu, w []float64) {
			mg := margs[0][slices.Index(grid, x)]
			return mg.Means, mg.Weights(nil)
		}
		if len(refs) > 1 || by != "" {
			means = func(x float64) (mu, w []float64) {
				g := slices.Index(grid, x)
				var mean float64
				for _, mg := range margs {
					mean += mg[g].Mean(nil)[0]
				}
				return []float64{mean / float64(len(margs))}, []float64{1}
			}
		}
		title := pn.Title
		if by != "" && len(pn.Rows) == 0 {
			title += " (no rows: reference row)"
		}
		pp[k] = plot.DensityPanel{Title: title, Density: density, Means: means}
		for _, i := range pn.Rows {
			if x, _ := d.Row(i); !m.Schema().Imputed(x, xi) {
				pp[k].ObsX, pp[k].ObsY = append(pp[k].ObsX, obsX[i]), append(pp[k].ObsY, obsY[i])
			}
		}
	}
	title := fmt.Sprintf("p(%s | %s)", m.YNames[yi], m.XNames[xi])
	if by != "" {
		title = fmt.Sprintf("p(%s | %s, %s) averaged over each panel's rows (partial dependence), red: their mean\n"+
			"(the rows keep their other covariates; %s set along the axis)", m.YNames[yi], m.XNames[xi], by, m.XNames[xi])
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

// normalTail is how many σ from its mean addNormal draws a Gaussian:
// φ(12) ≈ 2e-32, far below a colour step of any heat map.
const normalTail = 12

// addNormal adds scale·N(y_j; mu, sigma²) to dst[j] at y_j = y0 + j·dy for
// the j with |y_j − mu| ≤ normalTail·sigma, with three exps per call rather
// than one per cell, by the recurrence of a Gaussian on a uniform grid
// (z_j = (y_j − mu)/sigma, h = dy/sigma):
//
//	φ(z_{j+1}) = φ(z_j)·r_j,  r_j = exp(−(z_j h + h²/2)),  r_{j+1} = r_j·exp(−h²),
//
// and its mirror image towards j − 1, from the cell nearest the mean. Each
// step costs two products; after n steps the relative error is about
// n·(1 + |z h|) ulps (the exps of large arguments round relative to them).
func addNormal(dst []float64, y0, dy, mu, sigma, scale float64) {
	n := len(dst)
	lo := max(0, int(math.Ceil((mu-normalTail*sigma-y0)/dy)))
	hi := min(n-1, int(math.Floor((mu+normalTail*sigma-y0)/dy)))
	if lo > hi {
		return
	}
	j0 := min(hi, max(lo, int(math.Round((mu-y0)/dy))))
	h := dy / sigma
	q := math.Exp(-h * h)
	z0 := (y0 + float64(j0)*dy - mu) / sigma
	c := scale / (sigma * math.Sqrt(2*math.Pi))
	e0 := c * math.Exp(-z0*z0/2)
	e, r := e0, math.Exp(-(z0*h + h*h/2))
	for j := j0; j <= hi; j++ {
		dst[j] += e
		e *= r
		r *= q
	}
	e, r = e0, math.Exp(z0*h-h*h/2) // φ(z_{j−1}) = φ(z_j)·exp(z_j h − h²/2)
	for j := j0 - 1; j >= lo; j-- {
		e *= r
		r *= q
		dst[j] += e
	}
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

// Region is the figure of the region of level of a one-response model
// against network input xi, 600×450 (720×450 with the legend): at each of
// GridPoints values of x (the other inputs as in Quantiles) the region
// {y : log p(y|x) ≥ t} as disjoint intervals (predict.KindRegion: for a
// calibrated model the calibrated threshold, else the model's own
// highest-density region of mass level), the central interval of level
// (calibrated when the model is) as dashed lines, and the data.
func Region(m *model.Model, d *data.Dataset, xi int, level float64, xr, yr *plot.Range) (func(io.Writer) error, error) {
	if m.Spec.Out != 1 {
		return nil, fmt.Errorf("region: the model has %d responses; the region figure draws a model of one", m.Spec.Out)
	}
	obsX, obsY := column(d.X, d.XDim, xi), column(d.Y, d.YDim, 0)
	r := padded(obsX, 0.02)
	if xr != nil {
		r = *xr
	}
	grid := data.Linspace(r.Min, r.Max, GridPoints)
	mix, err := GridMixtures(m, d, xi, grid)
	if err != nil {
		return nil, err
	}
	reg := predict.Summarizer{Kind: predict.KindRegion, Level: level, Calibration: m.Calibration}
	ivl := predict.Summarizer{Kind: predict.KindInterval, Level: level, Calibration: m.Calibration}
	for _, s := range []*predict.Summarizer{&reg, &ivl} {
		if err := s.Validate(); err != nil {
			return nil, err
		}
	}
	region := make([][][2]float64, len(grid))
	lower, upper := make([]float64, len(grid)), make([]float64, len(grid))
	var sum predict.Summary
	for g := range grid {
		if err := reg.Summarize(&mix[g], &sum); err != nil {
			return nil, err
		}
		region[g] = append([][2]float64(nil), sum.Region...)
		if err := ivl.Summarize(&mix[g], &sum); err != nil {
			return nil, err
		}
		lower[g], upper[g] = sum.Lower[0], sum.Upper[0]
	}
	what := "model's own"
	if m.Calibration != nil {
		what = fmt.Sprintf("calibrated (%d rows)", m.Calibration.Rows)
	}
	opt := plot.RegionOptions{XRange: xr, YRange: yr, XLabel: m.XNames[xi], YLabel: m.YNames[0],
		Title:         fmt.Sprintf("%g%% regions, %s", 100*level, what),
		RegionLabel:   "highest-density region",
		IntervalLabel: "central interval"}
	return func(w io.Writer) error {
		return plot.Region(w, obsX, obsY, grid, region, lower, upper, opt)
	}, nil
}
