package plot

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// cells is a plot.Plotter that fills an nx × ny grid of equal rectangles
// covering the ranges x and y. Cell (i, j), with i counting along x and j
// along y from the minimum, covers
//
//	[x.Min + i·Δx, x.Min + (i+1)·Δx] × [y.Min + j·Δy, y.Min + (j+1)·Δy],
//	Δx = (x.Max − x.Min)/nx,  Δy = (y.Max − y.Min)/ny,
//
// and is filled with colors[i*ny+j].
type cells struct {
	x, y   Range
	nx, ny int
	colors []color.RGBA // len nx*ny, index i*ny + j
}

// cellSeam is how far each cell is extended to the right and upwards, under
// its later-drawn neighbours, so that anti-aliased shared edges do not let
// the background show through as faint seams.
const cellSeam = vg.Length(1.5)

// Plot implements plot.Plotter. On a raster canvas the cell edges are
// snapped to whole pixels, so that no edge is a row of partly covered,
// blended pixels. Vertical runs of equal colour are merged
// into one rectangle, which keeps 200 × 200 heat maps quick to draw.
func (g *cells) Plot(c draw.Canvas, p *plot.Plot) {
	trX0, trY0 := p.Transforms(&c)
	snap := func(v vg.Length) vg.Length { return v }
	if dpi := canvasDPI(c.Canvas); dpi > 0 {
		px := vg.Length(72 / dpi) // one pixel in points
		snap = func(v vg.Length) vg.Length { return vg.Length(math.Round(float64(v/px))) * px }
	}
	trX := func(v float64) vg.Length { return snap(trX0(v)) }
	trY := func(v float64) vg.Length { return snap(trY0(v)) }
	dx := g.x.width() / float64(g.nx)
	dy := g.y.width() / float64(g.ny)
	for i := range g.nx {
		x0 := trX(g.x.Min + float64(i)*dx)
		x1 := trX(g.x.Min + float64(i+1)*dx)
		if i == g.nx-1 {
			x1 = trX(g.x.Max)
		} else {
			x1 = min(x1+cellSeam, trX(g.x.Max)) // a seam wider than a cell must not stick out
		}
		for j := 0; j < g.ny; {
			col := g.colors[i*g.ny+j]
			k := j + 1
			for k < g.ny && g.colors[i*g.ny+k] == col {
				k++
			}
			y0 := trY(g.y.Min + float64(j)*dy)
			y1 := trY(g.y.Min + float64(k)*dy)
			if k == g.ny {
				y1 = trY(g.y.Max)
			} else {
				y1 = min(y1+cellSeam, trY(g.y.Max))
			}
			var pa vg.Path
			pa.Move(vg.Point{X: x0, Y: y0})
			pa.Line(vg.Point{X: x1, Y: y0})
			pa.Line(vg.Point{X: x1, Y: y1})
			pa.Line(vg.Point{X: x0, Y: y1})
			pa.Close()
			c.SetColor(col)
			c.Fill(pa)
			j = k
		}
	}
}

// canvasDPI returns the resolution of the raster canvas under c, looking
// through the draw.Canvas wrappers that plot layout adds, or 0 for a canvas
// without one.
func canvasDPI(c vg.Canvas) float64 {
	for range 64 {
		switch v := c.(type) {
		case interface{ DPI() float64 }:
			return v.DPI()
		case draw.Canvas:
			c = v.Canvas
		case *draw.Canvas:
			c = v.Canvas
		default:
			return 0
		}
	}
	return 0
}

// DataRange implements plot.DataRanger: the grid's extent.
func (g *cells) DataRange() (xmin, xmax, ymin, ymax float64) {
	return g.x.Min, g.x.Max, g.y.Min, g.y.Max
}

// dots is a plot.Plotter that draws filled circles of the given radius,
// skipping points outside the plot's axis ranges, with no glyph boxes so
// that the data area is not shrunk to make room for them.
type dots struct {
	xs, ys  []float64
	radius  vg.Length
	fill    color.Color
	outline draw.LineStyle // Width 0 for none
}

// Plot implements plot.Plotter.
func (d *dots) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	xr := Range{p.X.Min, p.X.Max}
	yr := Range{p.Y.Min, p.Y.Max}
	for i := range d.xs {
		if !xr.contains(d.xs[i]) || !yr.contains(d.ys[i]) {
			continue
		}
		pt := vg.Point{X: trX(d.xs[i]), Y: trY(d.ys[i])}
		var pa vg.Path
		pa.Move(vg.Point{X: pt.X + d.radius, Y: pt.Y})
		pa.Arc(pt, d.radius, 0, 2*math.Pi)
		pa.Close()
		c.SetColor(d.fill)
		c.Fill(pa)
		if d.outline.Width > 0 {
			c.SetLineStyle(d.outline)
			c.Stroke(pa)
		}
	}
}

// Thumbnail implements plot.Thumbnailer for legends.
func (d *dots) Thumbnail(c *draw.Canvas) {
	pt := c.Center()
	var pa vg.Path
	r := 2 * d.radius
	pa.Move(vg.Point{X: pt.X + r, Y: pt.Y})
	pa.Arc(pt, r, 0, 2*math.Pi)
	pa.Close()
	c.SetColor(d.fill)
	c.Fill(pa)
}
