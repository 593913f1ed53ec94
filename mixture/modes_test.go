package mixture

import (
	"math"
	"math/rand/v2"
	"testing"
)

// gridMaxima1D returns the local maxima of log p on the grid lo, lo+h, …, hi.
func gridMaxima1D(m *Mixture, lo, hi, h float64) []float64 {
	n := int((hi-lo)/h) + 1
	f := make([]float64, n)
	for i := range f {
		f[i] = m.LogProb([]float64{lo + float64(i)*h})
	}
	var out []float64
	for i := 1; i+1 < n; i++ {
		if f[i] > f[i-1] && f[i] >= f[i+1] {
			out = append(out, lo+float64(i)*h)
		}
	}
	return out
}

// gridMaxima2D returns the local maxima of log p over the 8-neighbourhoods
// of a square grid of step h on [x0, x1] × [y0, y1].
func gridMaxima2D(m *Mixture, x0, x1, y0, y1, h float64) [][]float64 {
	nx, ny := int((x1-x0)/h)+1, int((y1-y0)/h)+1
	f := make([]float64, nx*ny)
	y := make([]float64, 2)
	for i := range nx {
		for j := range ny {
			y[0], y[1] = x0+float64(i)*h, y0+float64(j)*h
			f[i*ny+j] = m.LogProb(y)
		}
	}
	var out [][]float64
	for i := 1; i+1 < nx; i++ {
		for j := 1; j+1 < ny; j++ {
			c, isMax := f[i*ny+j], true
			for di := -1; di <= 1 && isMax; di++ {
				for dj := -1; dj <= 1; dj++ {
					if di == 0 && dj == 0 {
						continue
					}
					v := f[(i+di)*ny+j+dj]
					// Strict against earlier neighbours, weak against later
					// ones, so a tie is reported once.
					if v > c || (v == c && (di < 0 || (di == 0 && dj < 0))) {
						isMax = false
						break
					}
				}
			}
			if isMax {
				out = append(out, []float64{x0 + float64(i)*h, y0 + float64(j)*h})
			}
		}
	}
	return out
}

// checkModes compares modes with grid maxima: same count, each mode within
// tol of a distinct grid maximum and at least as high; plus the invariants
// of Modes' result.
func checkModes(t *testing.T, m *Mixture, modes []Mode, grid [][]float64, tol float64) {
	t.Helper()
	if len(modes) != len(grid) {
		t.Fatalf("got %d modes %v, want %d (grid maxima %v)", len(modes), modes, len(grid), grid)
	}
	used := make([]bool, len(grid))
	var mass float64
	for i, md := range modes {
		if got, want := md.LogDensity, m.LogProb(md.Y); got != want {
			t.Errorf("mode %d LogDensity: got %v, want LogProb(Y) = %v", i, got, want)
		}
		if i > 0 && md.LogDensity > modes[i-1].LogDensity {
			t.Errorf("mode %d: density %v above mode %d's %v, want highest first", i, md.LogDensity, i-1, modes[i-1].LogDensity)
		}
		if !(md.Mass > 0) {
			t.Errorf("mode %d mass: got %v, want > 0", i, md.Mass)
		}
		mass += md.Mass
		match := -1
		for g, y := range grid {
			if !used[g] && distance(y, md.Y) <= tol {
				match = g
				break
			}
		}
		if match < 0 {
			t.Errorf("mode %d at %v: no grid maximum within %v, want one of %v", i, md.Y, tol, grid)
			continue
		}
		used[match] = true
		// The true maximum is at least as high as any grid point near it.
		if g := m.LogProb(grid[match]); md.LogDensity < g-1e-12 {
			t.Errorf("mode %d at %v: log density %v below the grid maximum's %v", i, md.Y, md.LogDensity, g)
		}
	}
	if math.Abs(mass-1) > 1e-12 {
		t.Errorf("total mass: got %v, want 1", mass)
	}
}

func TestModes1D(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	tests := []struct {
		name string
		m    *Mixture
		want int // number of modes, from the grid; checked here too
	}{
		{"single", mustDiag(t, []float64{1}, []float64{2}, []float64{3}, 1), 1},
		{"overlapping", mustDiag(t, []float64{0.5, 0.5}, []float64{0, 1}, []float64{1, 1}, 1), 1},
		{"separated", mustDiag(t, []float64{0.3, 0.7}, []float64{0, 10}, []float64{1, 1}, 1), 2},
		{"trimodal", mustDiag(t, []float64{0.3, 0.4, 0.3}, []float64{-3, 0.5, 4}, []float64{0.6, 0.8, 1}, 1), 3},
		{"narrow on broad", mustDiag(t, []float64{0.9, 0.1}, []float64{0, 3}, []float64{2, 0.1}, 1), 2},
		// Start at 0 is a local minimum by symmetry (the fixed point does
		// not move); Modes must escape it to both sides.
		{"start at minimum", mustDiag(t, []float64{0.45, 0.1, 0.45}, []float64{-3, 0, 3}, []float64{1, 3, 1}, 1), 2},
		{"random K=5", randomMixture(t, rng, 5, 1), -1},
		{"random K=5 again", randomMixture(t, rng, 5, 1), -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lo, hi, _ := span1D(tt.m, 6)
			const h = 1e-3
			xs := gridMaxima1D(tt.m, lo, hi, h)
			if tt.want >= 0 && len(xs) != tt.want {
				t.Fatalf("grid search: got %d maxima %v, want %d", len(xs), xs, tt.want)
			}
			grid := make([][]float64, len(xs))
			for i, x := range xs {
				grid[i] = []float64{x}
			}
			modes := tt.m.Modes(ModeOptions{})
			checkModes(t, tt.m, modes, grid, h)
		})
	}
}

func TestModesExactCases(t *testing.T) {
	// 0.5 N(0,1) + 0.5 N(1,1): one mode, at 0.5 by symmetry, holding all starts.
	m := mustDiag(t, []float64{0.5, 0.5}, []float64{0, 1}, []float64{1, 1}, 1)
	modes := m.Modes(ModeOptions{})
	if len(modes) != 1 || math.Abs(modes[0].Y[0]-0.5) > 1e-12 || math.Abs(modes[0].Mass-1) > 1e-15 {
		t.Errorf("overlapping: got %+v, want one mode at 0.5 with mass 1", modes)
	}
	// 0.3 N(0,1) + 0.7 N(10,1): two modes, the heavier (near 10) first. The
	// other component shifts each mode by about π_l/π_k · 10 e^{−50}, far
	// below 1e-12.
	m = mustDiag(t, []float64{0.3, 0.7}, []float64{0, 10}, []float64{1, 1}, 1)
	modes = m.Modes(ModeOptions{})
	if len(modes) != 2 {
		t.Fatalf("separated: got %d modes %+v, want 2", len(modes), modes)
	}
	for i, want := range []struct{ y, mass float64 }{{10, 0.7}, {0, 0.3}} {
		if math.Abs(modes[i].Y[0]-want.y) > 1e-12 || math.Abs(modes[i].Mass-want.mass) > 1e-15 {
			t.Errorf("separated mode %d: got %+v, want Y %v mass %v", i, modes[i], want.y, want.mass)
		}
	}
	// Symmetric escape from the minimum at 0: two modes of mass 0.5 each,
	// at ±x of equal density.
	m = mustDiag(t, []float64{0.45, 0.1, 0.45}, []float64{-3, 0, 3}, []float64{1, 3, 1}, 1)
	modes = m.Modes(ModeOptions{})
	if len(modes) != 2 || math.Abs(modes[0].Mass-0.5) > 1e-15 || math.Abs(modes[1].Mass-0.5) > 1e-15 ||
		math.Abs(modes[0].Y[0]+modes[1].Y[0]) > 1e-9 {
		t.Errorf("start at minimum: got %+v, want two modes at ±x with mass 0.5 each", modes)
	}
	// 0.5 N(0,1) + 0.5 N(2,1) is at the bifurcation: p″(1) = 0 and 1 is a
	// flat (quartic) mode, approached sublinearly from both starts.
	m = mustDiag(t, []float64{0.5, 0.5}, []float64{0, 2}, []float64{1, 1}, 1)
	modes = m.Modes(ModeOptions{})
	if len(modes) != 1 || math.Abs(modes[0].Y[0]-1) > 1e-2 || math.Abs(modes[0].Mass-1) > 1e-15 {
		t.Errorf("degenerate: got %+v, want one mode near 1 with mass 1", modes)
	}
	// Just past the bifurcation, 0.5 N(0,1) + 0.5 N(2.01,1) has two modes.
	m = mustDiag(t, []float64{0.5, 0.5}, []float64{0, 2.01}, []float64{1, 1}, 1)
	if modes = m.Modes(ModeOptions{}); len(modes) != 2 {
		t.Errorf("past the bifurcation: got %+v, want 2 modes", modes)
	}
	// 2-D: 0.5 N((0,0), I) + 0.5 N((1,0), I) has one mode at (0.5, 0).
	m = mustDiag(t, []float64{0.5, 0.5}, []float64{0, 0, 1, 0}, []float64{1, 1, 1, 1}, 2)
	modes = m.Modes(ModeOptions{})
	if len(modes) != 1 || math.Abs(modes[0].Y[0]-0.5) > 1e-12 || math.Abs(modes[0].Y[1]) > 1e-12 {
		t.Errorf("2-D overlapping: got %+v, want one mode at (0.5, 0)", modes)
	}
}

func TestModes2D(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	three, err := New(
		[]float64{math.Log(0.5), math.Log(0.3), math.Log(0.2)},
		[]float64{0, 0, 4, 1, 1, 5},
		[]float64{1, 0, 0.6, 0.8, 0.7, 0, -0.3, 0.5, 0.5, 0, 0.2, 1.2},
		3, 2)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		m    *Mixture
		want int
	}{
		{"three separated", three, 3},
		{"overlapping", mustDiag(t, []float64{0.5, 0.5}, []float64{0, 0, 1, 0}, []float64{1, 1, 1, 1}, 2), 1},
		// The middle mean (0, 0) is a saddle: a minimum along x, a maximum
		// along y. The fixed point does not move from it by symmetry.
		{"start at saddle", mustDiag(t, []float64{0.45, 0.1, 0.45}, []float64{-3, 0, 0, 0, 3, 0}, []float64{1, 1, 3, 0.5, 1, 1}, 2), 2},
		{"random K=3", randomMixture(t, rng, 3, 2), -1},
		{"random K=4", randomMixture(t, rng, 4, 2), -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const h = 0.02
			x0, x1, y0, y1 := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
			for k := 0; k < tt.m.K; k++ {
				x0, x1 = math.Min(x0, tt.m.Means[2*k]), math.Max(x1, tt.m.Means[2*k])
				y0, y1 = math.Min(y0, tt.m.Means[2*k+1]), math.Max(y1, tt.m.Means[2*k+1])
			}
			grid := gridMaxima2D(tt.m, x0-3, x1+3, y0-3, y1+3, h)
			if tt.want >= 0 && len(grid) != tt.want {
				t.Fatalf("grid search: got %d maxima %v, want %d", len(grid), grid, tt.want)
			}
			modes := tt.m.Modes(ModeOptions{})
			checkModes(t, tt.m, modes, grid, 2*h)
		})
	}
}
