package mixture

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// univariateCases are D = 1 mixtures used by the CDF, Quantile and CRPS tests.
func univariateCases(t *testing.T) map[string]*Mixture {
	return map[string]*Mixture{
		"standard normal": mustDiag(t, []float64{1}, []float64{0}, []float64{1}, 1),
		"bimodal":         mustDiag(t, []float64{0.3, 0.7}, []float64{-2, 3}, []float64{0.5, 2}, 1),
		"far apart":       mustDiag(t, []float64{0.5, 0.5}, []float64{0, 1e4}, []float64{1, 1}, 1),
		"far uneven":      mustDiag(t, []float64{0.999, 0.001}, []float64{0, 1e3}, []float64{1, 0.01}, 1),
		"narrow+broad":    mustDiag(t, []float64{0.3, 0.7}, []float64{2, -1}, []float64{0.05, 20}, 1),
		"random K=5":      randomMixture(t, rand.New(rand.NewPCG(31, 32)), 5, 1),
	}
}

func TestCDFReferenceValues(t *testing.T) {
	n := mustDiag(t, []float64{1}, []float64{0}, []float64{1}, 1)
	tests := []struct {
		y, want, tol float64
	}{
		// Reference values from mpmath.ncdf at 30 digits.
		{0, 0.5, 0},
		{1.96, 0.9750021048517795, 1e-15},
		{-1.96, 1 - 0.9750021048517795, 1e-13},
		// Deep in the tail the rounding of −y/√2 is amplified by 2(y/√2)²:
		// 900·1.1e-16 ≈ 1e-13 relative.
		{-30, 4.906713927148187e-198, 1e-12},
		{-40, 0, 0}, // Φ(−40) ≈ 3.7e-350 underflows
		{math.Inf(-1), 0, 0},
		{math.Inf(1), 1, 0},
	}
	for _, tt := range tests {
		if got := n.CDF(tt.y); relErr(got, tt.want) > tt.tol {
			t.Errorf("Φ(%v): got %v, want %v", tt.y, got, tt.want)
		}
	}
}

func TestCDFIsIntegralOfDensity(t *testing.T) {
	for name, m := range univariateCases(t) {
		t.Run(name, func(t *testing.T) {
			lo, hi, _ := span1D(m, 40)
			buf := make([]float64, 1)
			pdf := func(x float64) float64 { buf[0] = x; return math.Exp(m.LogProb(buf)) }
			for i := 1; i < 10; i++ {
				y := lo + (hi-lo)*float64(i)/10
				want := integrateMixture(m, pdf, lo, y)
				if got := m.CDF(y); math.Abs(got-want) > 1e-10 {
					t.Errorf("F(%v): got %v, want ∫p = %v", y, got, want)
				}
			}
		})
	}
}

func TestQuantileInvertsCDF(t *testing.T) {
	ps := []float64{1e-6, 0.05, 0.5, 0.95, 1 - 1e-6}
	for name, m := range univariateCases(t) {
		t.Run(name, func(t *testing.T) {
			for _, p := range ps {
				q, err := m.Quantile(p)
				if err != nil {
					t.Fatalf("Quantile(%v): %v", p, err)
				}
				got := m.CDF(q)
				// Absolute 1e-9 as asked, and relative to the tail probability,
				// which matters for p = 1e-6.
				if d := math.Abs(got - p); d > 1e-9 || d > 1e-9*math.Min(p, 1-p) {
					t.Errorf("F(Q(%v)) = F(%v): got %v, want %v", p, q, got, p)
				}
			}
		})
	}
}

func TestQuantileReferenceValues(t *testing.T) {
	n := mustDiag(t, []float64{1}, []float64{2}, []float64{3}, 1)
	tests := []struct {
		p, z float64 // z = Φ⁻¹(p) from mpmath (root of ncdf at 30 digits)
	}{
		{0.975, 1.959963984540054},
		{0.05, -1.6448536269514722},
		{0.5, 0},
		{1e-6, -4.753424308822899},
	}
	for _, tt := range tests {
		want := 2 + 3*tt.z // N(2, 3²)
		got, err := n.Quantile(tt.p)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
			t.Errorf("Q(%v): got %v, want %v", tt.p, got, want)
		}
	}
}

func TestQuantileErrors(t *testing.T) {
	m := mustDiag(t, []float64{1}, []float64{0}, []float64{1}, 1)
	for _, tt := range []struct {
		p    float64
		want string
	}{
		{-0.1, "mixture: quantile: p must be in [0, 1], got -0.1"},
		{1.5, "mixture: quantile: p must be in [0, 1], got 1.5"},
		{math.NaN(), "mixture: quantile: p must be in [0, 1], got NaN"},
	} {
		if _, err := m.Quantile(tt.p); err == nil || err.Error() != tt.want {
			t.Errorf("Quantile(%v): got %v, want %q", tt.p, err, tt.want)
		}
	}
	if q, err := m.Quantile(0); err != nil || !math.IsInf(q, -1) {
		t.Errorf("Quantile(0): got %v, %v, want -Inf, nil", q, err)
	}
	if q, err := m.Quantile(1); err != nil || !math.IsInf(q, 1) {
		t.Errorf("Quantile(1): got %v, %v, want +Inf, nil", q, err)
	}
	m2 := mustDiag(t, []float64{1}, []float64{0, 0}, []float64{1, 1}, 2)
	_, err := m2.Quantile(0.5)
	if !errors.Is(err, ErrNotUnivariate) {
		t.Errorf("Quantile on D=2: got %v, want an error wrapping ErrNotUnivariate", err)
	}
	if got := m2.CDF(0); !math.IsNaN(got) {
		t.Errorf("CDF on D=2: got %v, want NaN", got)
	}
	if got := m2.CRPS(0); !math.IsNaN(got) {
		t.Errorf("CRPS on D=2: got %v, want NaN", got)
	}
}

func TestCRPSGaussianClosedForm(t *testing.T) {
	// Single Gaussian, Gneiting & Raftery (2007, eq. 21):
	// CRPS(N(μ,σ²), y) = σ [z (2Φ(z) − 1) + 2φ(z) − 1/√π],  z = (y − μ)/σ.
	mu, sigma := 1.5, 2.0
	m := mustDiag(t, []float64{1}, []float64{mu}, []float64{sigma}, 1)
	for _, y := range []float64{-10, -1, 0, 1.5, 2, 7} {
		z := (y - mu) / sigma
		phi := math.Exp(-0.5*z*z) / math.Sqrt(2*math.Pi)
		Phi := 0.5 * math.Erfc(-z/math.Sqrt2)
		want := sigma * (z*(2*Phi-1) + 2*phi - 1/math.Sqrt(math.Pi))
		if got := m.CRPS(y); math.Abs(got-want) > 1e-13*math.Max(1, want) {
			t.Errorf("y=%v: got %v, want %v", y, got, want)
		}
	}
}

func TestCRPSMatchesIntegral(t *testing.T) {
	for name, m := range univariateCases(t) {
		t.Run(name, func(t *testing.T) {
			lo, hi, _ := span1D(m, 40)
			mean := m.Mean(nil)[0]
			for _, y := range []float64{mean, m.Means[0], m.Means[m.K-1] + 0.3, lo + 10, hi + 5} {
				// ∫ (F(z) − 1{z ≥ y})² dz, split at y.
				a, b := math.Min(lo, y-1), math.Max(hi, y+1)
				left := integrateMixture(m, func(z float64) float64 { f := m.CDF(z); return f * f }, a, y)
				right := integrateMixture(m, func(z float64) float64 { f := 1 - m.CDF(z); return f * f }, y, b)
				want := left + right
				if got := m.CRPS(y); math.Abs(got-want) > 1e-6 {
					t.Errorf("y=%v: got %v, want ∫ = %v", y, got, want)
				}
			}
		})
	}
}

func TestCRPSOfMarginal(t *testing.T) {
	// The CRPS of the marginal of a mixture whose other dimension is
	// independent is the CRPS of the 1-D mixture built directly.
	m2, err := New([]float64{math.Log(0.4), math.Log(0.6)}, []float64{0, 5, 3, -5},
		[]float64{1, 0, 0, 2, 0.5, 0, 0, 7}, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	m1 := mustDiag(t, []float64{0.4, 0.6}, []float64{0, 3}, []float64{1, 0.5}, 1)
	for _, y := range []float64{-1, 1, 4} {
		if got, want := m2.Marginal(0).CRPS(y), m1.CRPS(y); math.Abs(got-want) > 1e-15 {
			t.Errorf("y=%v: got %v, want %v", y, got, want)
		}
	}
}

// TestPDFIsExpLogProb: PDF is exp(LogProb) for D = 1, NaN otherwise.
func TestPDFIsExpLogProb(t *testing.T) {
	m, err := NewDiagonal([]float64{math.Log(0.3), math.Log(0.7)}, []float64{-1, 2}, []float64{0.5, 1}, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, y := range []float64{-3, -1, 0, 0.5, 2, 7} {
		got, want := m.PDF(y), math.Exp(m.LogProb([]float64{y}))
		if math.Abs(got-want) > 1e-14*want {
			t.Errorf("PDF(%v) = %v, exp(LogProb) = %v", y, got, want)
		}
	}
	m2, _ := NewDiagonal([]float64{0}, []float64{0, 0}, []float64{1, 1}, 1, 2)
	if !math.IsNaN(m2.PDF(0)) {
		t.Error("D = 2: PDF is not NaN")
	}
}
