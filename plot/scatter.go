package plot

import (
	"fmt"
	"image/color"
	"io"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// ScatterOptions configures Scatter.
type ScatterOptions struct {
	// Overlay draws observed and sampled points in one panel in two
	// colours with a legend. Default false: two panels side by side.
	Overlay bool

	// XRange and YRange fix the axes in data units. Nil means the range of
	// all points, padded by 2% of its span on each side. Points outside are
	// left out.
	XRange, YRange *Range

	// Width and Height are the figure size. Default 8in × 4in for two
	// panels and 6in × 4.5in overlaid (800 × 400 and 600 × 450 pixels).
	Width, Height vg.Length

	// Titles are the panel titles; with Overlay, Titles[0] is the figure
	// title and Titles[1] is unused. Default "Observed data" and "Sampled
	// data" for two panels, none for the overlay.
	Titles [2]string

	// XLabel and YLabel label the axes. Default "y1" and "y2".
	XLabel, YLabel string

	// ObsLabel and SmpLabel name the two point sets in the overlay's
	// legend. Default "observed" and "sampled".
	ObsLabel, SmpLabel string
}

// Scatter writes a PNG of observed points (obsA[i], obsB[i]) and sampled
// points (smpA[i], smpB[i]) of two response columns a and b, for responses
// of dimension d > 1: either two panels with shared axes (observed in blue,
// sampled in orange) or, with Overlay, one panel with both sets
// semi-transparent.
//
// The pairs must have matching lengths, at least one point each and finite
// values.
func Scatter(w io.Writer, obsA, obsB, smpA, smpB []float64, opt ScatterOptions) error {
	if err := checkPoints("observed", obsA, obsB, true); err != nil {
		return fmt.Errorf("plot: scatter: %w", err)
	}
	if err := checkPoints("sampled", smpA, smpB, true); err != nil {
		return fmt.Errorf("plot: scatter: %w", err)
	}
	xr, err := resolveRange("x range", opt.XRange, obsA, smpA)
	if err != nil {
		return fmt.Errorf("plot: scatter: %w", err)
	}
	yr, err := resolveRange("y range", opt.YRange, obsB, smpB)
	if err != nil {
		return fmt.Errorf("plot: scatter: %w", err)
	}
	defW, defH := 8*vg.Inch, 4*vg.Inch
	if opt.Overlay {
		defW, defH = 6*vg.Inch, 4.5*vg.Inch
	}
	width, height, err := figureSize(opt.Width, opt.Height, defW, defH)
	if err != nil {
		return fmt.Errorf("plot: scatter: %w", err)
	}
	newPanel := func(title string) *plot.Plot {
		p := newPlot()
		p.Title.Text = title
		p.X.Label.Text = orDefault(opt.XLabel, "y1")
		p.Y.Label.Text = orDefault(opt.YLabel, "y2")
		lightAxes(p)
		return p
	}
	r := vg.Points(1.2)
	if opt.Overlay {
		p := newPanel(opt.Titles[0])
		obs := &dots{xs: obsA, ys: obsB, radius: r, fill: withAlpha(colBlue, 0.6)}
		smp := &dots{xs: smpA, ys: smpB, radius: r, fill: withAlpha(colOrange, 0.6)}
		p.Add(obs, smp)
		p.Legend.Add(orDefault(opt.ObsLabel, "observed"), obs)
		p.Legend.Add(orDefault(opt.SmpLabel, "sampled"), smp)
		p.Legend.Top = true
		setRange(p, xr, yr)
		if err := renderOne(w, p, width, height); err != nil {
			return fmt.Errorf("plot: scatter: %w", err)
		}
		return nil
	}
	left := newPanel(orDefault(opt.Titles[0], "Observed data"))
	left.Add(&dots{xs: obsA, ys: obsB, radius: r, fill: colBlue})
	right := newPanel(orDefault(opt.Titles[1], "Sampled data"))
	right.Add(&dots{xs: smpA, ys: smpB, radius: r, fill: colOrange})
	setRange(left, xr, yr)
	setRange(right, xr, yr)
	if err := renderRow(w, []*plot.Plot{left, right}, width, height, 0.02, 0.02, 0.02, 0.03, 0.12); err != nil {
		return fmt.Errorf("plot: scatter: %w", err)
	}
	return nil
}

// withAlpha returns c with opacity a in [0, 1].
func withAlpha(c color.RGBA, a float64) color.NRGBA {
	return color.NRGBA{R: c.R, G: c.G, B: c.B, A: unit8(a)}
}
