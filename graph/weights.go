package graph

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gorgonia.org/tensor"
)

// Layer is one Linear layer, out = x·W + b, with W of shape (in, out) and b
// of shape (out).
type Layer struct{ W, B *tensor.Dense }

// Weights are the learnable parameters of an MDN: the layers of the pi trunk
// (hidden layers then the K-logit output) and of the normal trunk (hidden
// layers then the NormalChannels output). Graphs built from the same Weights
// share these tensors.
type Weights struct {
	Spec       Spec
	Pi, Normal []Layer
}

// Array is a named parameter array, row-major, in float64.
type Array struct {
	Name  string    `json:"name"`
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

// Init names an initial weight distribution.
type Init string

const (
	// Glorot is Glorot-uniform matrices (Glorot & Bengio 2010),
	// W_ij ~ U(−a, a) with a = √(6/(in+out)), and zero biases.
	Glorot Init = "glorot"
	// Torch is PyTorch's nn.Linear default (kaiming_uniform with a = √5):
	// W_ij, b_j ~ U(−1/√in, 1/√in).
	Torch Init = "torch"
)

// NewWeights draws the weights for s from rng with Glorot initialization.
func NewWeights(s Spec, rng *rand.Rand) (*Weights, error) { return NewWeightsInit(s, Glorot, rng) }

// NewWeightsInit draws the weights for s from rng with the given
// initialization.
func NewWeightsInit(s Spec, init Init, rng *rand.Rand) (*Weights, error) {
	if init != Glorot && init != Torch {
		return nil, fmt.Errorf("graph: unknown init %q (want glorot or torch)", init)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	w := &Weights{Spec: s}
	mk := func(sizes []int) []Layer {
		ls := make([]Layer, len(sizes)-1)
		for i := range ls {
			in, out := sizes[i], sizes[i+1]
			a := math.Sqrt(6 / float64(in+out))
			if init == Torch {
				a = 1 / math.Sqrt(float64(in))
			}
			wd := make([]float64, in*out)
			for j := range wd {
				wd[j] = a * (2*rng.Float64() - 1)
			}
			bd := make([]float64, out)
			if init == Torch {
				for j := range bd {
					bd[j] = a * (2*rng.Float64() - 1)
				}
			}
			ls[i] = Layer{W: newTensor(s.Dtype, wd, in, out), B: newTensor(s.Dtype, bd, out)}
		}
		return ls
	}
	w.Pi = mk(s.trunkSizes(s.K))
	w.Normal = mk(s.trunkSizes(s.NormalChannels()))
	return w, nil
}

func (s Spec) trunkSizes(out int) []int {
	sz := append([]int{s.In}, s.Hidden...)
	return append(sz, out)
}

func newTensor(dt tensor.Dtype, v []float64, shape ...int) *tensor.Dense {
	if dt == tensor.Float32 {
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
	return ts
}

// Names lists the parameter names in the order of Tensors:
// pi.0.weight, pi.0.bias, …, normal.0.weight, ….
func (w *Weights) Names() []string {
	names, _ := w.Spec.paramShapes()
	return names
}

// Arrays returns float64 copies of all parameters with their names and shapes.
func (w *Weights) Arrays() []Array {
	names := w.Names()
	ts := w.Tensors()
	as := make([]Array, len(ts))
	for i, t := range ts {
		as[i] = Array{Name: names[i], Shape: append([]int(nil), t.Shape()...), Data: Float64s(t)}
	}
	return as
}

// paramShapes lists the name and shape of every parameter of s, in the
// order of Weights.Tensors, without allocating them.
func (s Spec) paramShapes() (names []string, shapes [][]int) {
	for _, t := range []struct {
		name  string
		sizes []int
	}{{"pi", s.trunkSizes(s.K)}, {"normal", s.trunkSizes(s.NormalChannels())}} {
		for i := 0; i+1 < len(t.sizes); i++ {
			names = append(names, fmt.Sprintf("%s.%d.weight", t.name, i), fmt.Sprintf("%s.%d.bias", t.name, i))
			shapes = append(shapes, []int{t.sizes[i], t.sizes[i+1]}, []int{t.sizes[i+1]})
		}
	}
	return names, shapes
}

// WeightsFromArrays rebuilds Weights for s from named arrays, checking that
// every parameter is present once with the shape s implies and finite values.
// Nothing is allocated before the arrays are known to fit s, so a spec that
// claims huge layers cannot make it allocate more than the arrays hold.
func WeightsFromArrays(s Spec, as []Array) (*Weights, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	byName := make(map[string]Array, len(as))
	for _, a := range as {
		if _, dup := byName[a.Name]; dup {
			return nil, fmt.Errorf("weights: %q given twice", a.Name)
		}
		byName[a.Name] = a
	}
	names, shapes := s.paramShapes()
	known := make(map[string]bool, len(names))
	for i, n := range names {
		known[n] = true
		a, ok := byName[n]
		if !ok {
			return nil, fmt.Errorf("weights: %q missing", n)
		}
		if !tensor.Shape(a.Shape).Eq(tensor.Shape(shapes[i])) {
			return nil, fmt.Errorf("weights: %q has shape %v, the architecture needs %v", n, a.Shape, shapes[i])
		}
		size := 1
		for _, d := range shapes[i] {
			size *= d
		}
		if len(a.Data) != size {
			return nil, fmt.Errorf("weights: %q has %d values, shape %v needs %d", n, len(a.Data), a.Shape, size)
		}
		for j, v := range a.Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("weights: %q value %d is %v", n, j, v)
			}
		}
	}
	for _, a := range as {
		if !known[a.Name] {
			return nil, fmt.Errorf("weights: unknown array %q", a.Name)
		}
	}
	w := &Weights{Spec: s}
	for i := 0; i < len(names); i += 2 {
		wa, ba := byName[names[i]], byName[names[i+1]]
		l := Layer{W: newTensor(s.Dtype, wa.Data, shapes[i]...), B: newTensor(s.Dtype, ba.Data, shapes[i+1]...)}
		if names[i][:2] == "pi" {
			w.Pi = append(w.Pi, l)
		} else {
			w.Normal = append(w.Normal, l)
		}
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
	return c
}
