package plot

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// DPI is the resolution of every image written by this package, in dots
// per inch: a figure of w × h inches is w·DPI × h·DPI pixels.
const DPI = 100

// maxSide is the largest accepted width or height of a figure (50in, that
// is 5000 pixels), so that a typo cannot allocate gigabytes.
const maxSide = 50 * vg.Inch

// maxCells is the largest accepted number of bins or grid points along one
// axis of a histogram or heat map.
const maxCells = 2000

// Colours shared by the figures (matplotlib's "tab10" blue, orange, red and
// grey, https://matplotlib.org/stable/gallery/color/named_colors.html).
var (
	colBlue   = color.RGBA{R: 31, G: 119, B: 180, A: 255}
	colOrange = color.RGBA{R: 255, G: 127, B: 14, A: 255}
	colRed    = color.RGBA{R: 214, G: 39, B: 40, A: 255}
	colGrey   = color.RGBA{R: 127, G: 127, B: 127, A: 255}
	// lightGrey draws grid lines.
	lightGrey = color.RGBA{R: 220, G: 220, B: 220, A: 255}
)

// figureSize returns (w, h) with zero values replaced by the defaults, or an
// error if a size is negative, NaN or larger than 50in.
func figureSize(w, h, defW, defH vg.Length) (vg.Length, vg.Length, error) {
	if w == 0 {
		w = defW
	}
	if h == 0 {
		h = defH
	}
	for _, s := range []struct {
		name string
		v    vg.Length
	}{{"width", w}, {"height", h}} {
		v := float64(s.v)
		if math.IsNaN(v) || v <= 0 || s.v > maxSide {
			return 0, 0, fmt.Errorf("%s must be in (0in, %gin], got %gin", s.name, float64(maxSide/vg.Inch), float64(s.v/vg.Inch))
		}
	}
	return w, h, nil
}

// newCanvas returns a white image canvas of w × h at DPI dots per inch.
func newCanvas(w, h vg.Length) *vgimg.Canvas {
	return vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(DPI), vgimg.UseBackgroundColor(color.White))
}

// writePNG encodes c as PNG to w.
func writePNG(w io.Writer, c *vgimg.Canvas) error {
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(w); err != nil {
		return fmt.Errorf("write png: %w", err)
	}
	return nil
}

// renderOne draws a single plot filling a w × h figure and writes it as PNG.
func renderOne(w io.Writer, p *plot.Plot, width, height vg.Length) error {
	c := newCanvas(width, height)
	p.Draw(draw.New(c))
	return writePNG(w, c)
}

// renderRow draws plots side by side, with their data areas aligned, into a
// w × h figure and writes it as PNG. The margins are fractions of the
// figure: left, right, bottom and top, and gap is the space between panels
// as a fraction of one panel's width (matplotlib's subplots use 0.125, 0.1,
// 0.11, 0.12 and 0.2).
func renderRow(w io.Writer, plots []*plot.Plot, width, height vg.Length, left, right, bottom, top, gap float64) error {
	c := newCanvas(width, height)
	n := float64(len(plots))
	panel := width * vg.Length((1-left-right)/(n+gap*(n-1)))
	tiles := draw.Tiles{
		Rows:      1,
		Cols:      len(plots),
		PadLeft:   width * vg.Length(left),
		PadRight:  width * vg.Length(right),
		PadBottom: height * vg.Length(bottom),
		PadTop:    height * vg.Length(top),
		PadX:      panel * vg.Length(gap),
	}
	canvases := plot.Align([][]*plot.Plot{plots}, tiles, draw.New(c))
	for i, p := range plots {
		p.Draw(canvases[0][i])
	}
	return writePNG(w, c)
}

// newPlot returns a plot whose text is set in Liberation Sans (close to the
// DejaVu Sans of matplotlib figures) instead of gonum's default serif face.
func newPlot() *plot.Plot {
	p := plot.New()
	for _, f := range []*font.Font{
		&p.Title.TextStyle.Font,
		&p.X.Label.TextStyle.Font, &p.Y.Label.TextStyle.Font,
		&p.X.Tick.Label.Font, &p.Y.Tick.Label.Font,
		&p.Legend.TextStyle.Font,
	} {
		f.Typeface = "Liberation"
		f.Variant = "Sans"
	}
	return p
}

// hideAxes removes ticks, axis lines and the padding between the axes and
// the data area, so that the data area fills the plot's canvas below the
// title, as in the reference hist2d figure.
func hideAxes(p *plot.Plot) {
	p.HideAxes()
	p.X.Padding = 0
	p.Y.Padding = 0
}

// lightAxes keeps ticks and labels but removes the gap between the axes and
// the data area, so that heat maps touch their axes.
func lightAxes(p *plot.Plot) {
	p.X.Padding = 0
	p.Y.Padding = 0
}

// setRange fixes the axes of p to the ranges x and y.
func setRange(p *plot.Plot, x, y Range) {
	p.X.Min, p.X.Max = x.Min, x.Max
	p.Y.Min, p.Y.Max = y.Min, y.Max
}

// orDefault returns s, or def if s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
