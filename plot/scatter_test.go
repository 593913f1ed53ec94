package plot

import (
	"bytes"
	"image"
	"image/color"
	"math/rand/v2"
	"testing"
)

// meanPos returns the mean pixel position of the pixels matching keep in
// the columns [x0, x1), and how many there are.
func meanPos(img image.Image, x0, x1 int, keep func(color.RGBA) bool) (mx, my float64, n int) {
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := x0; x < x1; x++ {
			if keep(rgbAt(img, x, y)) {
				mx += float64(x)
				my += float64(y)
				n++
			}
		}
	}
	if n > 0 {
		mx /= float64(n)
		my /= float64(n)
	}
	return mx, my, n
}

// blueish and orangeish classify the two point colours, opaque or 60%
// opaque over white (blue #1f77b4 → (121,173,210); orange #ff7f0e →
// (255,178,110)).
func blueish(c color.RGBA) bool   { return int(c.B) > int(c.R)+40 && c.B > 150 }
func orangeish(c color.RGBA) bool { return int(c.R) > int(c.B)+80 && c.R > 200 && c.G > 100 }

func TestScatter(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	cloud := func(cx, cy float64, n int) (xs, ys []float64) {
		for range n {
			xs = append(xs, cx+0.2*rng.NormFloat64())
			ys = append(ys, cy+0.2*rng.NormFloat64())
		}
		return xs, ys
	}
	// Observed around (−1, −1), sampled around (1, 1).
	obsA, obsB := cloud(-1, -1, 300)
	smpA, smpB := cloud(1, 1, 300)

	t.Run("panels", func(t *testing.T) {
		var buf bytes.Buffer
		if err := Scatter(&buf, obsA, obsB, smpA, smpB, ScatterOptions{}); err != nil {
			t.Fatal(err)
		}
		img := decodePNG(t, &buf)
		// 8in × 4in at DPI = 100.
		w := img.Bounds().Dx()
		if w != 800 || img.Bounds().Dy() != 400 {
			t.Fatalf("size: got %dx%d, want 800x400", w, img.Bounds().Dy())
		}
		for _, c := range []struct {
			name       string
			x0, x1     int
			blue, orng bool
		}{
			{"left panel", 0, w / 2, true, false},
			{"right panel", w / 2, w, false, true},
		} {
			_, _, nb := meanPos(img, c.x0, c.x1, blueish)
			_, _, no := meanPos(img, c.x0, c.x1, orangeish)
			if (nb > 0) != c.blue || (no > 0) != c.orng {
				t.Errorf("%s: got %d blue and %d orange pixels, want blue %v, orange %v", c.name, nb, no, c.blue, c.orng)
			}
		}
		// Within its panel the observed cloud sits bottom-left of centre
		// and the sampled cloud top-right.
		bx, by, _ := meanPos(img, 0, w/2, blueish)
		ox, oy, _ := meanPos(img, w/2, w, orangeish)
		if bx-0 > float64(w)/4 || ox-float64(w)/2 < float64(w)/4 {
			t.Errorf("cloud columns: got blue %v (panel 0..%d), orange %v (panel %d..%d)", bx, w/2, ox, w/2, w)
		}
		if by <= oy {
			t.Errorf("cloud rows: got blue %v, orange %v, want blue lower (larger row)", by, oy)
		}
	})
	t.Run("overlay", func(t *testing.T) {
		var buf bytes.Buffer
		if err := Scatter(&buf, obsA, obsB, smpA, smpB, ScatterOptions{Overlay: true}); err != nil {
			t.Fatal(err)
		}
		img := decodePNG(t, &buf)
		// 6in × 4.5in at DPI = 100.
		if b := img.Bounds(); b.Dx() != 600 || b.Dy() != 450 {
			t.Fatalf("size: got %dx%d, want 600x450", b.Dx(), b.Dy())
		}
		bx, by, nb := meanPos(img, 0, 600, blueish)
		ox, oy, no := meanPos(img, 0, 600, orangeish)
		if nb == 0 || no == 0 {
			t.Fatalf("pixels: got %d blue and %d orange, want both > 0", nb, no)
		}
		if bx >= ox || by <= oy {
			t.Errorf("mean positions: got blue (%v,%v), orange (%v,%v), want blue left of and below orange", bx, by, ox, oy)
		}
	})
}

func TestScatterErrors(t *testing.T) {
	ok := []float64{0, 1}
	tests := []struct {
		name                   string
		obsA, obsB, smpA, smpB []float64
		opt                    ScatterOptions
		want                   string
	}{
		{"lengths", ok, []float64{1}, ok, ok, ScatterOptions{}, "plot: scatter: observed: x and y lengths differ: 2 != 1"},
		{"no samples", ok, ok, nil, nil, ScatterOptions{}, "plot: scatter: sampled: no points"},
		{"nan", ok, ok, ok, []float64{0, nan()}, ScatterOptions{}, "plot: scatter: sampled y[1]: not finite: NaN"},
		{"range", ok, ok, ok, ok, ScatterOptions{XRange: &Range{2, 1}}, "plot: scatter: x range: min must be < max, got [2, 1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Scatter(&buf, tt.obsA, tt.obsB, tt.smpA, tt.smpB, tt.opt)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}
