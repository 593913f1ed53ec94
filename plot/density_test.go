package plot

import (
	"bytes"
	"image"
	"image/color"
	"math"
	"testing"

	"gonum.org/v1/plot/vg"
)

// ridge is p(y|x) = N(y; 0, σ²) with σ = 0.03 for every x: a narrow
// horizontal ridge at y = 0.
func ridge(x, y float64) float64 {
	const s = 0.03
	return math.Exp(-0.5*y*y/(s*s)) / (s * math.Sqrt(2*math.Pi))
}

// renderDensity draws the ridge over [−1, 1]² and returns the image and
// the heat map's pixel box (the extent of the empty-colour pixels).
func renderDensity(t *testing.T, means func(float64) ([]float64, []float64), obsX, obsY []float64, opt DensityOptions) (image.Image, image.Rectangle) {
	t.Helper()
	opt.XRange, opt.YRange = Range{-1, 1}, Range{-1, 1}
	var buf bytes.Buffer
	if err := Density(&buf, ridge, means, obsX, obsY, opt); err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, &buf)
	// Left of the colour bar, the last 0.95in.
	box, ok := boxOf(img, 0, img.Bounds().Dx()-95, isEmptyBin)
	if !ok {
		t.Fatal("no empty-colour pixels in the heat map")
	}
	return img, box
}

// rowOf returns the pixel row of data coordinate y in box for the range
// [−1, 1].
func rowOf(box image.Rectangle, y float64) int {
	return box.Max.Y - 1 - int((y+1)/2*float64(box.Dy()))
}

func TestDensityRidge(t *testing.T) {
	img, box := renderDensity(t, nil, nil, nil, DensityOptions{})
	// 6in × 4.5in at DPI = 100.
	if b := img.Bounds(); b.Dx() != 600 || b.Dy() != 450 {
		t.Errorf("size: got %dx%d, want 600x450", b.Dx(), b.Dy())
	}
	if box.Dx() < 400 || box.Dy() < 300 {
		t.Errorf("heat map box %v: got %dx%d, want at least 400x300", box, box.Dx(), box.Dy())
	}
	top := Viridis(1)
	for _, fx := range []float64{0.1, 0.5, 0.9} {
		x := box.Min.X + int(fx*float64(box.Dx()))
		// The ridge row y = 0 holds the maximum density: the top colour
		// (the cell centre nearest 0 is 0.005 away, p/max = exp(−0.5·(0.005/0.03)²) ≈ 0.986).
		if got := rgbAt(img, x, rowOf(box, 0)); !near(got, top, 12) {
			t.Errorf("ridge pixel at x fraction %v: got %v, want about %v", fx, got, top)
		}
		// y = ±0.5 is 16σ away: exp(−128) ≈ 0, the empty colour.
		for _, y := range []float64{-0.5, 0.5} {
			if got := rgbAt(img, x, rowOf(box, y)); !isEmptyBin(got) {
				t.Errorf("pixel at x fraction %v, y %v: got %v, want %v", fx, y, got, emptyColor)
			}
		}
	}
}

func TestDensityLogScale(t *testing.T) {
	// At y = 0.1 (3.33σ) p/max = exp(−5.56) ≈ 0.004: empty colour on the
	// linear scale, but t = 1 − 5.56/10 ≈ 0.44 on the log scale.
	y := 0.1
	tLog := 1 - 0.5*(y/0.03)*(y/0.03)/10
	img, box := renderDensity(t, nil, nil, nil, DensityOptions{NX: 50, NY: 400})
	x := (box.Min.X + box.Max.X) / 2
	if got := rgbAt(img, x, rowOf(box, y)); !near(got, Viridis(0), 3) {
		t.Errorf("linear at y=%v: got %v, want about %v", y, got, Viridis(0))
	}
	img, box = renderDensity(t, nil, nil, nil, DensityOptions{NX: 50, NY: 400, LogScale: true})
	if got, want := rgbAt(img, x, rowOf(box, y)), Viridis(tLog); !near(got, want, 12) {
		t.Errorf("log at y=%v: got %v, want about %v", y, got, want)
	}
}

func TestDensityOverlays(t *testing.T) {
	isMean := func(c color.RGBA) bool { return c.R > 200 && c.G < 120 && c.B < 120 }
	tests := []struct {
		name     string
		weight   float64
		wantMean bool
	}{
		{"weight 1", 1, true},
		{"weight 0", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One component with mean 0.5 everywhere.
			means := func(float64) ([]float64, []float64) { return []float64{0.5}, []float64{tt.weight} }
			// One observed point at (0, −0.5).
			img, box := renderDensity(t, means, []float64{0}, []float64{-0.5}, DensityOptions{NX: 40, NY: 40})
			x := box.Min.X + box.Dx()/4
			row := rowOf(box, 0.5)
			found := false
			for y := row - 2; y <= row+2; y++ {
				found = found || isMean(rgbAt(img, x, y))
			}
			if found != tt.wantMean {
				t.Errorf("mean line near row %d: got %v, want %v", row, found, tt.wantMean)
			}
			// The white dot of the observed point.
			cx, cy := (box.Min.X+box.Max.X)/2, rowOf(box, -0.5)
			white := false
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					c := rgbAt(img, cx+dx, cy+dy)
					white = white || (c.R > 200 && c.G > 200 && c.B > 200)
				}
			}
			if !white {
				t.Errorf("observed point near (%d,%d): got no white pixel, want one", cx, cy)
			}
		})
	}
}

func TestDensityErrors(t *testing.T) {
	r := Range{-1, 1}
	good := DensityOptions{XRange: r, YRange: r, NX: 4, NY: 4}
	with := func(f func(*DensityOptions)) DensityOptions { o := good; f(&o); return o }
	tests := []struct {
		name    string
		density func(x, y float64) float64
		means   func(float64) ([]float64, []float64)
		obsX    []float64
		opt     DensityOptions
		want    string
	}{
		{"nil density", nil, nil, nil, good, "plot: density: density function is nil"},
		{"no range", ridge, nil, nil, DensityOptions{}, "plot: density: x range: min must be < max, got [0, 0]"},
		{"nan range", ridge, nil, nil, with(func(o *DensityOptions) { o.YRange.Max = math.NaN() }), "plot: density: y range: must be finite, got [-1, NaN]"},
		{"grid", ridge, nil, nil, with(func(o *DensityOptions) { o.NX = -3 }), "plot: density: grid must be in [1, 2000] per axis, got -3 x 4"},
		{"nan density", func(x, y float64) float64 { return math.NaN() }, nil, nil, good, "plot: density: p(y=-0.75|x=-0.75) = NaN, want finite and >= 0"},
		{"negative density", func(x, y float64) float64 { return -1 }, nil, nil, good, "plot: density: p(y=-0.75|x=-0.75) = -1, want finite and >= 0"},
		{"obs lengths", ridge, nil, []float64{1}, good, "plot: density: observed: x and y lengths differ: 1 != 0"},
		{"means lengths", ridge, func(float64) ([]float64, []float64) { return []float64{1}, nil }, nil, good, "plot: density: means at x=-0.75: 1 means but 0 weights"},
		{"means K changes", ridge, func(x float64) ([]float64, []float64) {
			if x > 0 {
				return []float64{1, 2}, []float64{0.5, 0.5}
			}
			return []float64{1}, []float64{1}
		}, nil, good, "plot: density: means at x=0.25: got 2 components, want 1 as at x=-0.75"},
		{"bad weight", ridge, func(float64) ([]float64, []float64) { return []float64{1}, []float64{1.5} }, nil, good, "plot: density: means at x=-0.75: weight 0 is 1.5, want in [0, 1]"},
		{"nan mean", ridge, func(float64) ([]float64, []float64) { return []float64{math.NaN()}, []float64{1} }, nil, good, "plot: density: means at x=-0.75: mean 0 is NaN"},
		{"log floor", ridge, nil, nil, with(func(o *DensityOptions) { o.LogFloor = -1 }), "plot: density: log floor must be finite and > 0, got -1"},
		{"height", ridge, nil, nil, with(func(o *DensityOptions) { o.Height = -vg.Inch }), "plot: density: height must be in (0in, 50in], got -1in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			obsY := []float64(nil)
			err := Density(&buf, tt.density, tt.means, tt.obsX, obsY, tt.opt)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
			if buf.Len() != 0 {
				t.Errorf("bytes written on error: got %d, want 0", buf.Len())
			}
		})
	}
}

func TestDensityColors(t *testing.T) {
	// Linear: v/max; log: 1 + (log v − log max)/floor, clamped at 0.
	vals := []float64{0, 1, 4}
	tests := []struct {
		name  string
		log   bool
		wantT []float64
	}{
		{"linear", false, []float64{0, 0.25, 1}},
		{"log", true, []float64{0, 1 + math.Log(0.25)/10, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := densityColors(vals, 4, tt.log, 10)
			for i, wt := range tt.wantT {
				if got[i] != Viridis(wt) {
					t.Errorf("cell %d: got %v, want %v", i, got[i], Viridis(wt))
				}
			}
		})
	}
	for _, c := range densityColors([]float64{0, 0}, 0, false, 10) {
		if c != Viridis(0) {
			t.Errorf("all-zero: got %v, want %v", c, Viridis(0))
		}
	}
}

// TestDensityPanelsSharedScale: two panels, the second half as dense, share
// one colour scale (the second's ridge is Viridis(≈0.5), not the top
// colour), and the colour bar runs from Viridis(0) at the bottom to
// Viridis(1) at the top.
func TestDensityPanelsSharedScale(t *testing.T) {
	half := func(x, y float64) float64 { return ridge(x, y) / 2 }
	var buf bytes.Buffer
	opt := DensityOptions{XRange: Range{-1, 1}, YRange: Range{-1, 1}, NX: 50, NY: 200, Title: "two"}
	err := DensityPanels(&buf, []DensityPanel{{Title: "a", Density: ridge}, {Title: "b", Density: half}}, opt)
	if err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, &buf)
	w := img.Bounds().Dx()
	if w != 900 || img.Bounds().Dy() != 340 {
		t.Errorf("size %v, want 900x340 (2 × 4in + 1in, 3.4in)", img.Bounds())
	}
	barX := w - 95
	for k, want := range []float64{1, 0.5} {
		x0, x1 := k*(barX/2), (k+1)*(barX/2)
		box, ok := boxOf(img, x0, x1, isEmptyBin)
		if !ok {
			t.Fatalf("panel %d: no heat map", k)
		}
		x := (box.Min.X + box.Max.X) / 2
		// The brightest pixel of the column is the ridge.
		best := color.RGBA{}
		for y := box.Min.Y; y < box.Max.Y; y++ {
			if c := rgbAt(img, x, y); int(c.G) > int(best.G) {
				best = c
			}
		}
		if !near(best, Viridis(want), 14) {
			t.Errorf("panel %d ridge colour %v, want about Viridis(%v) = %v", k, best, want, Viridis(want))
		}
	}
	// The bar: the pixels of its column that are viridis colours.
	bx := barX + int(0.21*DPI)
	var top, bot = -1, -1
	for y := range img.Bounds().Dy() {
		c := rgbAt(img, bx, y)
		if near(c, Viridis(1), 10) && top < 0 {
			top = y
		}
		if near(c, Viridis(0), 10) {
			bot = y
		}
	}
	if top < 0 || bot < 0 || top >= bot {
		t.Errorf("colour bar at column %d: top colour at row %d, bottom colour at row %d, want top above bottom", bx, top, bot)
	}
	if err := DensityPanels(&buf, nil, opt); err == nil {
		t.Error("no panels accepted")
	}
}
