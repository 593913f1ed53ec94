package figure

import (
	"math"
	"testing"
)

func TestFillsWindow(t *testing.T) {
	for _, c := range []struct {
		v    []float64
		want bool
	}{
		{[]float64{-7.5, 0, 7.9}, true}, // the example: spans most of [-8, 8]
		{[]float64{0, 0.5, 1}, false},   // inside, but a small corner of it
		{[]float64{-9, 0, 7}, false},    // outside
		{[]float64{-4, 0, 4.01}, true},  // half of it
	} {
		if got := fills(c.v, ex1dX); got != c.want {
			t.Errorf("fills(%v) = %v, want %v", c.v, got, c.want)
		}
	}
}

// TestAddNormal checks the recurrence against the density computed cell by
// cell to 1e-10 relative (200 steps of up to |z h| ≈ 65 ulps each),
// scale·exp(−z²/2)/(σ√(2π)), for means inside, at the edge of and
// outside the grid, narrow and wide σ.
func TestAddNormal(t *testing.T) {
	const n = 200
	y0, dy := -3.0, 0.03
	for _, c := range []struct{ mu, sigma float64 }{
		{0, 1}, {-2.99, 0.01}, {2.97, 0.5}, {-10, 1}, {10, 2}, {1.2345, 0.004}, {0.5, 40},
	} {
		got := make([]float64, n)
		addNormal(got, y0, dy, c.mu, c.sigma, 0.7)
		for j, g := range got {
			z := (y0 + float64(j)*dy - c.mu) / c.sigma
			want := 0.7 * math.Exp(-z*z/2) / (c.sigma * math.Sqrt(2*math.Pi))
			if math.Abs(z) > normalTail {
				want = 0
			}
			if math.Abs(g-want) > 1e-10*want+1e-300 { // see addNormal: n·(1 + |z h|) ulps
				t.Errorf("mu %v sigma %v: cell %d (z %.3g) = %v, want %v", c.mu, c.sigma, j, z, g, want)
				break
			}
		}
	}
}
