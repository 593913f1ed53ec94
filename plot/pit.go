package plot

import (
	"fmt"
	"io"
	"math"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// PITOptions configures PIT.
type PITOptions struct {
	// Bins is the number of equal bins on [0, 1]. Default 20; must be in
	// [1, 2000] when set.
	Bins int

	// Width and Height are the figure size. Default 6in × 4in, which is
	// 600 × 400 pixels at DPI.
	Width, Height vg.Length

	// Title is the figure title. Default "PIT histogram".
	Title string

	// XLabel and YLabel label the axes. Default "PIT" and "density".
	XLabel, YLabel string
}

// pitBarColor fills the PIT bars: the middle of viridis, #21918c.
var pitBarColor = Viridis(0.5)

// PIT writes a PNG of the histogram of probability integral transform
// values u_i = F(y_i|x_i), normalised to a density,
//
//	height of bin b = (number of u_i in bin b) / (n · 1/Bins),
//
// with a dashed red line at the uniform density 1: a calibrated model has
// u_i ~ Uniform(0, 1), so the bars scatter around the line; a ∪ shape means
// too narrow predictive distributions, a ∩ shape too wide ones (Gneiting,
// Balabdaoui and Raftery 2007). A value of exactly 1 goes in the last bin.
//
// pit must be non-empty with every value in [0, 1].
func PIT(w io.Writer, pit []float64, opt PITOptions) error {
	if len(pit) == 0 {
		return fmt.Errorf("plot: pit: no values")
	}
	for i, u := range pit {
		if !(u >= 0 && u <= 1) {
			return fmt.Errorf("plot: pit: value[%d] = %v, want in [0, 1]", i, u)
		}
	}
	bins := opt.Bins
	if bins == 0 {
		bins = 20
	}
	if bins < 1 || bins > maxCells {
		return fmt.Errorf("plot: pit: bins must be in [1, %d], got %d", maxCells, opt.Bins)
	}
	width, height, err := figureSize(opt.Width, opt.Height, 6*vg.Inch, 4*vg.Inch)
	if err != nil {
		return fmt.Errorf("plot: pit: %w", err)
	}

	heights := pitDensity(pit, bins)
	top := 1.0
	hb := make([]plotter.HistogramBin, bins)
	for b, h := range heights {
		hb[b] = plotter.HistogramBin{Min: float64(b) / float64(bins), Max: float64(b+1) / float64(bins), Weight: h}
		top = math.Max(top, h)
	}
	hist := &plotter.Histogram{
		Bins:      hb,
		Width:     1 / float64(bins),
		FillColor: pitBarColor,
		LineStyle: draw.LineStyle{Color: lightGrey, Width: vg.Points(0.5)},
	}
	uniform, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 1}, {X: 1, Y: 1}})
	if err != nil {
		return fmt.Errorf("plot: pit: %w", err)
	}
	uniform.LineStyle = draw.LineStyle{Color: colRed, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}

	p := newPlot()
	p.Title.Text = orDefault(opt.Title, "PIT histogram")
	p.X.Label.Text = orDefault(opt.XLabel, "PIT")
	p.Y.Label.Text = orDefault(opt.YLabel, "density")
	p.Add(hist, uniform)
	setRange(p, Range{0, 1}, Range{0, 1.15 * top})
	if err := renderOne(w, p, width, height); err != nil {
		return fmt.Errorf("plot: pit: %w", err)
	}
	return nil
}

// pitDensity returns the histogram of u (all in [0, 1]) over bins equal
// bins of [0, 1], normalised so that Σ_b height_b · (1/bins) = 1.
func pitDensity(u []float64, bins int) []float64 {
	h := make([]float64, bins)
	for _, v := range u {
		b, _ := binIndex(v, Range{0, 1}, bins)
		h[b]++
	}
	scale := float64(bins) / float64(len(u))
	for b := range h {
		h[b] *= scale
	}
	return h
}
