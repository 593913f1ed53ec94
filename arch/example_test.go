package arch_test

import (
	"fmt"
	"math"

	"github.com/mdn-go/mdn/arch"
)

// The log-softmax subtracts the row's maximum before exponentiating, so
// logits of ±1000 neither overflow nor lose the small components.
func ExampleLogSoftmax() {
	logPi := make([]float64, 3)
	lse := arch.LogSoftmax(logPi, []float64{1000, 1000 + math.Log(3), 0})
	// logsumexp = 1000 + log(1 + 3 + e^−1000) = 1000 + log 4; π = (¼, ¾, e^−1000/4).
	fmt.Printf("lse − 1000 = %.6f (log 4 = %.6f)\n", lse-1000, math.Log(4))
	fmt.Printf("π = %.4f %.4f, log π_3 = %.3f\n", math.Exp(logPi[0]), math.Exp(logPi[1]), logPi[2])
	// Output:
	// lse − 1000 = 1.386294 (log 4 = 1.386294)
	// π = 0.2500 0.7500, log π_3 = -1001.386
}

// A spec names every parameter array of the network, in the order the model
// file stores them.
func ExampleSpec_ParamShapes() {
	s := arch.Spec{In: 2, Out: 1, K: 3, Hidden: []int{8}, Activation: arch.ReLU, Noise: arch.Diagonal,
		Transform: arch.Exp, SigmaMin: 1e-3, Dtype: arch.Float32}
	if err := s.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	// The normal trunk outputs K·Out means and K·Out diagonal scales.
	fmt.Println("normal channels:", s.NormalChannels())
	names, shapes := s.ParamShapes()
	for i, n := range names {
		fmt.Println(n, shapes[i])
	}
	// Output:
	// normal channels: 6
	// pi.0.weight [2 8]
	// pi.0.bias [8]
	// pi.1.weight [8 3]
	// pi.1.bias [3]
	// normal.0.weight [2 8]
	// normal.0.bias [8]
	// normal.1.weight [8 6]
	// normal.1.bias [6]
}

// The σ transforms map a raw network output r to a positive scale.
func ExampleSpec_Sigma() {
	for _, t := range []arch.Transform{arch.Exp, arch.Softplus} {
		s := arch.Spec{Transform: t, SigmaMin: 0.001}
		// exp: 0.001 + e⁰ = 1.001; softplus: 0.001 + log 2 = 0.694147; at
		// r = −30 both are σ_min + about 1e-13: the floor σ_min.
		fmt.Printf("%s: σ(0) = %.6f, σ(−30) = %.6f\n", t, s.Sigma(0), s.Sigma(-30))
	}
	// Output:
	// exp: σ(0) = 1.001000, σ(−30) = 0.001000
	// softplus: σ(0) = 0.694147, σ(−30) = 0.001000
}
