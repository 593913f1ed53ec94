package plot

import (
	"bytes"
	"image/color"
	"math"
	"testing"
)

// TestRegionTwoIntervals draws a region of two intervals, [−1.5, −0.5] and
// [0.5, 1.5], at every x of [0, 1] with y fixed to [−2, 2]: a column in the
// middle must cross two orange runs of equal height, with the gap between
// them as tall as each run (1 in data units), and the central interval's
// dashed ends at ±1.8 must appear in blue.
func TestRegionTwoIntervals(t *testing.T) {
	grid := []float64{0, 0.25, 0.5, 0.75, 1}
	region := make([][][2]float64, len(grid))
	lower, upper := make([]float64, len(grid)), make([]float64, len(grid))
	for g := range grid {
		region[g] = [][2]float64{{-1.5, -0.5}, {0.5, 1.5}}
		lower[g], upper[g] = -1.8, 1.8
	}
	var buf bytes.Buffer
	if err := Region(&buf, nil, nil, grid, region, lower, upper, RegionOptions{YRange: &Range{Min: -2, Max: 2}}); err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, &buf)
	if b := img.Bounds(); b.Dx() != 720 || b.Dy() != 450 {
		t.Fatalf("size: got %dx%d, want 720x450", b.Dx(), b.Dy())
	}
	orange := func(c color.RGBA) bool { return near(c, regionCol, 6) }
	runs := bands(img, 300, 0, 450, orange)
	if len(runs) != 2 {
		t.Fatalf("orange runs in column 300: %v, want 2", runs)
	}
	h0, h1 := runs[0][1]-runs[0][0], runs[1][1]-runs[1][0]
	gap := runs[1][0] - runs[0][1]
	if math.Abs(float64(h0-h1)) > 2 || math.Abs(float64(gap-h0)) > 3 {
		t.Errorf("runs %v: heights %d, %d and gap %d, want equal", runs, h0, h1, gap)
	}
	if !anyPixel(img, func(c color.RGBA) bool { return near(c, intervalCol, 30) }) {
		t.Error("no interval pixels")
	}
}

func TestRegionErrors(t *testing.T) {
	grid := []float64{0, 1}
	for _, c := range []struct {
		name   string
		grid   []float64
		region [][][2]float64
		want   string
	}{
		{"lengths", grid, [][][2]float64{{{0, 1}}}, "plot: region: 2 grid values and 1 regions, want the same number ≥ 2"},
		{"reversed", grid, [][][2]float64{{{0, 1}}, {{2, 1}}}, "plot: region: region 1: interval [2, 1]"},
		{"order", []float64{1, 0}, [][][2]float64{{{0, 1}}, {{0, 1}}}, "plot: region: grid: not ascending at 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Region(&buf, nil, nil, c.grid, c.region, nil, nil, RegionOptions{})
			if err == nil || err.Error() != c.want {
				t.Errorf("got %v, want %q", err, c.want)
			}
		})
	}
}
