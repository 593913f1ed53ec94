package plot

import (
	"bytes"
	"image/color"
	"math"
	"testing"
)

func TestPITDensity(t *testing.T) {
	tests := []struct {
		name string
		u    []float64
		bins int
		want []float64
	}{
		// 4 values, 2 bins of width 1/2: height = count / (4 · 1/2).
		{"even", []float64{0.1, 0.2, 0.6, 1}, 2, []float64{1, 1}},
		{"skewed", []float64{0, 0.1, 0.2, 0.3}, 2, []float64{2, 0}},
		// 1 (the upper edge) goes in the last bin.
		{"edge", []float64{1}, 4, []float64{0, 0, 0, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pitDensity(tt.u, tt.bins)
			for b := range tt.want {
				if math.Abs(got[b]-tt.want[b]) > 1e-12 {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// pitBars draws the PIT histogram of u with 20 bins and returns, for each
// bar, its top pixel row (−1 if the bar has no pixels), and the row of the
// red uniform line.
func pitBars(t *testing.T, u []float64) (tops []int, lineRow int) {
	t.Helper()
	var buf bytes.Buffer
	if err := PIT(&buf, u, PITOptions{}); err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, &buf)
	// 6in × 4in at DPI = 100.
	if b := img.Bounds(); b.Dx() != 600 || b.Dy() != 400 {
		t.Fatalf("size: got %dx%d, want 600x400", b.Dx(), b.Dy())
	}
	isBar := func(c color.RGBA) bool { return near(c, pitBarColor, 3) }
	isLine := func(c color.RGBA) bool { return near(c, colRed, 40) }
	if _, ok := boxOf(img, 0, img.Bounds().Dx(), isBar); !ok {
		t.Fatal("no bar pixels")
	}
	lineBox, ok := boxOf(img, 0, img.Bounds().Dx(), isLine)
	if !ok {
		t.Fatal("no uniform-line pixels")
	}
	lineRow = (lineBox.Min.Y + lineBox.Max.Y - 1) / 2
	// The uniform line spans x in [0, 1] exactly, like the bars: bar b's
	// centre is at fraction (b + 1/2)/20 of the line's width.
	for b := range 20 {
		x := lineBox.Min.X + int((float64(b)+0.5)/20*float64(lineBox.Dx()))
		top := -1
		for y := range img.Bounds().Dy() {
			if isBar(rgbAt(img, x, y)) {
				top = y
				break
			}
		}
		tops = append(tops, top)
	}
	return tops, lineRow
}

func TestPITFlat(t *testing.T) {
	// u_i = (i + 1/2)/2000: exactly 100 values in each of 20 bins, so every
	// bar has density 100 / (2000 · 1/20) = 1, the height of the line.
	u := make([]float64, 2000)
	for i := range u {
		u[i] = (float64(i) + 0.5) / 2000
	}
	tops, line := pitBars(t, u)
	for b, top := range tops {
		if top < 0 || math.Abs(float64(top-line)) > 3 {
			t.Errorf("bar %d top row: got %d, want %d ± 3 (the uniform line)", b, top, line)
		}
	}
}

func TestPITSkewed(t *testing.T) {
	// All values in [0, 0.5): the first 10 bars have density 2 (above the
	// line), the last 10 are empty.
	u := make([]float64, 1000)
	for i := range u {
		u[i] = 0.5 * (float64(i) + 0.5) / 1000
	}
	tops, line := pitBars(t, u)
	for b, top := range tops {
		switch {
		case b < 10 && (top < 0 || top >= line-20):
			t.Errorf("bar %d top row: got %d, want well above the line at %d", b, top, line)
		case b >= 10 && top != -1:
			t.Errorf("bar %d top row: got %d, want no bar pixels (empty bin)", b, top)
		}
	}
}

func TestPITErrors(t *testing.T) {
	tests := []struct {
		name string
		u    []float64
		opt  PITOptions
		want string
	}{
		{"empty", nil, PITOptions{}, "plot: pit: no values"},
		{"above 1", []float64{0.5, 1.5}, PITOptions{}, "plot: pit: value[1] = 1.5, want in [0, 1]"},
		{"nan", []float64{nan()}, PITOptions{}, "plot: pit: value[0] = NaN, want in [0, 1]"},
		{"bins", []float64{0.5}, PITOptions{Bins: -2}, "plot: pit: bins must be in [1, 2000], got -2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := PIT(&buf, tt.u, tt.opt)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}
