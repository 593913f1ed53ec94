package predict_test

import (
	"fmt"
	"log"
	"math"

	"github.com/mdn-go/mdn/mixture"
	"github.com/mdn-go/mdn/predict"
)

// A prediction is a mixture per row; a Summarizer turns it into the numbers
// of mdn predict. Here p(y|x) = 0.3 N(−1, 0.5²) + 0.7 N(2, 1²).
func ExampleSummarizer() {
	mix, err := mixture.NewDiagonal([]float64{math.Log(0.3), math.Log(0.7)}, []float64{-1, 2}, []float64{0.5, 1}, 2, 1)
	if err != nil {
		log.Fatal(err)
	}
	var s predict.Summary
	for _, sz := range []predict.Summarizer{
		{Kind: predict.KindMean},
		{Kind: predict.KindVar},
		{Kind: predict.KindQuantiles, Q: []float64{0.05, 0.5, 0.95}},
		{Kind: predict.KindModes},
	} {
		if err := sz.Summarize(mix, &s); err != nil {
			log.Fatal(err)
		}
	}
	// E[y] = 0.3·(−1) + 0.7·2 = 1.1; Var = Σ π_k(σ_k² + μ_k²) − E[y]² = 0.3·1.25 + 0.7·5 − 1.21.
	// The quantiles and modes agree with bisection on the closed-form CDF and
	// density to the digits shown.
	fmt.Printf("mean %.4f  var %.4f\n", s.Mean[0], s.Var[0])
	fmt.Printf("quantiles %.4f %.4f %.4f\n", s.Quantiles[0][0], s.Quantiles[1][0], s.Quantiles[2][0])
	for _, md := range s.Modes {
		fmt.Printf("mode at %.4f, mass %.1f\n", md.Y[0], md.Mass)
	}
	// Output:
	// mean 1.1000  var 2.6650
	// quantiles -1.4849 1.4341 3.4652
	// mode at 2.0000, mass 0.7
	// mode at -0.9900, mass 0.3
}
