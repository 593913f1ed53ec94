package plot

import (
	"fmt"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// HistoryOptions configures History.
type HistoryOptions struct {
	// Width and Height are the figure size. Default 6in × 4in, which is
	// 600 × 400 pixels at DPI.
	Width, Height vg.Length

	// Title is the figure title. Default none.
	Title string

	// XLabel and YLabel label the axes. Default "step" and "loss".
	XLabel, YLabel string

	// TrainLabel and ValLabel name the two lines in the legend. Default
	// "training loss" and "validation NLL".
	TrainLabel, ValLabel string
}

// History writes a PNG of the training loss train[i] and the validation
// negative log-likelihood val[i] against step[i], as two lines with a
// legend. NaN entries of train and val are skipped (the line joins the
// points on either side), so a validation NLL computed every n steps can be
// passed as NaN in between. val may be nil; then only the training line is
// drawn.
//
// step must be finite and as long as train, and val empty or as long as
// step; at least one train or val value must be finite. ±Inf in train or
// val is an error.
func History(w io.Writer, step []float64, train []float64, val []float64, opt HistoryOptions) error {
	if len(train) != len(step) {
		return fmt.Errorf("plot: history: step and train lengths differ: %d != %d", len(step), len(train))
	}
	if len(val) != 0 && len(val) != len(step) {
		return fmt.Errorf("plot: history: step and val lengths differ: %d != %d", len(step), len(val))
	}
	if err := checkFinite("step", step); err != nil {
		return fmt.Errorf("plot: history: %w", err)
	}
	trainXY, err := finitePairs("train", step, train)
	if err != nil {
		return fmt.Errorf("plot: history: %w", err)
	}
	valXY, err := finitePairs("val", step, val)
	if err != nil {
		return fmt.Errorf("plot: history: %w", err)
	}
	if len(trainXY) == 0 && len(valXY) == 0 {
		return fmt.Errorf("plot: history: no finite train or val values")
	}
	width, height, err := figureSize(opt.Width, opt.Height, 6*vg.Inch, 4*vg.Inch)
	if err != nil {
		return fmt.Errorf("plot: history: %w", err)
	}

	p := newPlot()
	p.Title.Text = opt.Title
	p.X.Label.Text = orDefault(opt.XLabel, "step")
	p.Y.Label.Text = orDefault(opt.YLabel, "loss")
	grid := plotter.NewGrid()
	grid.Vertical.Color = lightGrey
	grid.Horizontal.Color = lightGrey
	p.Add(grid)
	p.Legend.Top = true
	for _, s := range []struct {
		xy    plotter.XYs
		label string
		col   draw.LineStyle
	}{
		{trainXY, orDefault(opt.TrainLabel, "training loss"), draw.LineStyle{Color: colBlue, Width: vg.Points(1.5)}},
		{valXY, orDefault(opt.ValLabel, "validation NLL"), draw.LineStyle{Color: colOrange, Width: vg.Points(1.5)}},
	} {
		if len(s.xy) == 0 {
			continue
		}
		l, err := plotter.NewLine(s.xy)
		if err != nil {
			return fmt.Errorf("plot: history: %w", err)
		}
		l.LineStyle = s.col
		p.Add(l)
		p.Legend.Add(s.label, l)
	}
	padRange(p)
	if err := renderOne(w, p, width, height); err != nil {
		return fmt.Errorf("plot: history: %w", err)
	}
	return nil
}

// finitePairs returns the points (x[i], y[i]) with y[i] not NaN, or an
// error naming the first infinite y.
func finitePairs(what string, x, y []float64) (plotter.XYs, error) {
	var xy plotter.XYs
	for i, v := range y {
		if math.IsNaN(v) {
			continue
		}
		if math.IsInf(v, 0) {
			return nil, fmt.Errorf("%s[%d]: not finite: %v", what, i, v)
		}
		xy = append(xy, plotter.XY{X: x[i], Y: v})
	}
	return xy, nil
}

// padRange widens the axis ranges that Add computed from the data by 2% on
// each side, or to ±0.5 around a single value, so that lines do not run
// along the frame.
func padRange(p *plot.Plot) {
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		r, _ := dataRange([]float64{a.Min, a.Max})
		a.Min, a.Max = r.Min, r.Max
	}
}
