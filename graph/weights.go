package graph

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mdn-go/mdn/arch"
	"gorgonia.org/tensor"
)

// Layer is one Linear layer, out = x·W + b, with W of shape (in, out) and b
// of shape (out).
type Layer struct{ W, B *tensor.Dense }

// Weights are the learnable parameters of an MDN: the layers of the pi trunk
// (hidden layers then the K-logit output) and of the normal trunk (hidden
// layers then the NormalChannels output). Graphs built from the same Weights
// share these tensors. Skip is the skip weight S (In, NormalChannels) of a
// Spec with Skip (arch.Spec.Skip), nil otherwise.
type Weights struct {
	Spec       arch.Spec
	Pi, Normal []Layer
	Skip       *tensor.Dense
}

// NewWeights draws the weights for s from rng with Glorot initialization.
func NewWeights(s arch.Spec, rng *rand.Rand) (*Weights, error) {
	return NewWeightsInit(s, arch.Glorot, rng)
}

// NewWeightsInit draws the weights for s from rng with the given
// initialization.
func NewWeightsInit(s arch.Spec, init arch.Init, rng *rand.Rand) (*Weights, error) {
	if err := init.Validate(); err != nil {
		return nil, fmt.Errorf("graph: init: %w", err)
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("graph: spec: %w", err)
	}
	w := &Weights{Spec: s}
	mk := func(sizes []int) []Layer {
		ls := make([]Layer, len(sizes)-1)
		for i := range ls {
			in, out := sizes[i], sizes[i+1]
			a := math.Sqrt(6 / float64(in+out))
			if init == arch.Torch {
				a = 1 / math.Sqrt(float64(in))
			}
			wd := make([]float64, in*out)
			for j := range wd {
				wd[j] = a * (2*rng.Float64() - 1)
			}
			bd := make([]float64, out)
			if init == arch.Torch {
				for j := range bd {
					bd[j] = a * (2*rng.Float64() - 1)
				}
			}
			ls[i] = Layer{W: newTensor(s.Dtype, wd, in, out), B: newTensor(s.Dtype, bd, out)}
		}
		return ls
	}
	w.Pi = mk(s.TrunkSizes(s.K))
	w.Normal = mk(s.TrunkSizes(s.NormalChannels()))
	if s.Skip {
		// Zero, and drawn after the trunks, so the trunks' weights are
		// those of the same seed without a skip.
		w.Skip = newTensor(s.Dtype, make([]float64, s.In*s.NormalChannels()), s.In, s.NormalChannels())
	}
	return w, nil
}

func newTensor(d arch.DType, v []float64, shape ...int) *tensor.Dense {
	if d == arch.Float32 {
		f := make([]float32, len(v))
		for i, x := range v {
			f[i] = float32(x)
		}
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(f))
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(append([]float64(nil), v...)))
}

// Float64s returns a float64 copy of a float32 or float64 tensor's data.
func Float64s(t *tensor.Dense) []float64 {
	switch d := t.Data().(type) {
	case []float64:
		return append([]float64(nil), d...)
	case []float32:
		f := make([]float64, len(d))
		for i, x := range d {
			f[i] = float64(x)
		}
		return f
	}
	return nil
}

// Tensors lists every parameter tensor, in the order of Arrays.
func (w *Weights) Tensors() []*tensor.Dense {
	var ts []*tensor.Dense
	for _, ls := range [][]Layer{w.Pi, w.Normal} {
		for _, l := range ls {
			ts = append(ts, l.W, l.B)
		}
	}
	if w.Skip != nil {
		ts = append(ts, w.Skip)
	}
	return ts
}

// Names lists the parameter names in the order of Tensors:
// pi.0.weight, pi.0.bias, …, normal.0.weight, …, then normal.skip.weight
// with a skip.
func (w *Weights) Names() []string {
	names, _ := w.Spec.ParamShapes()
	return names
}

// Arrays returns float64 copies of all parameters with their names and shapes.
func (w *Weights) Arrays() []arch.Array {
	names := w.Names()
	ts := w.Tensors()
	as := make([]arch.Array, len(ts))
	for i, t := range ts {
		as[i] = arch.Array{Name: names[i], Shape: append([]int(nil), t.Shape()...), Data: Float64s(t)}
	}
	return as
}

// WeightsFromArrays rebuilds Weights for s from named arrays, checked by
// arch.CheckArrays (every parameter present once with the shape s implies,
// finite values). Nothing is allocated before the arrays are known to fit
// s, so a spec that claims huge layers cannot make it allocate more than
// the arrays hold.
func WeightsFromArrays(s arch.Spec, as []arch.Array) (*Weights, error) {
	pi, normal, skip, err := arch.Layers(s, as)
	if err != nil {
		return nil, err
	}
	w := &Weights{Spec: s}
	conv := func(ls []arch.Layer) []Layer {
		out := make([]Layer, len(ls))
		for i, l := range ls {
			out[i] = Layer{W: newTensor(s.Dtype, l.W, l.In, l.Out), B: newTensor(s.Dtype, l.B, l.Out)}
		}
		return out
	}
	w.Pi, w.Normal = conv(pi), conv(normal)
	if skip != nil {
		w.Skip = newTensor(s.Dtype, skip, s.In, s.NormalChannels())
	}
	return w, nil
}

// CopyFrom copies the values of src into w; both must come from one Spec.
func (w *Weights) CopyFrom(src *Weights) {
	s := src.Tensors()
	for i, t := range w.Tensors() {
		switch d := t.Data().(type) {
		case []float32:
			copy(d, s[i].Data().([]float32))
		case []float64:
			copy(d, s[i].Data().([]float64))
		}
	}
}

// Clone returns a deep copy of w.
func (w *Weights) Clone() *Weights {
	c := &Weights{Spec: w.Spec}
	cl := func(ls []Layer) []Layer {
		out := make([]Layer, len(ls))
		for i, l := range ls {
			out[i] = Layer{W: l.W.Clone().(*tensor.Dense), B: l.B.Clone().(*tensor.Dense)}
		}
		return out
	}
	c.Pi, c.Normal = cl(w.Pi), cl(w.Normal)
	if w.Skip != nil {
		c.Skip = w.Skip.Clone().(*tensor.Dense)
	}
	return c
}
