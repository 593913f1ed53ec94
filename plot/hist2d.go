package plot

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// Hist2DOptions configures Hist2DPair. The zero value gives 35 × 35 bins,
// ranges from the data, 800 × 300 pixels and axes with ticks labelled "x"
// and "y"; Bare gives the reference figure's look, without axes.
type Hist2DOptions struct {
	// Bins is the number of bins along each axis. Default 35; must be in
	// [1, 2000] when set, and a negative value is an error.
	Bins int

	// XRange and YRange fix the histogram extent in data units. Nil means
	// the range of the observed and sampled data together, padded by 2% of
	// its span on each side; both panels always share the same ranges.
	// Points outside a given range are not counted.
	XRange, YRange *Range

	// Width and Height are the figure size. Default 8in × 3in, which is
	// 800 × 300 pixels at DPI.
	Width, Height vg.Length

	// Titles are the panel titles. Default "Observed data" and
	// "Sampled data".
	Titles [2]string

	// XLabel and YLabel label the axes of both panels. Default "x" and "y".
	XLabel, YLabel string

	// Bare draws no axes, ticks or labels at all, like the reference
	// figure of the original MDN example.
	Bare bool
}

// Hist2DPair writes a PNG with the 2-D histograms of the observed points
// (obsX[i], obsY[i]) and the sampled points (smpX[i], smpY[i]) side by
// side, x horizontal and y vertical, as in the figure of the original MDN
// example. Each panel counts points in Bins × Bins equal cells and colours
// a cell holding n points by
//
//	Viridis(n / max_cells n),
//
// so an empty cell is the dark purple Viridis(0) and the fullest cell of
// each panel is yellow; each panel is normalised by its own maximum, as
// matplotlib's hist2d does. A point on the upper edge of a range is
// counted in the last cell.
//
// The pairs must have matching lengths, at least one point each and finite
// values.
func Hist2DPair(w io.Writer, obsX, obsY, smpX, smpY []float64, opt Hist2DOptions) error {
	if err := checkPoints("observed", obsX, obsY, true); err != nil {
		return fmt.Errorf("plot: hist2d: %w", err)
	}
	if err := checkPoints("sampled", smpX, smpY, true); err != nil {
		return fmt.Errorf("plot: hist2d: %w", err)
	}
	bins := opt.Bins
	if bins == 0 {
		bins = 35
	}
	if bins < 1 || bins > maxCells {
		return fmt.Errorf("plot: hist2d: bins must be in [1, %d], got %d", maxCells, opt.Bins)
	}
	xr, err := resolveRange("x range", opt.XRange, obsX, smpX)
	if err != nil {
		return fmt.Errorf("plot: hist2d: %w", err)
	}
	yr, err := resolveRange("y range", opt.YRange, obsY, smpY)
	if err != nil {
		return fmt.Errorf("plot: hist2d: %w", err)
	}
	width, height, err := figureSize(opt.Width, opt.Height, 8*vg.Inch, 3*vg.Inch)
	if err != nil {
		return fmt.Errorf("plot: hist2d: %w", err)
	}
	titles := [2]string{orDefault(opt.Titles[0], "Observed data"), orDefault(opt.Titles[1], "Sampled data")}
	withAxes := !opt.Bare

	data := [2][2][]float64{{obsX, obsY}, {smpX, smpY}}
	plots := make([]*plot.Plot, 2)
	for k := range plots {
		counts := histogram2D(data[k][0], data[k][1], xr, yr, bins)
		p := newPlot()
		p.Title.Text = titles[k]
		p.Add(&cells{x: xr, y: yr, nx: bins, ny: bins, colors: countColors(counts)})
		setRange(p, xr, yr)
		if withAxes {
			lightAxes(p)
			p.X.Label.Text = orDefault(opt.XLabel, "x")
			p.Y.Label.Text = orDefault(opt.YLabel, "y")
		} else {
			hideAxes(p)
		}
		plots[k] = p
	}
	// Margins of matplotlib's default subplots(1, 2), which drew the
	// reference figure; with axes the panels get their own room for ticks.
	left, right, bottom := 0.125, 0.1, 0.11
	if withAxes {
		left, right, bottom = 0.04, 0.02, 0.02
	}
	if err := renderRow(w, plots, width, height, left, right, bottom, 0.03, 0.2); err != nil {
		return fmt.Errorf("plot: hist2d: %w", err)
	}
	return nil
}

// histogram2D counts the points (xs[i], ys[i]) in a bins × bins grid over
// xr × yr. The result has length bins*bins, index i*bins + j for the i-th
// cell along x and the j-th along y. Points outside the ranges are dropped;
// a point on the upper edge goes to the last cell.
func histogram2D(xs, ys []float64, xr, yr Range, bins int) []float64 {
	counts := make([]float64, bins*bins)
	for n := range xs {
		i, ok := binIndex(xs[n], xr, bins)
		if !ok {
			continue
		}
		j, ok := binIndex(ys[n], yr, bins)
		if !ok {
			continue
		}
		counts[i*bins+j]++
	}
	return counts
}

// binIndex returns the index of the bin of v among bins equal bins over r,
//
//	i = ⌊(v − r.Min) / (r.Max − r.Min) · bins⌋,
//
// with v = r.Max put in the last bin; ok is false outside r.
func binIndex(v float64, r Range, bins int) (i int, ok bool) {
	if !r.contains(v) {
		return 0, false
	}
	i = int(math.Floor((v - r.Min) / r.width() * float64(bins)))
	return min(max(i, 0), bins-1), true
}

// countColors maps counts linearly onto viridis, 0 to Viridis(0) and the
// largest count to Viridis(1). All-zero counts are all Viridis(0).
func countColors(counts []float64) []color.RGBA {
	top := 0.0
	for _, c := range counts {
		top = math.Max(top, c)
	}
	cols := make([]color.RGBA, len(counts))
	for i, c := range counts {
		t := 0.0
		if top > 0 {
			t = c / top
		}
		cols[i] = Viridis(t)
	}
	return cols
}
