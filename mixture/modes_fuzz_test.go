package mixture

import (
	"math"
	"testing"
)

// TestModesHugeLocations: a 1-D mixture whose means are so large that the
// float spacing there (about 1e282) is far wider than Tol·σ_min (σ ≈ 6e-4)
// used to keep checkBasin's golden section from ever ending (mdn predict
// --what mode at x = 1e300 hung). The components are 1e298 apart, so each
// mean is its own mode with half the mass.
func TestModesHugeLocations(t *testing.T) {
	mu := []float64{7.503173715071988e+297, 1.908650512572518e+298}
	m := mustDiag(t, []float64{0.5, 0.5}, mu, []float64{5.736796898581594e-4, 5.736796898581594e-4}, 1)
	modes := m.Modes(ModeOptions{})
	if len(modes) != 2 {
		t.Fatalf("got %d modes %v, want 2", len(modes), modes)
	}
	for _, md := range modes {
		if md.Y[0] != mu[0] && md.Y[0] != mu[1] {
			t.Errorf("mode at %v, want one of the means %v", md.Y[0], mu)
		}
		if md.Mass != 0.5 {
			t.Errorf("mode at %v has mass %v, want 0.5", md.Y[0], md.Mass)
		}
	}
}

// FuzzModes: Modes ends on every valid mixture of up to 3 components in
// D = 1 or 2 (means and scales anywhere in the float64 range), and what it
// returns is consistent: highest LogDensity first, each LogDensity log p
// at its Y, finite Y, masses in [0, 1] summing to 1.
func FuzzModes(f *testing.F) {
	f.Add(uint8(1), uint8(2), 0.0, 0.0, 0.0, 7.503173715071988e+297, 1.908650512572518e+298, 0.0, 5.7e-4, 5.7e-4, 1.0, 0.0)
	f.Add(uint8(1), uint8(2), 0.0, 0.0, 0.0, 0.0, 2.0, 0.0, 1.0, 1.0, 1.0, 0.0)
	f.Add(uint8(2), uint8(3), 0.0, 1.0, -1.0, 0.0, 3.0, -3.0, 1.0, 0.5, 2.0, 0.3)
	f.Add(uint8(1), uint8(3), 0.0, 0.0, -700.0, -1e300, 1e300, 1e-300, 1e-300, 1e300, 1.0, 0.0)
	f.Fuzz(func(t *testing.T, d, k uint8, w0, w1, w2, a, b, c, s0, s1, s2, rho float64) {
		D, K := 1+int(d%2), 1+int(k%3)
		lw := []float64{w0, w1, w2}[:K]
		vals := []float64{a, b, c, b - a, c - b, a + c}
		sig := []float64{s0, s1, s2}
		means := make([]float64, K*D)
		for i := range means {
			means[i] = vals[i%len(vals)]
		}
		chol := make([]float64, K*D*D)
		for q := range K {
			for j := range D {
				chol[q*D*D+j*D+j] = math.Abs(sig[(q+j)%3])
			}
			if D == 2 {
				chol[q*D*D+2] = rho * chol[q*D*D]
			}
		}
		m, err := New(lw, means, chol, K, D)
		if err != nil {
			return
		}
		modes := m.Modes(ModeOptions{})
		var mass float64
		for i, md := range modes {
			for _, y := range md.Y {
				if math.IsNaN(y) || math.IsInf(y, 0) {
					t.Fatalf("mode %d at %v, not finite", i, md.Y)
				}
			}
			if i > 0 && md.LogDensity > modes[i-1].LogDensity {
				t.Fatalf("modes not sorted: %v after %v", md.LogDensity, modes[i-1].LogDensity)
			}
			// Both may be NaN: with scales 1e600 apart, LogProb's forward
			// substitution meets 0·Inf (left alone here; Modes must end).
			lp := m.LogProb(md.Y)
			same := lp == md.LogDensity || math.IsNaN(lp) && math.IsNaN(md.LogDensity)
			if !same && !(math.Abs(lp-md.LogDensity) <= 1e-9*math.Max(1, math.Abs(lp))) {
				t.Fatalf("mode %d: LogDensity %v, log p(Y) = %v", i, md.LogDensity, lp)
			}
			if !(md.Mass >= 0 && md.Mass <= 1+1e-12) {
				t.Fatalf("mode %d: mass %v", i, md.Mass)
			}
			mass += md.Mass
		}
		if len(modes) > 0 && math.Abs(mass-1) > 1e-9 {
			t.Fatalf("masses sum to %v, want 1 (%v)", mass, modes)
		}
	})
}
