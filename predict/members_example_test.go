package predict_test

import (
	"fmt"
	"log"
	"math"
	"math/rand/v2"

	"github.com/mdn-go/mdn/model"
	"github.com/mdn-go/mdn/predict"
)

// An ensemble of M = 3 networks is sampled by choosing each draw's member
// uniformly, then drawing from that member's mixture: only the chosen
// members' networks run. Here 4096 rows of the same x, one draw each: each
// member is chosen about 4096/3 times, and the mean of y1 over the draws
// is the ensemble mixture's mean Σ_k π_k μ_k to within one standard error
// (its σ/√4096, 0.011 at this x).
func ExampleMemberDraws() {
	m, err := model.Load("../model/testdata/ensemble3-skip.json")
	if err != nil {
		log.Fatal(err)
	}
	x := []float64{-0.80, 0.42, -0.50, -0.99, 0.48, -0.37, 1.18, -0.81}
	c := &predict.Chunk{N: predict.ChunkRows}
	for i := range c.N {
		c.X = append(c.X, x...)
		c.Lines = append(c.Lines, i+2)
	}
	md := predict.NewMembers(m).Draws(1, "rows.csv")
	rng := rand.New(rand.NewPCG(1, 0))
	if err := md.Choose(c, rng); err != nil {
		log.Fatal(err)
	}
	count := make([]int, m.Members())
	var sum float64
	y := make([]float64, m.Spec.Out)
	for i := range c.N {
		count[md.Member(i, 0)]++
		md.Mixture(i, 0).Sample(rng, y)
		sum += y[0]
	}
	whole, err := m.Predictor(1).Predict(x, 1, nil)
	if err != nil {
		log.Fatal(err)
	}
	var mean float64
	for k := range whole[0].K {
		mean += math.Exp(whole[0].LogWeights[k]) * whole[0].Means[k*m.Spec.Out]
	}
	fmt.Println("draws per member:", count)
	fmt.Printf("mean of y1: draws %.2f, mixture %.2f\n", sum/float64(c.N), mean)
	// Output:
	// draws per member: [1361 1369 1366]
	// mean of y1: draws -0.27, mixture -0.28
}
