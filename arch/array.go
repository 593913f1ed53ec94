package arch

import (
	"fmt"
	"math"
	"slices"
)

// Array is a named parameter array, row-major, in float64: the model file's
// form of the weights.
type Array struct {
	Name  string    `json:"name"`
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

// ParamShapes lists the name and shape of every parameter of s, in the
// order of the trunks' layers, without allocating them:
//
//	pi.0.weight (In, Hidden[0]), pi.0.bias (Hidden[0]), …, pi.L.bias (K),
//	normal.0.weight, …, normal.L.bias (NormalChannels),
//	normal.skip.weight (In, NormalChannels)   only with Skip
//
// A weight of shape (in, out) maps a row x to x·W + b.
func (s Spec) ParamShapes() (names []string, shapes [][]int) {
	for _, t := range []struct {
		name  string
		sizes []int
	}{{"pi", s.TrunkSizes(s.K)}, {"normal", s.TrunkSizes(s.NormalChannels())}} {
		for i := 0; i+1 < len(t.sizes); i++ {
			names = append(names, fmt.Sprintf("%s.%d.weight", t.name, i), fmt.Sprintf("%s.%d.bias", t.name, i))
			shapes = append(shapes, []int{t.sizes[i], t.sizes[i+1]}, []int{t.sizes[i+1]})
		}
	}
	if s.Skip {
		names = append(names, SkipName)
		shapes = append(shapes, []int{s.In, s.NormalChannels()})
	}
	return names, shapes
}

// CheckArrays reports the first problem with as as the parameters of s:
// an invalid s, an array given twice, missing, unknown, of the wrong shape
// or size, or with a value that is not finite. Problems with s start
// with "spec: ", problems with the arrays with "weights: ". It allocates nothing in
// proportion to the sizes s claims.
func CheckArrays(s Spec, as []Array) error {
	_, err := index(s, as)
	return err
}

// Layer is one Linear layer out = x·W + b in float64, W (In, Out) row-major.
type Layer struct {
	W, B    []float64
	In, Out int
}

// Layers returns copies of the checked arrays as the layers of the pi and
// normal trunks (see ParamShapes), and the skip weight S (In,
// NormalChannels) row-major, nil if s has no skip.
func Layers(s Spec, as []Array) (pi, normal []Layer, skip []float64, err error) {
	byName, err := index(s, as)
	if err != nil {
		return nil, nil, nil, err
	}
	names, shapes := s.ParamShapes()
	if s.Skip {
		names = names[:len(names)-1]
		skip = slices.Clone(byName[SkipName].Data)
	}
	for i := 0; i < len(names); i += 2 {
		l := Layer{W: slices.Clone(byName[names[i]].Data), B: slices.Clone(byName[names[i+1]].Data),
			In: shapes[i][0], Out: shapes[i][1]}
		if names[i][:2] == "pi" {
			pi = append(pi, l)
		} else {
			normal = append(normal, l)
		}
	}
	return pi, normal, skip, nil
}

// SkipName is the name of the skip weight S of a Spec with Skip.
const SkipName = "normal.skip.weight"

func index(s Spec, as []Array) (map[string]Array, error) {
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	byName := make(map[string]Array, len(as))
	for _, a := range as {
		if _, dup := byName[a.Name]; dup {
			return nil, fmt.Errorf("weights: %q given twice", a.Name)
		}
		byName[a.Name] = a
	}
	names, shapes := s.ParamShapes()
	known := make(map[string]bool, len(names))
	for i, n := range names {
		known[n] = true
		a, ok := byName[n]
		if !ok {
			return nil, fmt.Errorf("weights: %q missing", n)
		}
		if !slices.Equal(a.Shape, shapes[i]) {
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
	return byName, nil
}
