package plot

import (
	"bytes"
	"image"
	"image/color"
	"math"
	"testing"
)

// rowsOf returns the mean row of the pixels in column x matching keep, and
// whether there is any.
func rowsOf(img image.Image, x int, keep func(color.RGBA) bool) (float64, bool) {
	sum, n := 0, 0
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		if keep(rgbAt(img, x, y)) {
			sum += y
			n++
		}
	}
	if n == 0 {
		return 0, false
	}
	return float64(sum) / float64(n), true
}

func anyPixel(img image.Image, keep func(color.RGBA) bool) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if keep(rgbAt(img, x, y)) {
				return true
			}
		}
	}
	return false
}

func TestHistoryDecreasing(t *testing.T) {
	isTrain := func(c color.RGBA) bool { return near(c, colBlue, 30) }
	isVal := func(c color.RGBA) bool { return near(c, colOrange, 30) }
	const n = 100
	step := make([]float64, n)
	train := make([]float64, n)
	val := make([]float64, n)
	for i := range n {
		step[i] = float64(i)
		train[i] = 5*math.Exp(-float64(i)/20) + 1 // decreasing
		val[i] = math.NaN()
		if i%10 == 0 {
			val[i] = train[i] + 0.5 // every 10 steps only
		}
	}
	tests := []struct {
		name    string
		val     []float64
		wantVal bool
	}{
		{"train and val", val, true},
		{"train only", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := History(&buf, step, train, tt.val, HistoryOptions{}); err != nil {
				t.Fatal(err)
			}
			img := decodePNG(t, &buf)
			// 6in × 4in at DPI = 100.
			if b := img.Bounds(); b.Dx() != 600 || b.Dy() != 400 {
				t.Errorf("size: got %dx%d, want 600x400", b.Dx(), b.Dy())
			}
			// Columns at 15% and 60% of the width, clear of the legend in
			// the top-right corner: the decreasing loss is drawn higher
			// (a smaller row) on the left.
			left, okL := rowsOf(img, 90, isTrain)
			right, okR := rowsOf(img, 360, isTrain)
			if !okL || !okR {
				t.Fatalf("training line in columns 90 and 360: got %v and %v, want both", okL, okR)
			}
			if left >= right {
				t.Errorf("training line rows: got %v at column 90 and %v at 360, want the left one higher (smaller)", left, right)
			}
			// The validation line joins its points across the NaNs, so it
			// shows in a column between two of them.
			_, got := rowsOf(img, 250, isVal)
			if got != tt.wantVal {
				t.Errorf("validation line in column 250: got %v, want %v", got, tt.wantVal)
			}
			if got := anyPixel(img, isVal); got != tt.wantVal {
				t.Errorf("any validation pixel: got %v, want %v", got, tt.wantVal)
			}
		})
	}
}

func TestHistoryErrors(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name             string
		step, train, val []float64
		want             string
	}{
		{"train length", []float64{0, 1}, []float64{1}, nil, "plot: history: step and train lengths differ: 2 != 1"},
		{"val length", []float64{0, 1}, []float64{1, 2}, []float64{1}, "plot: history: step and val lengths differ: 2 != 1"},
		{"nan step", []float64{0, nan}, []float64{1, 2}, nil, "plot: history: step[1]: not finite: NaN"},
		{"inf train", []float64{0, 1}, []float64{1, math.Inf(1)}, nil, "plot: history: train[1]: not finite: +Inf"},
		{"all nan", []float64{0, 1}, []float64{nan, nan}, []float64{nan, nan}, "plot: history: no finite train or val values"},
		{"empty", nil, nil, nil, "plot: history: no finite train or val values"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := History(&buf, tt.step, tt.train, tt.val, HistoryOptions{})
			if err == nil || err.Error() != tt.want {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}
