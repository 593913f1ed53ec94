package plot

import (
	"bytes"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
)

func TestHist2DPairSize(t *testing.T) {
	xs, ys := []float64{0, 1, 2}, []float64{0, 1, 4}
	tests := []struct {
		name         string
		opt          Hist2DOptions
		wantW, wantH int
	}{
		// 8in × 3in at DPI = 100.
		{"default", Hist2DOptions{}, 800, 300},
		// 4in × 2in at DPI = 100.
		{"custom", Hist2DOptions{Width: 4 * vg.Inch, Height: 2 * vg.Inch}, 400, 200},
		{"labels", Hist2DOptions{XLabel: "x", YLabel: "y"}, 800, 300},
		{"bare", Hist2DOptions{Bare: true}, 800, 300},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Hist2DPair(&buf, xs, ys, xs, ys, tt.opt); err != nil {
				t.Fatal(err)
			}
			b := decodePNG(t, &buf).Bounds()
			if b.Dx() != tt.wantW || b.Dy() != tt.wantH {
				t.Errorf("size: got %dx%d, want %dx%d", b.Dx(), b.Dy(), tt.wantW, tt.wantH)
			}
		})
	}
}

// TestHist2DPairCorners puts every observed point in the bottom-left cell
// and every sampled point in the top-right cell of a 35 × 35 grid over
// [0, 1]², so those cells must be the top colour Viridis(1) and the
// opposite corners the empty-bin colour Viridis(0).
func TestHist2DPairCorners(t *testing.T) {
	const n = 35
	obsX, obsY := []float64{0.001, 0.01, 0.02}, []float64{0.002, 0.01, 0.02}
	smpX, smpY := []float64{0.99, 1}, []float64{0.985, 1} // 1 is the upper edge: last cell
	var buf bytes.Buffer
	// The reference layout (Bare); TestHist2DPairAxes checks the default.
	opt := Hist2DOptions{XRange: &Range{0, 1}, YRange: &Range{0, 1}, Bare: true}
	if err := Hist2DPair(&buf, obsX, obsY, smpX, smpY, opt); err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, &buf)
	w := img.Bounds().Dx()
	top := Viridis(1)
	for k, c := range []struct {
		name          string
		full, emptyIJ [2]int
		x0, x1        int
	}{
		{"observed", [2]int{0, 0}, [2]int{n - 1, n - 1}, 0, w / 2},
		{"sampled", [2]int{n - 1, n - 1}, [2]int{0, 0}, w / 2, w},
	} {
		box, ok := boxOf(img, c.x0, c.x1, isEmptyBin)
		if !ok {
			t.Fatalf("%s: no empty-bin pixels in the panel", c.name)
		}
		// The panel is about 282 × 243 pixels (matplotlib's subplot
		// margins of an 800 × 300 figure); check it is roughly that.
		if box.Dx() < 250 || box.Dy() < 200 {
			t.Errorf("%s: panel box %v: got %dx%d, want at least 250x200", c.name, box, box.Dx(), box.Dy())
		}
		x, y := cellPixel(box, n, c.full[0], c.full[1])
		if got := rgbAt(img, x, y); !near(got, top, 2) {
			t.Errorf("%s: full cell pixel (%d,%d): got %v, want %v", c.name, x, y, got, top)
		}
		x, y = cellPixel(box, n, c.emptyIJ[0], c.emptyIJ[1])
		if got := rgbAt(img, x, y); !isEmptyBin(got) {
			t.Errorf("%s: empty cell pixel (%d,%d): got %v, want %v", c.name, x, y, got, emptyColor)
		}
		_ = k
	}
}

// TestHist2DPairSineBranches regenerates the original example,
// x = 7 sin(5y) + 0.5y + 0.5ε with y uniform on [−1, 1]. At x = 0 the curve
// 7 sin(5y) + 0.5y = 0 has three roots in [−1, 1], y ≈ 0 and y ≈ ±0.6
// (5y ≈ ±π), so the middle column of the observed panel must show exactly
// three separate bands of non-empty bins.
func TestHist2DPairSineBranches(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	obsX, obsY := sineData(rng, 5000)
	smpX, smpY := sineData(rng, 5000)
	var buf bytes.Buffer
	if err := Hist2DPair(&buf, obsX, obsY, smpX, smpY, Hist2DOptions{}); err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, &buf)
	for _, panel := range []struct {
		name   string
		x0, x1 int
	}{{"observed", 0, img.Bounds().Dx() / 2}, {"sampled", img.Bounds().Dx() / 2, img.Bounds().Dx()}} {
		box, ok := boxOf(img, panel.x0, panel.x1, isEmptyBin)
		if !ok {
			t.Fatalf("%s: no empty-bin pixels", panel.name)
		}
		// The x range is symmetric about 0 up to noise, so x = 0 is near the
		// middle column of the panel.
		x := (box.Min.X + box.Max.X) / 2
		notEmpty := func(c color.RGBA) bool { return !isEmptyBin(c) }
		got := bands(img, x, box.Min.Y, box.Max.Y, notEmpty)
		if len(got) != 3 {
			t.Errorf("%s: bands of non-empty bins in column %d: got %v, want 3 bands", panel.name, x, got)
			continue
		}
		// The bands lie near y = +0.6, 0 and −0.6, i.e. at fractions about
		// 0.2, 0.5 and 0.8 of the panel height from the top.
		for i, want := range []float64{0.2, 0.5, 0.8} {
			mid := float64(got[i][0]+got[i][1])/2 - float64(box.Min.Y)
			if f := mid / float64(box.Dy()); f < want-0.06 || f > want+0.06 {
				t.Errorf("%s: band %d at fraction %.3f of the height, want %.2f ± 0.06", panel.name, i, f, want)
			}
		}
	}
}

func TestHist2DPairErrors(t *testing.T) {
	ok := []float64{0, 1}
	bad := []float64{0, nan()}
	tests := []struct {
		name                   string
		obsX, obsY, smpX, smpY []float64
		opt                    Hist2DOptions
		want                   string
	}{
		{"obs length", ok, []float64{1}, ok, ok, Hist2DOptions{}, "plot: hist2d: observed: x and y lengths differ: 2 != 1"},
		{"smp length", ok, ok, ok, nil, Hist2DOptions{}, "plot: hist2d: sampled: x and y lengths differ: 2 != 0"},
		{"no obs", nil, nil, ok, ok, Hist2DOptions{}, "plot: hist2d: observed: no points"},
		{"no smp", ok, ok, []float64{}, []float64{}, Hist2DOptions{}, "plot: hist2d: sampled: no points"},
		{"nan data", bad, ok, ok, ok, Hist2DOptions{}, "plot: hist2d: observed x[1]: not finite: NaN"},
		{"bins", ok, ok, ok, ok, Hist2DOptions{Bins: -1}, "plot: hist2d: bins must be in [1, 2000], got -1"},
		{"too many bins", ok, ok, ok, ok, Hist2DOptions{Bins: 5000}, "plot: hist2d: bins must be in [1, 2000], got 5000"},
		{"nan range", ok, ok, ok, ok, Hist2DOptions{XRange: &Range{nan(), 1}}, "plot: hist2d: x range: must be finite, got [NaN, 1]"},
		{"empty range", ok, ok, ok, ok, Hist2DOptions{YRange: &Range{1, 1}}, "plot: hist2d: y range: min must be < max, got [1, 1]"},
		{"width", ok, ok, ok, ok, Hist2DOptions{Width: -vg.Inch}, "plot: hist2d: width must be in (0in, 50in], got -1in"},
		{"height", ok, ok, ok, ok, Hist2DOptions{Height: 51 * vg.Inch}, "plot: hist2d: height must be in (0in, 50in], got 51in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Hist2DPair(&buf, tt.obsX, tt.obsY, tt.smpX, tt.smpY, tt.opt)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
			if buf.Len() != 0 {
				t.Errorf("bytes written on error: got %d, want 0", buf.Len())
			}
		})
	}
}

func TestHistogram2D(t *testing.T) {
	r := Range{0, 1}
	// Cell (i, j) of a 2 × 2 grid over [0,1]² has index i*2 + j; the points
	// are placed by hand: (0,0) and (0.49,0.2) → (0,0); (0.5,0.9) → (1,1);
	// (1,0) upper x edge → (1,0); (1.5,0) and (−0.1,0.5) are outside.
	xs := []float64{0, 0.49, 0.5, 1, 1.5, -0.1}
	ys := []float64{0, 0.2, 0.9, 0, 0, 0.5}
	got := histogram2D(xs, ys, r, r, 2)
	want := []float64{2, 0, 1, 1}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("counts: got %v, want %v", got, want)
		}
	}
}

func TestDataRange(t *testing.T) {
	tests := []struct {
		name string
		vals [][]float64
		want Range
		ok   bool
	}{
		// span 10, padded by 2% = 0.2 on each side.
		{"span", [][]float64{{0, 4}, {10, nan()}}, Range{-0.2, 10.2}, true},
		// a single value gets ±0.5.
		{"single", [][]float64{{3, 3}}, Range{2.5, 3.5}, true},
		{"none", [][]float64{{nan()}}, Range{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := dataRange(tt.vals...)
			if ok != tt.ok || got != tt.want {
				t.Errorf("got %v %v, want %v %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func nan() float64 { return math.NaN() }

// TestHist2DPairAxes: the default figure has axes, with dark tick labels
// left of and below each panel, which the bare figure lacks.
func TestHist2DPairAxes(t *testing.T) {
	obsX, obsY := []float64{0, 1}, []float64{0, 1}
	dark := func(img image.Image, r image.Rectangle) int {
		n := 0
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				if c := rgbAt(img, x, y); c.R < 80 && c.G < 80 && c.B < 80 {
					n++
				}
			}
		}
		return n
	}
	for _, bare := range []bool{false, true} {
		var buf bytes.Buffer
		if err := Hist2DPair(&buf, obsX, obsY, obsX, obsY, Hist2DOptions{Bare: bare}); err != nil {
			t.Fatal(err)
		}
		img := decodePNG(t, &buf)
		box, ok := boxOf(img, 0, img.Bounds().Dx()/2, isEmptyBin)
		if !ok {
			t.Fatal("no panel")
		}
		below := image.Rect(box.Min.X, box.Max.Y+2, box.Max.X, min(box.Max.Y+40, img.Bounds().Max.Y))
		left := image.Rect(max(box.Min.X-40, 0), box.Min.Y, box.Min.X-2, box.Max.Y)
		nb, nl := dark(img, below), dark(img, left)
		if bare && (nb > 0 || nl > 0) {
			t.Errorf("bare: %d dark pixels below, %d left of the panel, want none", nb, nl)
		}
		if !bare && (nb < 20 || nl < 20) {
			t.Errorf("default: %d dark pixels below, %d left of the panel, want tick labels on both", nb, nl)
		}
	}
}

// TestRangeSpanFinite: a range whose width overflows (gonum/plot's tick
// search never ends on it) is an error, given or from the data; data near
// ±MaxFloat64 still get a usable range.
func TestRangeSpanFinite(t *testing.T) {
	if err := (Range{Min: -1e308, Max: 1e308}).validate("y range"); err == nil || !strings.Contains(err.Error(), "max − min must be finite") {
		t.Fatalf("got %v", err)
	}
	if _, err := resolveRange("y range", nil, []float64{-1e308, 1e308}); err == nil {
		t.Fatal("an overflowing data span was accepted")
	}
	r, err := resolveRange("y range", nil, []float64{1e308, 1e308})
	if err != nil || !(r.Min < 1e308 && r.Max > 1e308) || math.IsInf(r.Max-r.Min, 0) {
		t.Fatalf("constant data at 1e308: got %v, %v", r, err)
	}
	r, err = resolveRange("y range", nil, []float64{-8e307, 8e307})
	if err != nil || math.IsInf(r.Max-r.Min, 0) {
		t.Fatalf("got %v, %v", r, err)
	}
}
