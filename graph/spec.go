package graph

import (
	"github.com/mdn-go/mdn/arch"
	"gorgonia.org/tensor"
)

// Dtype is the Gorgonia type of a graph for an arch.DType: tensor.Float32
// for arch.Float32, else tensor.Float64.
func Dtype(d arch.DType) tensor.Dtype {
	if d == arch.Float32 {
		return tensor.Float32
	}
	return tensor.Float64
}
