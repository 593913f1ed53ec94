package graph_test

import (
	"fmt"
	"log"
	"math"
	"math/rand/v2"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/graph"
	G "gorgonia.org/gorgonia"
)

// Build adds the MDN and its loss to a graph you own; a TapeMachine runs
// it. With every weight zero, each of the K components is N(0, 1) (σ =
// exp(0)) with weight 1/K, so the loss is the standard normal NLL,
// mean_i (y_i²/2 + log(2π)/2).
func ExampleBuild() {
	spec := arch.Spec{In: 1, Out: 1, K: 3, Hidden: []int{8}, Activation: arch.Tanh,
		Noise: arch.Diagonal, Transform: arch.Exp, Dtype: arch.Float64}
	w, err := graph.NewWeights(spec, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range w.Tensors() {
		clear(t.Data().([]float64))
	}
	g := G.NewGraph()
	m, err := graph.Build(g, w, 2, true) // batch of 2 rows, with gradients
	if err != nil {
		log.Fatal(err)
	}
	copy(m.XT.Data().([]float64), []float64{0.3, -1})
	copy(m.YT.Data().([]float64), []float64{1, 2})
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		log.Fatal(err)
	}
	loss, err := m.LossValue()
	if err != nil {
		log.Fatal(err)
	}
	want := (1.0/2+4.0/2)/2 + math.Log(2*math.Pi)/2
	fmt.Printf("loss %.6f, closed form %.6f, %d gradient tensors\n", loss, want, len(m.Grads))
	// Output:
	// loss 2.168939, closed form 2.168939, 8 gradient tensors
}
