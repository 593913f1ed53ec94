package model_test

import (
	"fmt"
	"log"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/model"
)

// A model built from weights in memory, without files: one hidden ReLU
// unit h = max(x, 0) in each trunk, one component with mean 2h and
// σ = σ_min + exp(0) = 1, on unstandardized data.
func ExampleNew() {
	spec := arch.Spec{In: 1, Out: 1, K: 1, Hidden: []int{1}, Activation: arch.ReLU, Noise: arch.Diagonal,
		Transform: arch.Exp, Dtype: arch.Float64}
	arr := func(name string, shape []int, v ...float64) arch.Array {
		return arch.Array{Name: name, Shape: shape, Data: v}
	}
	weights := []arch.Array{
		arr("pi.0.weight", []int{1, 1}, 1), arr("pi.0.bias", []int{1}, 0),
		arr("pi.1.weight", []int{1, 1}, 0), arr("pi.1.bias", []int{1}, 0),
		arr("normal.0.weight", []int{1, 1}, 1), arr("normal.0.bias", []int{1}, 0),
		arr("normal.1.weight", []int{1, 2}, 2, 0), arr("normal.1.bias", []int{2}, 0, 0), // [mean | raw scale]
	}
	m, err := model.New(spec, weights, []string{"x"}, []string{"y"}, data.IdentityScaler(1, 1), model.Summary{})
	if err != nil {
		log.Fatal(err)
	}
	mix, err := m.Predictor(3).Predict([]float64{-1, 0.5, 3}, 3, nil)
	if err != nil {
		log.Fatal(err)
	}
	for i, x := range []float64{-1, 0.5, 3} {
		fmt.Printf("x = %v: mean %v, σ %v, log p(mean) = %.6f\n", x, mix[i].Means[0], mix[i].Chol[0], mix[i].LogProb(mix[i].Means))
	}
	// log N(μ; μ, 1) = −½ log 2π = −0.918939.
	// Output:
	// x = -1: mean 0, σ 1, log p(mean) = -0.918939
	// x = 0.5: mean 1, σ 1, log p(mean) = -0.918939
	// x = 3: mean 6, σ 1, log p(mean) = -0.918939
}

// A model file loads with its names and its encoding; an ensemble's
// prediction is one mixture of M·K components.
func ExampleLoad() {
	m, err := model.Load("testdata/v2-penguins.json")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("version", m.Version, "members", m.Members(), "components", m.Components())
	fmt.Println("columns", m.Columns(), "→", m.Spec.In, "inputs")
	fmt.Println("responses", m.YNames)
	// A row of penguins_test.csv, its fields in the order of m.Columns().
	x, err := m.Schema().Encode([]string{"Gentoo", "Biscoe", "female", "43.1", "212.8"}, nil)
	if err != nil {
		log.Fatal(err)
	}
	mix, err := m.Predictor(1).Predict(x, 1, nil)
	if err != nil {
		log.Fatal(err)
	}
	// mdn predict --what mean prints 4482.08935213088 for this row
	// (cmd/mdn/testdata/predict_mean_v2.golden.jsonl).
	fmt.Printf("mean %.2f g from %d components\n", mix[0].Mean(nil)[0], mix[0].K)
	// Output:
	// version 2 members 2 components 6
	// columns [species island sex bill_length_mm flipper_length_mm] → 13 inputs
	// responses [body_mass_g]
	// mean 4482.09 g from 6 components
}
