package plot

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"testing"
)

// decodePNG decodes the PNG in buf, failing the test on error.
func decodePNG(t *testing.T, buf *bytes.Buffer) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("decode png: %v", err)
	}
	return img
}

// rgbAt returns the 8-bit colour of img at (x, y).
func rgbAt(img image.Image, x, y int) color.RGBA {
	r, g, b, a := img.At(x, y).RGBA()
	return color.RGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: uint8(a >> 8)}
}

// near reports whether every channel of a and b differs by at most tol.
func near(a, b color.RGBA, tol int) bool {
	d := func(x, y uint8) int { return int(math.Abs(float64(int(x) - int(y)))) }
	return d(a.R, b.R) <= tol && d(a.G, b.G) <= tol && d(a.B, b.B) <= tol
}

// emptyColor is the colour of an empty bin: the lowest viridis colour.
var emptyColor = Viridis(0)

// isEmptyBin reports whether c is the empty-bin colour (within rounding).
func isEmptyBin(c color.RGBA) bool { return near(c, emptyColor, 2) }

// boxOf returns the bounding box of the pixels of img with x in [x0, x1)
// for which keep is true; ok is false if there is none.
func boxOf(img image.Image, x0, x1 int, keep func(color.RGBA) bool) (box image.Rectangle, ok bool) {
	b := img.Bounds()
	box = image.Rectangle{Min: image.Pt(x1, b.Max.Y), Max: image.Pt(x0, b.Min.Y)}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := x0; x < x1; x++ {
			if !keep(rgbAt(img, x, y)) {
				continue
			}
			ok = true
			box.Min.X = min(box.Min.X, x)
			box.Min.Y = min(box.Min.Y, y)
			box.Max.X = max(box.Max.X, x+1)
			box.Max.Y = max(box.Max.Y, y+1)
		}
	}
	return box, ok
}

// cellPixel returns the pixel at the centre of cell (i, j) of an n × n grid
// drawn in box, i counting to the right and j upwards.
func cellPixel(box image.Rectangle, n, i, j int) (x, y int) {
	fx := (float64(i) + 0.5) / float64(n)
	fy := (float64(j) + 0.5) / float64(n)
	return box.Min.X + int(fx*float64(box.Dx())), box.Max.Y - 1 - int(fy*float64(box.Dy()))
}

// bands returns the runs [start, end) of consecutive rows y in [y0, y1) of
// column x for which keep is true.
func bands(img image.Image, x, y0, y1 int, keep func(color.RGBA) bool) [][2]int {
	var out [][2]int
	start := -1
	for y := y0; y < y1; y++ {
		k := keep(rgbAt(img, x, y))
		switch {
		case k && start < 0:
			start = y
		case !k && start >= 0:
			out = append(out, [2]int{start, y})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, [2]int{start, y1})
	}
	return out
}

// sineData returns n points of the original MDN example: y uniform on
// [−1, 1] and x = 7 sin(5y) + 0.5 y + 0.5 ε with ε standard normal.
func sineData(rng *rand.Rand, n int) (xs, ys []float64) {
	xs, ys = make([]float64, n), make([]float64, n)
	for i := range n {
		y := 2*rng.Float64() - 1
		xs[i] = 7*math.Sin(5*y) + 0.5*y + 0.5*rng.NormFloat64()
		ys[i] = y
	}
	return xs, ys
}
