package predict_test

import (
	"fmt"
	"log"

	"github.com/mdn-go/mdn/mixture"
	"github.com/mdn-go/mdn/predict"
)

// The central interval of level α of a one-response mixture runs from its
// (1−α)/2 to its (1+α)/2 quantile. For N(1, 2²) at α = 0.9 that is
// 1 ∓ 2·1.644854 (Φ⁻¹(0.95) = 1.644854).
func ExampleInterval() {
	m, err := mixture.NewDiagonal([]float64{0}, []float64{1}, []float64{2}, 1, 1)
	if err != nil {
		log.Fatal(err)
	}
	lo, hi, err := predict.Interval(m, 0.9)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("[%.5f, %.5f]\n", lo, hi)
	_, _, err = predict.Interval(m, 1)
	fmt.Println(err)
	// Output:
	// [-2.28971, 4.28971]
	// predict: interval: level must be in (0, 1), got 1
}
