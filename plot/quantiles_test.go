package plot

import (
	"bytes"
	"image/color"
	"math"
	"testing"
)

// TestQuantilesBands draws a 90% band [−1, 1], a 50% band [−0.3, 0.3] and
// the median 0 over x in [0, 1] with y fixed to [−2, 2]. In the middle
// column the 50% band must lie inside the 90% band, the median inside the
// 50% band, and the band heights must be in the ratio 2 / 0.6 of their
// widths in data units.
func TestQuantilesBands(t *testing.T) {
	grid := []float64{0, 0.25, 0.5, 0.75, 1}
	const g = 5
	fill := func(v float64) []float64 {
		s := make([]float64, g)
		for i := range s {
			s[i] = v
		}
		return s
	}
	lower := [][]float64{fill(-0.3), fill(-1)} // levels 0.5, 0.9: the order given
	upper := [][]float64{fill(0.3), fill(1)}
	levels := []float64{0.5, 0.9}
	// Modes at y = 1.5, outside both bands.
	modesX, modesY := []float64{0.5}, []float64{1.5}
	var buf bytes.Buffer
	opt := QuantilesOptions{YRange: &Range{-2, 2}}
	if err := Quantiles(&buf, nil, nil, grid, lower, upper, fill(0), levels, modesX, modesY, opt); err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, &buf)
	// 7.2in × 4.5in at DPI = 100.
	if b := img.Bounds(); b.Dx() != 720 || b.Dy() != 450 {
		t.Fatalf("size: got %dx%d, want 720x450", b.Dx(), b.Dy())
	}
	// Classify by blueness B − R, which blends between neighbours change
	// smoothly: white 0, the 90% band 41, the 50% band 107, the median 148.
	blueness := func(c color.RGBA) int { return int(c.B) - int(c.R) }
	// Find the band's horizontal extent (x in [0, 1]) on a row just inside
	// the top of the 90% band, found in a column near the middle.
	rough := bands(img, 300, 0, 450, func(c color.RGBA) bool { return blueness(c) > 20 })
	if len(rough) == 0 {
		t.Fatal("no band pixels in column 300")
	}
	row := rough[0][0] + 3
	var xa, xb int
	for xx := range 600 {
		if near(rgbAt(img, xx, row), bandWide, 3) {
			if xa == 0 {
				xa = xx
			}
			xb = xx + 1
		}
	}
	x := (xa + xb) / 2 // x = 0.5
	// The legend is right of the data area: its 90% thumbnail is the only
	// bandWide colour right of the band, past a white gap.
	legX := -1
	for yy := range 450 {
		for xx := xb + 1; xx < 720; xx++ {
			if near(rgbAt(img, xx, yy), bandWide, 3) && (legX < 0 || xx < legX) {
				legX = xx
			}
		}
	}
	if legX < xb+10 {
		t.Errorf("legend thumbnail at column %d, want right of the data area (band ends at %d)", legX, xb)
	}
	b90 := bands(img, x, 0, 450, func(c color.RGBA) bool { return blueness(c) > 20 })
	b50 := bands(img, x, 0, 450, func(c color.RGBA) bool { return blueness(c) > 74 })
	med := bands(img, x, 0, 450, func(c color.RGBA) bool { return near(c, medianCol, 20) })
	if len(b90) != 1 || len(b50) != 1 || len(med) != 1 {
		t.Fatalf("runs in column %d: got 90%% %v, 50%% %v, median %v, want one each", x, b90, b50, med)
	}
	if !(b90[0][0] < b50[0][0] && b50[0][1] < b90[0][1]) {
		t.Errorf("50%% band %v: want strictly inside the 90%% band %v", b50[0], b90[0])
	}
	if !(b50[0][0] < med[0][0] && med[0][1] < b50[0][1]) {
		t.Errorf("median %v: want strictly inside the 50%% band %v", med[0], b50[0])
	}
	h90 := float64(b90[0][1] - b90[0][0])
	h50 := float64(b50[0][1] - b50[0][0])
	if r := h90 / h50; math.Abs(r-2/0.6) > 0.15 {
		t.Errorf("band height ratio: got %v, want 2/0.6 = %v ± 0.15", r, 2/0.6)
	}
	// The mode is a red dot above the 90% band (y = 1.5 > 1); look near
	// the middle column only, away from the legend's red thumbnail.
	mx, my, n := meanPos(img, x-10, x+10, func(c color.RGBA) bool { return near(c, colRed, 40) })
	if n == 0 {
		t.Fatal("no mode pixels")
	}
	if my >= float64(b90[0][0]) || math.Abs(mx-float64(x)) > 5 {
		t.Errorf("mode at (%v,%v): want above row %d near column %d", mx, my, b90[0][0], x)
	}
}

func TestQuantilesWithData(t *testing.T) {
	// Observed points only: renders, with grey dots.
	var buf bytes.Buffer
	xs, ys := []float64{0, 1, 2, 3}, []float64{1, 0, 1, 0}
	if err := Quantiles(&buf, xs, ys, nil, nil, nil, nil, nil, nil, nil, QuantilesOptions{}); err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, &buf)
	grey := func(c color.RGBA) bool { return c.R < 230 && c.R > 100 && c.R == c.G && c.G == c.B }
	if !anyPixel(img, grey) {
		t.Error("grey data pixels: got none, want some")
	}
}

func TestQuantilesErrors(t *testing.T) {
	grid := []float64{0, 1}
	two := []float64{0, 1}
	tests := []struct {
		name         string
		obsX, obsY   []float64
		grid         []float64
		lower, upper [][]float64
		median       []float64
		levels       []float64
		want         string
	}{
		{"nothing", nil, nil, nil, nil, nil, nil, nil, "plot: quantiles: nothing to draw: no bands, median, observed points or modes"},
		{"obs lengths", two, nil, nil, nil, nil, nil, nil, "plot: quantiles: observed: x and y lengths differ: 2 != 0"},
		{"band counts", nil, nil, grid, [][]float64{two}, nil, nil, []float64{0.5}, "plot: quantiles: got 1 levels, 1 lower and 0 upper bands, want equal counts"},
		{"level", nil, nil, grid, [][]float64{two}, [][]float64{two}, nil, []float64{1.5}, "plot: quantiles: levels[0] = 1.5, want in (0, 1)"},
		{"band length", nil, nil, grid, [][]float64{{0}}, [][]float64{two}, nil, []float64{0.5}, "plot: quantiles: level 0.5: lower and upper lengths 1 and 2, want the grid length 2"},
		{"crossed", nil, nil, grid, [][]float64{{0, 2}}, [][]float64{two}, nil, []float64{0.5}, "plot: quantiles: level 0.5 at x=1: lower 2 > upper 1"},
		{"nan band", nil, nil, grid, [][]float64{{0, nan()}}, [][]float64{two}, nil, []float64{0.5}, "plot: quantiles: lower[0][1]: not finite: NaN"},
		{"median length", nil, nil, grid, nil, nil, []float64{1}, nil, "plot: quantiles: median length 1, want the grid length 2"},
		{"empty grid", nil, nil, nil, [][]float64{{}}, [][]float64{{}}, nil, []float64{0.5}, "plot: quantiles: bands need a non-empty grid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Quantiles(&buf, tt.obsX, tt.obsY, tt.grid, tt.lower, tt.upper, tt.median, tt.levels, nil, nil, QuantilesOptions{})
			if err == nil || err.Error() != tt.want {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}
