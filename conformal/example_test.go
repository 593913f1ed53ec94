package conformal_test

import (
	"fmt"
	"math"

	"github.com/mdn-go/mdn/conformal"
	"github.com/mdn-go/mdn/mixture"
)

// A model that is too sure of itself: it predicts N(0, 1) for every row,
// but the calibration rows spread twice as wide. The calibrated interval
// at level 0.9 is the central interval of mass 1 − e^{−q̂} instead of 0.9.
func Example() {
	m, _ := mixture.NewDiagonal([]float64{0}, []float64{0}, []float64{1}, 1, 1)
	var iv, rg []float64
	for i := range 19 {
		y := []float64{2 * (float64(i) - 9) / 5} // −3.6 … 3.6
		iv = append(iv, conformal.IntervalScore(m, y))
		rg = append(rg, conformal.RegionScore(m, y))
	}
	c, err := conformal.New(iv, rg, []float64{0.9})
	if err != nil {
		fmt.Println(err)
		return
	}
	q, _ := c.IntervalQuantile(0.9) // rank ⌈20·0.9⌉ = 18 of 19: |y| = 3.6
	lo, hi := []float64{0}, []float64{0}
	_ = conformal.Interval(m, q, lo, hi)
	fmt.Printf("q̂ = %.4f, mass %.4f: interval [%.2f, %.2f]\n", q, conformal.IntervalMass(q), lo[0], hi[0])
	t, _ := c.RegionThreshold(0.9)
	set, _ := conformal.LevelSet(m, t)
	fmt.Printf("log-density threshold %.4f: region [%.2f, %.2f]\n", t, set[0][0], set[0][1])
	// Output:
	// q̂ = 8.0528, mass 0.9997: interval [-3.60, 3.60]
	// log-density threshold -7.3989: region [-3.60, 3.60]
}

// A bimodal mixture's highest-density region is two intervals, shorter than
// the central interval of the same level.
func ExampleLevelSet() {
	m, _ := mixture.NewDiagonal([]float64{math.Log(0.5), math.Log(0.5)}, []float64{-2, 2}, []float64{0.5, 0.5}, 2, 1)
	t, _ := conformal.HPDThreshold(m, 0.9)
	set, _ := conformal.LevelSet(m, t)
	for _, iv := range set {
		fmt.Printf("[%.3f, %.3f]\n", iv[0], iv[1])
	}
	fmt.Printf("mass %.3f, length %.3f\n", conformal.Mass(m, set), conformal.Length(set))
	lo, hi := []float64{0}, []float64{0}
	_ = conformal.Interval(m, conformal.LevelMass(0.9), lo, hi)
	fmt.Printf("central interval length %.3f\n", hi[0]-lo[0])
	// Output:
	// [-2.822, -1.178]
	// [1.178, 2.822]
	// mass 0.900, length 3.290
	// central interval length 5.282
}

// With too few calibration rows for a level the error says how many it
// needs.
func ExampleMinRows() {
	fmt.Println(conformal.MinRows(0.8), conformal.MinRows(0.9), conformal.MinRows(0.95))
	_, err := conformal.New([]float64{0.1, 0.5, 0.9}, []float64{1, 2, 3}, []float64{0.9})
	fmt.Println(err)
	// Output:
	// 4 9 19
	// conformal: level 0.9 needs at least 9 calibration rows, got 3
}
