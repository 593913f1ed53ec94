package plot

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// RegionOptions configures Region.
type RegionOptions struct {
	// XRange and YRange fix the axes in data units. Nil means the range of
	// the data, the interval and the finite region ends, padded by 2%.
	XRange, YRange *Range
	// Width and Height are the figure size, legend included (right of the
	// data area). Default 7.2in × 4.5in, 720 × 450 pixels at DPI.
	Width, Height vg.Length
	// Title, XLabel, YLabel as in QuantilesOptions.
	Title, XLabel, YLabel string
	// RegionLabel and IntervalLabel are the legend's names of the region
	// and the interval. Default "region" and "interval".
	RegionLabel, IntervalLabel string
}

// Colours of Region: the region in the "Oranges" scheme of ColorBrewer
// (Brewer, colorbrewer2.org), the interval's ends in the Blues' darkest.
var (
	regionCol   = color.RGBA{R: 0xfd, G: 0xae, B: 0x6b, A: 255}
	intervalCol = color.RGBA{R: 0x08, G: 0x51, B: 0x9c, A: 255}
)

// Region writes a PNG of a prediction region over a grid of x values: at
// each grid[g] the disjoint intervals region[g] (each [lo, hi]) as filled
// cells of the grid's spacing, so that a region of several intervals shows
// as a band with gaps; the ends lower[g], upper[g] of a central interval
// as two lines for comparison; and the observed points (obsX[i], obsY[i])
// as small grey dots. An infinite region end is drawn at the edge of the
// y range; a non-finite interval end leaves the interval out.
//
// Shapes: grid (G ≥ 2, ascending), region (G) of any number of
// intervals each, lower and upper (G) or empty. It returns an error for
// mismatched lengths, a NaN, an interval with lo > hi, or nothing to draw.
func Region(w io.Writer, obsX, obsY, grid []float64, region [][][2]float64, lower, upper []float64, opt RegionOptions) error {
	if err := checkRegion(obsX, obsY, grid, region, lower, upper); err != nil {
		return fmt.Errorf("plot: region: %w", err)
	}
	var ends []float64
	for _, ivs := range region {
		for _, iv := range ivs {
			ends = append(ends, iv[0], iv[1])
		}
	}
	xr, err := resolveRange("x range", opt.XRange, obsX, grid)
	if err != nil {
		return fmt.Errorf("plot: region: %w", err)
	}
	yr, err := resolveRange("y range", opt.YRange, obsY, lower, upper, ends)
	if err != nil {
		return fmt.Errorf("plot: region: %w", err)
	}
	width, height, err := figureSize(opt.Width, opt.Height, 7.2*vg.Inch, 4.5*vg.Inch)
	if err != nil {
		return fmt.Errorf("plot: region: %w", err)
	}
	p := newPlot()
	p.Title.Text = opt.Title
	p.X.Label.Text = orDefault(opt.XLabel, "x")
	p.Y.Label.Text = orDefault(opt.YLabel, "y")
	leg := stripLegend(p)

	var first *plotter.Polygon
	for g, ivs := range region {
		// The cell of grid[g]: halfway to its neighbours.
		a, b := grid[g], grid[g]
		if g > 0 {
			a = (grid[g-1] + grid[g]) / 2
		} else {
			a = grid[0] - (grid[1]-grid[0])/2
		}
		if g+1 < len(grid) {
			b = (grid[g] + grid[g+1]) / 2
		} else {
			b = grid[g] + (grid[g]-grid[g-1])/2
		}
		for _, iv := range ivs {
			lo, hi := math.Max(iv[0], yr.Min), math.Min(iv[1], yr.Max)
			if lo >= hi {
				continue
			}
			poly, err := plotter.NewPolygon(plotter.XYs{{X: a, Y: lo}, {X: b, Y: lo}, {X: b, Y: hi}, {X: a, Y: hi}})
			if err != nil {
				return fmt.Errorf("plot: region: %w", err)
			}
			poly.Color = regionCol
			// An outline of the fill's colour closes the anti-aliased seams
			// between neighbouring cells.
			poly.LineStyle = draw.LineStyle{Color: regionCol, Width: vg.Points(0.5)}
			p.Add(poly)
			if first == nil {
				first = poly
			}
		}
	}
	if first != nil {
		leg.Add(orDefault(opt.RegionLabel, "region"), first)
	}
	if len(obsX) > 0 {
		obs := &dots{xs: obsX, ys: obsY, radius: vg.Points(1), fill: withAlpha(colGrey, 0.6)}
		p.Add(obs)
		leg.Add("data", obs)
	}
	if finiteAll(lower) && finiteAll(upper) && len(lower) > 0 {
		for i, v := range [][]float64{lower, upper} {
			xy := make(plotter.XYs, len(grid))
			for g := range grid {
				xy[g] = plotter.XY{X: grid[g], Y: v[g]}
			}
			line, err := plotter.NewLine(xy)
			if err != nil {
				return fmt.Errorf("plot: region: interval: %w", err)
			}
			line.LineStyle = draw.LineStyle{Color: intervalCol, Width: vg.Points(1.2), Dashes: []vg.Length{vg.Points(4), vg.Points(2)}}
			p.Add(line)
			if i == 0 {
				leg.Add(orDefault(opt.IntervalLabel, "interval"), line)
			}
		}
	}
	setRange(p, xr, yr)
	if err := drawWithLegend(w, p, leg, width, height); err != nil {
		return fmt.Errorf("plot: region: %w", err)
	}
	return nil
}

func finiteAll(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

func checkRegion(obsX, obsY, grid []float64, region [][][2]float64, lower, upper []float64) error {
	if err := checkPoints("observed", obsX, obsY, false); err != nil {
		return err
	}
	if len(grid) < 2 || len(region) != len(grid) {
		return fmt.Errorf("%d grid values and %d regions, want the same number ≥ 2", len(grid), len(region))
	}
	if err := checkFinite("grid", grid); err != nil {
		return err
	}
	for g := 1; g < len(grid); g++ {
		if !(grid[g] > grid[g-1]) {
			return fmt.Errorf("grid: not ascending at %d", g)
		}
	}
	for g, ivs := range region {
		for _, iv := range ivs {
			if math.IsNaN(iv[0]) || math.IsNaN(iv[1]) || iv[0] > iv[1] {
				return fmt.Errorf("region %d: interval [%v, %v]", g, iv[0], iv[1])
			}
		}
	}
	if (len(lower) > 0 || len(upper) > 0) && (len(lower) != len(grid) || len(upper) != len(grid)) {
		return fmt.Errorf("%d lower and %d upper ends for %d grid values", len(lower), len(upper), len(grid))
	}
	return nil
}
