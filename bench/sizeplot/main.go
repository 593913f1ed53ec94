// Command sizeplot draws the bimodal8 size series of docs/results.md: the test
// NLL above the true density's, and the training CPU time, against the number
// of training-file rows, both on log scales.
//
//	go run ./bench/sizeplot docs/results-size.csv docs/size_series.png
//
// The CSV has a header and the columns rows, recipe, nll_minus_truth,
// cpu_seconds, peak_rss_mb; rows of one recipe are joined by a line.
package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: sizeplot SERIES.csv OUT.png")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "sizeplot:", err)
		os.Exit(1)
	}
}

type point struct{ rows, gap, cpu float64 }

func run(in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if len(recs) < 2 {
		return fmt.Errorf("%s: no rows", in)
	}
	var order []string
	series := map[string][]point{}
	for i, r := range recs[1:] {
		if len(r) != 5 {
			return fmt.Errorf("%s: line %d: %d fields, want 5", in, i+2, len(r))
		}
		var v [4]float64
		for j, k := range []int{0, 2, 3, 4} {
			if v[j], err = strconv.ParseFloat(r[k], 64); err != nil {
				return fmt.Errorf("%s: line %d, column %d: %w", in, i+2, k+1, err)
			}
		}
		if _, ok := series[r[1]]; !ok {
			order = append(order, r[1])
		}
		series[r[1]] = append(series[r[1]], point{v[0], v[1], v[2]})
	}
	gap := plot.New()
	gap.Title.Text = "bimodal8: test NLL − true NLL"
	gap.X.Label.Text, gap.Y.Label.Text = "training-file rows", "nats per row"
	cpu := plot.New()
	cpu.Title.Text = "training CPU time"
	cpu.X.Label.Text, cpu.Y.Label.Text = "training-file rows", "CPU seconds"
	for _, p := range []*plot.Plot{gap, cpu} {
		p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
		p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
	}
	gap.Legend.Left = true                       // the gap falls: its lower left is empty
	cpu.Legend.Left, cpu.Legend.Top = true, true // the time rises: its upper left is
	for i, name := range order {
		var g, c plotter.XYs
		for _, p := range series[name] {
			g = append(g, plotter.XY{X: p.rows, Y: p.gap})
			if p.cpu > 0 {
				c = append(c, plotter.XY{X: p.rows, Y: p.cpu})
			}
		}
		for _, pc := range []struct {
			p   *plot.Plot
			xys plotter.XYs
		}{{gap, g}, {cpu, c}} {
			if len(pc.xys) == 0 {
				continue
			}
			l, s, err := plotter.NewLinePoints(pc.xys)
			if err != nil {
				return err
			}
			l.Color, s.Color = plotutil.Color(i), plotutil.Color(i)
			s.Shape = plotutil.Shape(i)
			pc.p.Add(l, s)
			pc.p.Legend.Add(name, l, s)
		}
	}
	img := vgimg.New(11*vg.Inch, 4.5*vg.Inch)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Inch / 4, PadTop: vg.Inch / 8, PadBottom: vg.Inch / 8,
		PadLeft: vg.Inch / 8, PadRight: vg.Inch / 8}
	for j, p := range []*plot.Plot{gap, cpu} {
		p.Draw(tiles.At(dc, j, 0))
	}
	w, err := os.Create(out)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(w); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}
