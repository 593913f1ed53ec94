package mixture_test

import (
	"fmt"
	"log"
	"math"
	"math/rand/v2"

	"github.com/mdn-go/mdn/mixture"
)

// A two-component mixture over R², p(y) = ½ N(μ₁, Σ₁) + ½ N(μ₂, Σ₂), with
// μ₁ = (0, 0), Σ₁ = I and μ₂ = (2, 0), Σ₂ = L Lᵀ for L = [[1, 0], [0.5, 1]].
func ExampleNew() {
	m, err := mixture.New(
		[]float64{0, 0}, // unnormalized log weights: New makes them log ½
		[]float64{0, 0, 2, 0},
		[]float64{1, 0, 0, 1, 1, 0, 0.5, 1}, // L_1, L_2 row-major, lower-triangular
		2, 2)
	if err != nil {
		log.Fatal(err)
	}
	// E[y] = ½μ₁ + ½μ₂ = (1, 0); Cov = Σ π_k(Σ_k + μ_k μ_kᵀ) − E[y]E[y]ᵀ:
	// Σ₂ = [[1, 0.5], [0.5, 1.25]], so Cov = [[½·1 + ½·(1+4) − 1, ½·0.5], [½·0.5, ½·1 + ½·1.25]].
	fmt.Println("weights", m.Weights(nil))
	fmt.Println("mean", m.Mean(nil))
	fmt.Println("cov", m.Cov(nil))
	// log p(0, 0) = log(½·1/(2π) + ½·exp(−5/2)/(2π)), as det Σ₂ = 1 and
	// (0−μ₂)ᵀ Σ₂⁻¹ (0−μ₂) = 5.
	fmt.Printf("log p(0, 0) = %.6f\n", m.LogProb([]float64{0, 0}))
	// Output:
	// weights [0.5 0.5]
	// mean [1 0]
	// cov [2 0.25 0.25 1.125]
	// log p(0, 0) = -2.452135
}

// For one response the CDF, quantiles and CRPS have closed forms or are
// found by Newton steps on the CDF. Here p(y) = 0.3 N(−1, 0.5²) + 0.7 N(2, 1).
func ExampleMixture_Quantile() {
	m, err := mixture.NewDiagonal([]float64{math.Log(0.3), math.Log(0.7)}, []float64{-1, 2}, []float64{0.5, 1}, 2, 1)
	if err != nil {
		log.Fatal(err)
	}
	// F(−1) = 0.3·½ + 0.7·Φ(−3) = 0.15 + 0.7·0.0013499 = 0.150945.
	fmt.Printf("F(-1) = %.6f\n", m.CDF(-1))
	for _, p := range []float64{0.05, 0.5, 0.95} {
		q, err := m.Quantile(p)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("q(%.2f) = %.4f, F(q) = %.4f\n", p, q, m.CDF(q))
	}
	// ∫ (F(z) − 1{z ≥ 2})² dz by the rectangle rule (step 1e-4 over
	// [−20, 20]) is 0.526167.
	fmt.Printf("CRPS at y = 2: %.4f\n", m.CRPS(2))
	// Output:
	// F(-1) = 0.150945
	// q(0.05) = -1.4849, F(q) = 0.0500
	// q(0.50) = 1.4341, F(q) = 0.5000
	// q(0.95) = 3.4652, F(q) = 0.9500
	// CRPS at y = 2: 0.5262
}

// Draws from a mixture are reproducible from a seeded generator; their mean
// approaches the mixture's.
func ExampleMixture_Sample() {
	m, err := mixture.NewDiagonal([]float64{math.Log(0.25), math.Log(0.75)}, []float64{-4, 4}, []float64{1, 1}, 2, 1)
	if err != nil {
		log.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 100000
	var sum float64
	y := make([]float64, 1)
	for range n {
		sum += m.Sample(rng, y)[0]
	}
	// E[y] = 0.25·(−4) + 0.75·4 = 2; the standard error of the mean of n draws
	// is sqrt(Var/n) = sqrt(13/1e5) ≈ 0.011.
	fmt.Printf("mean %.1f, sample mean %.1f\n", m.Mean(nil)[0], sum/n)
	// Output:
	// mean 2.0, sample mean 2.0
}

// The modes of a mixture are found by fixed-point iteration from every
// component mean; components too close to make a mode of their own merge.
func ExampleMixture_Modes() {
	m, err := mixture.NewDiagonal([]float64{0, 0, 0}, []float64{-3, 3, 3.2}, []float64{1, 1, 1}, 3, 1)
	if err != nil {
		log.Fatal(err)
	}
	for _, md := range m.Modes(mixture.ModeOptions{}) {
		fmt.Printf("mode at %.3f, mass %.3f\n", md.Y[0], md.Mass)
	}
	// The modes: one at −3 (component 1 alone) and one between 3 and 3.2,
	// where the two close components make a single peak of mass ⅔.
	// Output:
	// mode at 3.100, mass 0.667
	// mode at -3.000, mass 0.333
}
