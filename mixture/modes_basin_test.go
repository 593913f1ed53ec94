package mixture

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestModesMass1D checks, on random 1-D mixtures with narrow and wide
// components, each mode's mass against an independent oracle: from every
// component mean, walk uphill in steps of σ_min/64 (sign of a central
// difference of log p) to the first maximum; a mode's mass is the weight
// of the means that reach it. A fixed-point step that jumps across a narrow
// basin would give its start's weight to the wrong mode.
func TestModesMass1D(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 14))
	for trial := range 300 {
		k := 2 + rng.IntN(5)
		lw, mu, sd := make([]float64, k), make([]float64, k), make([]float64, k)
		for i := range k {
			lw[i] = math.Log(0.001 + rng.Float64())
			mu[i] = 6 * rng.Float64()
			sd[i] = math.Exp(-3 + 3.5*rng.Float64()) // 0.05 … 1.6
		}
		m, err := NewDiagonal(lw, mu, sd, k, 1)
		if err != nil {
			t.Fatal(err)
		}
		smin := sd[0]
		for _, s := range sd {
			smin = math.Min(smin, s)
		}
		lp := func(x float64) float64 { return m.LogProb([]float64{x}) }
		h := smin / 64
		type peak struct{ y, mass float64 }
		var oracle []peak
		for i := range k {
			x := mu[i]
			dir := 1.0
			if lp(x+h/8)-lp(x-h/8) < 0 {
				dir = -1
			}
			for lp(x+dir*h) > lp(x) {
				x += dir * h
			}
			merged := false
			for j := range oracle {
				if math.Abs(oracle[j].y-x) < 2*h {
					oracle[j].mass += math.Exp(m.LogWeights[i])
					merged = true
				}
			}
			if !merged {
				oracle = append(oracle, peak{x, math.Exp(m.LogWeights[i])})
			}
		}
		modes := m.Modes(ModeOptions{})
		for _, o := range oracle {
			var got *Mode
			for j := range modes {
				if math.Abs(modes[j].Y[0]-o.y) < 4*h {
					got = &modes[j]
				}
			}
			if got == nil {
				t.Fatalf("trial %d: %v: no mode near %v (mass %v); got %+v", trial, m, o.y, o.mass, modes)
			}
			if math.Abs(got.Mass-o.mass) > 1e-12 {
				t.Fatalf("trial %d: mode at %v: mass %v, want %v (means that climb to it)", trial, got.Y[0], got.Mass, o.mass)
			}
		}
	}
}

// gridMaxima returns the strict local maxima of log p on an n×n grid over
// [lo, hi]², each compared with its 8 neighbours: an oracle that shares no
// code with Modes.
func gridMaxima(m *Mixture, lo, hi float64, n int) [][2]float64 {
	st := (hi - lo) / float64(n)
	v := make([]float64, (n+1)*(n+1))
	for i := 0; i <= n; i++ {
		for j := 0; j <= n; j++ {
			v[i*(n+1)+j] = m.LogProb([]float64{lo + float64(i)*st, lo + float64(j)*st})
		}
	}
	var out [][2]float64
	for i := 1; i < n; i++ {
		for j := 1; j < n; j++ {
			c, ok := v[i*(n+1)+j], true
			for di := -1; di <= 1; di++ {
				for dj := -1; dj <= 1; dj++ {
					if (di != 0 || dj != 0) && v[(i+di)*(n+1)+j+dj] >= c {
						ok = false
					}
				}
			}
			if ok {
				out = append(out, [2]float64{lo + float64(i)*st, lo + float64(j)*st})
			}
		}
	}
	return out
}

// TestModesFindsModesBetweenMeans: in 2-D a mixture can have a mode that no
// component mean climbs to. Three equal unit components on an equilateral
// triangle of side 2.4 have four modes (the grid oracle finds them), the
// fourth at the centre; ring models of 8 components have modes between
// neighbours. Every grid maximum must be reported, a mode reached from no
// mean with mass 0.
func TestModesFindsModesBetweenMeans(t *testing.T) {
	L := 2.4
	tri, err := NewDiagonal([]float64{0, 0, 0}, []float64{0, 0, L, 0, L / 2, L * math.Sqrt(3) / 2}, []float64{1, 1, 1, 1, 1, 1}, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		m      *Mixture
		lo, hi float64
	}{{"triangle", tri, -3, L + 3}}
	rng := rand.New(rand.NewPCG(3, 3))
	for r := range 6 {
		k := 8
		lw, mu, sd := make([]float64, k), make([]float64, 2*k), make([]float64, 2*k)
		for i := range k {
			a := 2 * math.Pi * (float64(i) + 0.3*rng.Float64()) / float64(k)
			lw[i] = math.Log(0.5 + rng.Float64())
			mu[2*i], mu[2*i+1] = 3*math.Cos(a), 3*math.Sin(a)
			sd[2*i], sd[2*i+1] = 0.6+0.8*rng.Float64(), 0.6+0.8*rng.Float64()
		}
		m, err := NewDiagonal(lw, mu, sd, k, 2)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, struct {
			name   string
			m      *Mixture
			lo, hi float64
		}{"ring " + string(rune('0'+r)), m, -6, 6})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			grid := gridMaxima(c.m, c.lo, c.hi, 300)
			modes := c.m.Modes(ModeOptions{})
			st := 4 * (c.hi - c.lo) / 300 // a flat maximum is located by the grid only to a few cells
			var mass float64
			for _, md := range modes {
				mass += md.Mass
			}
			if math.Abs(mass-1) > 1e-12 {
				t.Errorf("masses sum to %v, want 1", mass)
			}
			for _, g := range grid {
				found := false
				for _, md := range modes {
					found = found || math.Hypot(md.Y[0]-g[0], md.Y[1]-g[1]) < st
				}
				if !found {
					t.Errorf("grid maximum at %v not reported; modes %+v", g, modes)
				}
			}
			if c.name == "triangle" && len(modes) != 4 {
				t.Errorf("got %d modes, want 4 (three near the vertices and the centre)", len(modes))
			}
		})
	}
}

// BenchmarkModes2D: a 2-D, K = 5 diagonal mixture (the extra starts of
// D ≥ 2 dominate the cost).
func BenchmarkModes2D(b *testing.B) {
	m, err := NewDiagonal([]float64{0, -0.5, -1, 0.3, -0.2}, []float64{0, 0, 2, 1, -1, 2, 3, -1, 0.5, -2},
		[]float64{1, 0.8, 0.7, 1.2, 0.9, 1, 0.6, 0.6, 1.1, 0.9}, 5, 2)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		m.Modes(ModeOptions{})
	}
}

// BenchmarkModes1D: a 1-D, K = 5 mixture (the basin scan of D = 1).
func BenchmarkModes1D(b *testing.B) {
	m, err := NewDiagonal([]float64{0, -0.5, -1, 0.3, -0.2}, []float64{0, 2, -1, 3, 0.5}, []float64{1, 0.7, 0.9, 0.6, 1.1}, 5, 1)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		m.Modes(ModeOptions{})
	}
}
