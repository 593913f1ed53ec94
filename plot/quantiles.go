package plot

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// QuantilesOptions configures Quantiles.
type QuantilesOptions struct {
	// XRange and YRange fix the axes in data units. Nil means the range of
	// everything drawn, padded by 2% of its span on each side.
	XRange, YRange *Range

	// Width and Height are the figure size, legend included (right of the
	// data area). Default 7.2in × 4.5in, which is 720 × 450 pixels at DPI.
	Width, Height vg.Length

	// Title is the figure title. Default none.
	Title string

	// XLabel and YLabel label the axes. Default "x" and "y".
	XLabel, YLabel string
}

// Colours of Quantiles, from ColorBrewer's sequential "Blues" scheme
// (Brewer, colorbrewer2.org): the widest band is the lightest.
var (
	bandWide   = color.RGBA{R: 0xc6, G: 0xdb, B: 0xef, A: 255}
	bandNarrow = color.RGBA{R: 0x6b, G: 0xae, B: 0xd6, A: 255}
	medianCol  = color.RGBA{R: 0x08, G: 0x51, B: 0x9c, A: 255}
)

// Quantiles writes a PNG of the predictive distribution of y over a grid of
// x values: for each central-interval level levels[l] (for example 0.5 and
// 0.9) a filled band between lower[l][g] and upper[l][g] at x = grid[g],
// the predicted median median[g] as a line, the observed points
// (obsX[i], obsY[i]) as small grey dots and the modes (modesX[i],
// modesY[i]) as red dots. Wider levels are drawn first and lighter, so the
// narrower bands sit on top of them.
//
// Shapes: grid (G), lower and upper (L, G), levels (L), median (G) or
// empty. Any of the bands, the median, the observed points and the modes
// may be empty, but not all of them. Levels must be in (0, 1), values
// finite and lower[l][g] ≤ upper[l][g].
func Quantiles(w io.Writer, obsX, obsY []float64, grid []float64, lower, upper [][]float64, median []float64, levels []float64, modesX, modesY []float64, opt QuantilesOptions) error {
	if err := checkQuantiles(obsX, obsY, grid, lower, upper, median, levels, modesX, modesY); err != nil {
		return fmt.Errorf("plot: quantiles: %w", err)
	}
	ys := append([][]float64{obsY, median, modesY}, lower...)
	ys = append(ys, upper...)
	xr, err := resolveRange("x range", opt.XRange, obsX, grid, modesX)
	if err != nil {
		return fmt.Errorf("plot: quantiles: %w", err)
	}
	yr, err := resolveRange("y range", opt.YRange, ys...)
	if err != nil {
		return fmt.Errorf("plot: quantiles: %w", err)
	}
	width, height, err := figureSize(opt.Width, opt.Height, 7.2*vg.Inch, 4.5*vg.Inch)
	if err != nil {
		return fmt.Errorf("plot: quantiles: %w", err)
	}

	p := newPlot()
	p.Title.Text = opt.Title
	p.X.Label.Text = orDefault(opt.XLabel, "x")
	p.Y.Label.Text = orDefault(opt.YLabel, "y")
	// The legend goes right of the data area, never over the bands.
	leg := stripLegend(p)

	// Bands from the widest level to the narrowest.
	order := make([]int, len(levels))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return levels[order[a]] > levels[order[b]] })
	for rank, l := range order {
		ring := make(plotter.XYs, 0, 2*len(grid))
		for g := range grid {
			ring = append(ring, plotter.XY{X: grid[g], Y: lower[l][g]})
		}
		for g := len(grid) - 1; g >= 0; g-- {
			ring = append(ring, plotter.XY{X: grid[g], Y: upper[l][g]})
		}
		poly, err := plotter.NewPolygon(ring)
		if err != nil {
			return fmt.Errorf("plot: quantiles: band %v: %w", levels[l], err)
		}
		poly.Color = bandColor(rank, len(order))
		poly.LineStyle.Width = 0
		p.Add(poly)
		leg.Add(fmt.Sprintf("%g%% interval", 100*levels[l]), poly)
	}
	if len(obsX) > 0 {
		obs := &dots{xs: obsX, ys: obsY, radius: vg.Points(1), fill: withAlpha(colGrey, 0.6)}
		p.Add(obs)
		leg.Add("data", obs)
	}
	if len(median) > 0 {
		xy := make(plotter.XYs, len(grid))
		for g := range grid {
			xy[g] = plotter.XY{X: grid[g], Y: median[g]}
		}
		line, err := plotter.NewLine(xy)
		if err != nil {
			return fmt.Errorf("plot: quantiles: median: %w", err)
		}
		line.LineStyle = draw.LineStyle{Color: medianCol, Width: vg.Points(1.5)}
		p.Add(line)
		leg.Add("median", line)
	}
	if len(modesX) > 0 {
		modes := &dots{xs: modesX, ys: modesY, radius: vg.Points(1.5), fill: colRed}
		p.Add(modes)
		leg.Add("modes", modes)
	}
	setRange(p, xr, yr)
	if err := drawWithLegend(w, p, leg, width, height); err != nil {
		return fmt.Errorf("plot: quantiles: %w", err)
	}
	return nil
}

// bandColor returns the colour of the band of the given rank among n, rank
// 0 being the widest: linear between bandWide and bandNarrow.
func bandColor(rank, n int) color.RGBA {
	if n <= 1 {
		return bandWide
	}
	f := float64(rank) / float64(n-1)
	mix := func(a, b uint8) uint8 { return uint8(math.Round(float64(a) + f*(float64(b)-float64(a)))) }
	return color.RGBA{R: mix(bandWide.R, bandNarrow.R), G: mix(bandWide.G, bandNarrow.G), B: mix(bandWide.B, bandNarrow.B), A: 255}
}

// checkQuantiles validates the inputs of Quantiles.
func checkQuantiles(obsX, obsY, grid []float64, lower, upper [][]float64, median, levels, modesX, modesY []float64) error {
	if err := checkPoints("observed", obsX, obsY, false); err != nil {
		return err
	}
	if err := checkPoints("modes", modesX, modesY, false); err != nil {
		return err
	}
	if err := checkFinite("grid", grid); err != nil {
		return err
	}
	if len(lower) != len(levels) || len(upper) != len(levels) {
		return fmt.Errorf("got %d levels, %d lower and %d upper bands, want equal counts", len(levels), len(lower), len(upper))
	}
	for l, lev := range levels {
		if !(lev > 0 && lev < 1) {
			return fmt.Errorf("levels[%d] = %v, want in (0, 1)", l, lev)
		}
		if len(lower[l]) != len(grid) || len(upper[l]) != len(grid) {
			return fmt.Errorf("level %g: lower and upper lengths %d and %d, want the grid length %d", lev, len(lower[l]), len(upper[l]), len(grid))
		}
		if err := checkFinite(fmt.Sprintf("lower[%d]", l), lower[l]); err != nil {
			return err
		}
		if err := checkFinite(fmt.Sprintf("upper[%d]", l), upper[l]); err != nil {
			return err
		}
		for g := range grid {
			if lower[l][g] > upper[l][g] {
				return fmt.Errorf("level %g at x=%g: lower %g > upper %g", lev, grid[g], lower[l][g], upper[l][g])
			}
		}
	}
	if len(median) != 0 && len(median) != len(grid) {
		return fmt.Errorf("median length %d, want the grid length %d", len(median), len(grid))
	}
	if err := checkFinite("median", median); err != nil {
		return err
	}
	if len(levels) > 0 && len(grid) == 0 {
		return fmt.Errorf("bands need a non-empty grid")
	}
	if len(levels) == 0 && len(median) == 0 && len(obsX) == 0 && len(modesX) == 0 {
		return fmt.Errorf("nothing to draw: no bands, median, observed points or modes")
	}
	return nil
}

// stripLegend is the legend of a figure that draws it in a strip right of
// the data area (drawWithLegend), never over the data.
func stripLegend(p *plot.Plot) *plot.Legend {
	leg := plot.NewLegend()
	leg.TextStyle = p.Legend.TextStyle
	leg.Top, leg.Left = true, true
	leg.Padding = vg.Points(4)
	leg.TextStyle.Font.Size = p.X.Tick.Label.Font.Size + 1
	return &leg
}

// drawWithLegend draws p on a width × height canvas with leg in a strip to
// its right, the strip's top level with the data area's, and writes the PNG
// to w.
func drawWithLegend(w io.Writer, p *plot.Plot, leg *plot.Legend, width, height vg.Length) error {
	c := newCanvas(width, height)
	dc := draw.New(c)
	legW := leg.Rectangle(dc).Max.X - leg.Rectangle(dc).Min.X + 0.25*vg.Inch
	main := draw.Crop(dc, 0, -legW, 0, 0)
	p.Draw(main)
	da := p.DataCanvas(main)
	strip := draw.Crop(dc, width-legW+0.12*vg.Inch, 0, 0, 0)
	strip.Max.Y = da.Max.Y
	leg.Draw(strip)
	return writePNG(w, c)
}
