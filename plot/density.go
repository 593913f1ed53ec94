package plot

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// DensityOptions configures Density.
type DensityOptions struct {
	// XRange and YRange are the extent of the heat map in data units. They
	// are required: Min < Max, both finite.
	XRange, YRange Range

	// NX and NY are the number of grid cells along x and y. Default 200
	// each; must be in [1, 2000] when set.
	NX, NY int

	// Width and Height are the figure size. Default 6in × 4.5in, which is
	// 600 × 450 pixels at DPI.
	Width, Height vg.Length

	// XLabel and YLabel label the axes. Default "x" and "y".
	XLabel, YLabel string

	// Title is the figure title. Default none.
	Title string

	// LogScale colours cells by log p(y|x) instead of p(y|x). The colour
	// scale then spans LogFloor nats below the largest log density; lower
	// values, and zero densities, get the lowest colour.
	LogScale bool

	// LogFloor is the span of the log colour scale in nats, used only with
	// LogScale. Default 10 (a density ratio of e^10 ≈ 2.2·10^4).
	LogFloor float64
}

// Style of the overlays of Density.
var (
	// meanColor draws component means: red, visible on both ends of viridis.
	meanColor = color.RGBA{R: 255, G: 48, B: 48, A: 255}
	// obsFill and obsOutline draw observed points: white with a thin black
	// rim, visible on both dark and bright cells.
	obsFill    = color.RGBA{R: 255, G: 255, B: 255, A: 255}
	obsOutline = draw.LineStyle{Color: color.Black, Width: vg.Points(0.3)}
)

// Density writes a PNG of the conditional density p(y|x) as a heat map,
// with a colour bar on the right that gives the density (or log density)
// of each colour.
//
// The x range is cut into NX columns and the y range into NY rows; the cell
// with centre (x_i, y_j) is coloured by
//
//	Viridis(p(y_j|x_i) / max_ij p)                        (linear), or
//	Viridis(1 + (log p(y_j|x_i) − max_ij log p) / F)      (LogScale, F = LogFloor),
//
// so zero density is the dark Viridis(0). density(x, y) must return a
// finite value ≥ 0 for every cell centre.
//
// If means is not nil it is called at the NX column centres; it returns the
// component means μ_k(x) and mixture weights π_k(x), k = 1…K, with the same
// K at every x and weights in [0, 1]. Each component is drawn as a red line
// through its means whose opacity on each segment is the mean of the
// weights at its two ends, so components that do not matter fade out.
//
// The observed points (obsX[i], obsY[i]), which may be empty, are drawn on
// top as small white dots with a black rim; points outside the ranges are
// left out.
func Density(w io.Writer, density func(x, y float64) float64, means func(x float64) (mu, weight []float64), obsX, obsY []float64, opt DensityOptions) error {
	title := opt.Title
	opt.Title = ""
	return DensityPanels(w, []DensityPanel{{Title: title, Density: density, Means: means, ObsX: obsX, ObsY: obsY}}, opt)
}

// DensityPanel is one heat map of DensityPanels: a conditional density,
// optionally its component means, and observed points, as for Density.
type DensityPanel struct {
	Title      string
	Density    func(x, y float64) float64
	Means      func(x float64) (mu, weight []float64)
	ObsX, ObsY []float64
}

// maxPanels is the most panels DensityPanels draws.
const maxPanels = 24

// DensityPanels writes a PNG of several heat maps of p(y|x) (for example
// one per level of a label) over the same ranges and grid, side by side in
// rows of at most three, coloured on one common scale (the maximum is taken
// over all panels, so colours compare across panels) with one colour bar on
// the right. Each panel is drawn as by Density; opt.Title, when set, is a
// line above all panels. The default size is 4in × 3.4in per panel plus
// 1in for the colour bar (6in × 4.5in for one panel). At most 24 panels.
func DensityPanels(w io.Writer, panels []DensityPanel, opt DensityOptions) error {
	if len(panels) == 0 || len(panels) > maxPanels {
		return fmt.Errorf("plot: density: want 1 to %d panels, got %d", maxPanels, len(panels))
	}
	if err := opt.XRange.validate("x range"); err != nil {
		return fmt.Errorf("plot: density: %w", err)
	}
	if err := opt.YRange.validate("y range"); err != nil {
		return fmt.Errorf("plot: density: %w", err)
	}
	nx, ny := opt.NX, opt.NY
	if nx == 0 {
		nx = 200
	}
	if ny == 0 {
		ny = 200
	}
	if nx < 1 || nx > maxCells || ny < 1 || ny > maxCells {
		return fmt.Errorf("plot: density: grid must be in [1, %d] per axis, got %d x %d", maxCells, opt.NX, opt.NY)
	}
	floor := opt.LogFloor
	if floor == 0 {
		floor = 10
	}
	if math.IsNaN(floor) || math.IsInf(floor, 0) || floor < 0 {
		return fmt.Errorf("plot: density: log floor must be finite and > 0, got %v", opt.LogFloor)
	}
	cols := min(len(panels), 3)
	rows := (len(panels) + cols - 1) / cols
	defW, defH := 6*vg.Inch, 4.5*vg.Inch
	if len(panels) > 1 {
		defW, defH = vg.Length(cols)*4*vg.Inch+vg.Inch, vg.Length(rows)*3.4*vg.Inch
	}
	width, height, err := figureSize(opt.Width, opt.Height, defW, defH)
	if err != nil {
		return fmt.Errorf("plot: density: %w", err)
	}

	xr, yr := opt.XRange, opt.YRange
	xs := Centres(xr, nx)
	ys := Centres(yr, ny)
	vals := make([][]float64, len(panels))
	top := 0.0
	for k, pn := range panels {
		where := ""
		if len(panels) > 1 {
			where = fmt.Sprintf("panel %d (%s): ", k+1, pn.Title)
		}
		if pn.Density == nil {
			return fmt.Errorf("plot: density: %sdensity function is nil", where)
		}
		if err := checkPoints("observed", pn.ObsX, pn.ObsY, false); err != nil {
			return fmt.Errorf("plot: density: %s%w", where, err)
		}
		vals[k] = make([]float64, nx*ny)
		for i, x := range xs {
			for j, y := range ys {
				v := pn.Density(x, y)
				if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
					return fmt.Errorf("plot: density: %sp(y=%g|x=%g) = %v, want finite and >= 0", where, y, x, v)
				}
				vals[k][i*ny+j] = v
				top = math.Max(top, v)
			}
		}
	}

	grid := make([][]*plot.Plot, rows)
	for r := range grid {
		grid[r] = make([]*plot.Plot, cols)
	}
	for k, pn := range panels {
		p := newPlot()
		p.Title.Text = pn.Title
		p.X.Label.Text = orDefault(opt.XLabel, "x")
		p.Y.Label.Text = orDefault(opt.YLabel, "y")
		lightAxes(p)
		p.Add(&cells{x: xr, y: yr, nx: nx, ny: ny, colors: densityColors(vals[k], top, opt.LogScale, floor)})
		// The data, then the means on top of them: with many points the dots
		// would hide the mean lines.
		p.Add(&dots{xs: pn.ObsX, ys: pn.ObsY, radius: vg.Points(1.2), fill: obsFill, outline: obsOutline})
		if pn.Means != nil {
			mp, err := evalMeans(pn.Means, xs)
			if err != nil {
				return fmt.Errorf("plot: density: %w", err)
			}
			p.Add(mp)
		}
		setRange(p, xr, yr)
		grid[k/cols][k%cols] = p
	}

	c := newCanvas(width, height)
	dc := draw.New(c)
	var titleAt func()
	if opt.Title != "" {
		sty := grid[0][0].Title.TextStyle
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YBottom
		r := sty.Rectangle(opt.Title)
		h := r.Max.Y - r.Min.Y
		top := dc.Max.Y
		titleAt = func() { dc.FillText(sty, vg.Point{X: width / 2, Y: top - 1.3*h}, opt.Title) }
		dc = draw.Crop(dc, 0, 0, 0, -1.7*h)
	}
	barW := 0.95 * vg.Inch
	area := draw.Crop(dc, 0, -barW, 0, 0)
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: 0.15 * vg.Inch, PadY: 0.1 * vg.Inch}
	canvases := plot.Align(grid, tiles, area)
	for r := range grid {
		for k, p := range grid[r] {
			if p != nil {
				p.Draw(canvases[r][k])
			}
		}
	}
	// The colour bar spans the data areas from the top row to the bottom one.
	topC := grid[0][0].DataCanvas(canvases[0][0])
	botC := grid[rows-1][0].DataCanvas(canvases[rows-1][0])
	bar := draw.Crop(dc, width-barW, 0, 0, 0)
	bar.Min.Y, bar.Max.Y = botC.Min.Y, topC.Max.Y
	colourBar(bar, top, opt.LogScale, floor, grid[0][0])
	if titleAt != nil {
		titleAt()
	}
	if err := writePNG(w, c); err != nil {
		return fmt.Errorf("plot: density: %w", err)
	}
	return nil
}

// colourBar draws the colour scale of densityColors in c (the strip right
// of the heat maps, as tall as their data areas): a bar of 256 steps with
// ticks in density units (linear, 0 to top) or log density (top − floor to
// log top). like supplies the fonts.
func colourBar(c draw.Canvas, top float64, logScale bool, floor float64, like *plot.Plot) {
	lo, hi, label := 0.0, top, "p(y|x)"
	if logScale {
		lo, hi, label = math.Log(top)-floor, math.Log(top), "log p(y|x)"
	}
	if !(hi > lo) || math.IsInf(hi, 0) || math.IsNaN(hi) { // all-zero densities
		lo, hi = 0, 1
	}
	const steps = 256
	x0 := c.Min.X + 0.12*vg.Inch
	x1 := x0 + 0.18*vg.Inch
	h := (c.Max.Y - c.Min.Y) / steps
	for i := range steps {
		y := c.Min.Y + vg.Length(i)*h
		var pa vg.Path
		pa.Move(vg.Point{X: x0, Y: y})
		pa.Line(vg.Point{X: x1, Y: y})
		pa.Line(vg.Point{X: x1, Y: min(y+h+0.5, c.Max.Y)})
		pa.Line(vg.Point{X: x0, Y: min(y+h+0.5, c.Max.Y)})
		pa.Close()
		c.SetColor(Viridis((float64(i) + 0.5) / steps))
		c.Fill(pa)
	}
	edge := draw.LineStyle{Color: color.Black, Width: vg.Points(0.5)}
	c.StrokeLines(edge, []vg.Point{{X: x0, Y: c.Min.Y}, {X: x1, Y: c.Min.Y}, {X: x1, Y: c.Max.Y}, {X: x0, Y: c.Max.Y}, {X: x0, Y: c.Min.Y}})
	sty := like.Y.Tick.Label
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YCenter
	for _, t := range (plot.DefaultTicks{}).Ticks(lo, hi) {
		if t.Label == "" || t.Value < lo || t.Value > hi {
			continue
		}
		y := c.Min.Y + vg.Length((t.Value-lo)/(hi-lo))*(c.Max.Y-c.Min.Y)
		c.StrokeLine2(edge, x1, y, x1+3, y)
		c.FillText(sty, vg.Point{X: x1 + 5, Y: y}, t.Label)
	}
	lsty := like.Y.Tick.Label
	lsty.XAlign, lsty.YAlign = draw.XLeft, draw.YBottom
	c.FillText(lsty, vg.Point{X: x0 - 0.06*vg.Inch, Y: c.Max.Y + 0.06*vg.Inch}, label)
}

// Centres returns the n cell centres r.Min + (i + 1/2)(r.Max − r.Min)/n:
// the x values at which Density and DensityPanels call their density and
// means functions (with n = NX), and the y values of its rows (n = NY).
func Centres(r Range, n int) []float64 {
	c := make([]float64, n)
	d := r.width() / float64(n)
	for i := range c {
		c[i] = r.Min + (float64(i)+0.5)*d
	}
	return c
}

// densityColors maps densities (all finite, ≥ 0) to viridis: linearly by
// v / top, or with logScale by 1 + (log v − log top)/floor, clamped to
// [0, 1], where top is the largest density (of all panels). All-zero
// densities are all Viridis(0).
func densityColors(vals []float64, top float64, logScale bool, floor float64) []color.RGBA {
	cols := make([]color.RGBA, len(vals))
	for i, v := range vals {
		t := 0.0
		switch {
		case top == 0:
		case logScale:
			t = 1 + (math.Log(v)-math.Log(top))/floor // log 0 = −Inf → t < 0 → clamped
		default:
			t = v / top
		}
		cols[i] = Viridis(t)
	}
	return cols
}

// meanPaths is a plot.Plotter drawing component k as line segments through
// (xs[i], mu[k][i]) with opacity (w[k][i] + w[k][i+1]) / 2 per segment.
type meanPaths struct {
	xs    []float64
	mu, w [][]float64 // [k][i]
	style draw.LineStyle
}

// evalMeans calls means at each x and checks the results.
func evalMeans(means func(x float64) (mu, weight []float64), xs []float64) (*meanPaths, error) {
	mp := &meanPaths{xs: xs, style: draw.LineStyle{Color: meanColor, Width: vg.Points(1.5)}}
	k := -1
	for i, x := range xs {
		mu, wt := means(x)
		if len(mu) != len(wt) {
			return nil, fmt.Errorf("means at x=%g: %d means but %d weights", x, len(mu), len(wt))
		}
		if k < 0 {
			k = len(mu)
			mp.mu = make([][]float64, k)
			mp.w = make([][]float64, k)
			for c := range k {
				mp.mu[c] = make([]float64, len(xs))
				mp.w[c] = make([]float64, len(xs))
			}
		}
		if len(mu) != k {
			return nil, fmt.Errorf("means at x=%g: got %d components, want %d as at x=%g", x, len(mu), k, xs[0])
		}
		for c := range k {
			if math.IsNaN(mu[c]) || math.IsInf(mu[c], 0) {
				return nil, fmt.Errorf("means at x=%g: mean %d is %v", x, c, mu[c])
			}
			if !(wt[c] >= 0 && wt[c] <= 1) {
				return nil, fmt.Errorf("means at x=%g: weight %d is %v, want in [0, 1]", x, c, wt[c])
			}
			mp.mu[c][i], mp.w[c][i] = mu[c], wt[c]
		}
	}
	return mp, nil
}

// Plot implements plot.Plotter.
func (m *meanPaths) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for k := range m.mu {
		if len(m.xs) == 1 {
			continue
		}
		for i := 0; i+1 < len(m.xs); i++ {
			a := (m.w[k][i] + m.w[k][i+1]) / 2
			if a < 1.0/255 {
				continue
			}
			sty := m.style
			r, g, b, _ := m.style.Color.RGBA()
			sty.Color = color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: uint8(math.Round(255 * a))}
			seg := []vg.Point{
				{X: trX(m.xs[i]), Y: trY(m.mu[k][i])},
				{X: trX(m.xs[i+1]), Y: trY(m.mu[k][i+1])},
			}
			c.StrokeLines(sty, c.ClipLinesXY(seg)...)
		}
	}
}
