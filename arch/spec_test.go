package arch

import (
	"math"
	"testing"
)

// TestProblems: each rule of Problems names its field both ways, and
// Validate reports it as "key: what".
func TestProblems(t *testing.T) {
	ok := Spec{In: 1, Out: 2, K: 3, Hidden: []int{4, 4}, Activation: ReLU, Noise: Diagonal, Transform: Exp, SigmaMin: 1e-3, Dtype: Float32}
	if ps := ok.Problems(); len(ps) != 0 {
		t.Fatalf("valid spec: %v", ps)
	}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		edit func(*Spec)
		want Problem
	}{
		{func(s *Spec) { s.K = 0 }, Problem{"K", "components", "must be ≥ 1, got 0"}},
		{func(s *Spec) { s.Hidden = nil }, Problem{"Hidden", "hidden", "must have at least one layer"}},
		{func(s *Spec) { s.Hidden = make([]int, MaxLayers+1) }, Problem{"Hidden", "hidden", "has 1001 layers; at most 1000 are supported"}},
		{func(s *Spec) { s.Hidden = []int{4, 0} }, Problem{"Hidden[1]", "hidden[1]", "must be ≥ 1, got 0"}},
		{func(s *Spec) { s.Activation = "" }, Problem{"Activation", "activation", `must be one of relu, tanh, elu, silu; got ""`}},
		{func(s *Spec) { s.Noise = "spherical" }, Problem{"Noise", "noise", `must be one of full, diagonal, isotropic, isotropic_across_clusters, fixed; got "spherical"`}},
		{func(s *Spec) { s.Noise = Fixed }, Problem{"FixedSigma", "fixed_sigma", "required with noise fixed"}},
		{func(s *Spec) { s.Noise, s.FixedSigma = Fixed, []float64{1, math.Inf(1)} }, Problem{"FixedSigma[1]", "fixed_sigma[1]", "must be > 0, got +Inf"}},
		{func(s *Spec) { s.Transform = "relu" }, Problem{"Transform", "sigma", `must be one of exp, softplus; got "relu"`}},
		{func(s *Spec) { s.SigmaMin = math.NaN() }, Problem{"SigmaMin", "sigma_min", "must be ≥ 0, got NaN"}},
		{func(s *Spec) { s.Dtype = "float16" }, Problem{"Dtype", "dtype", `must be one of float32, float64; got "float16"`}},
	} {
		s := ok.Clone()
		tc.edit(&s)
		ps := s.Problems()
		if len(ps) != 1 || ps[0] != tc.want {
			t.Errorf("got %v, want [%v]", ps, tc.want)
			continue
		}
		if err := s.Validate(); err == nil || err.Error() != tc.want.Key+": "+tc.want.Msg {
			t.Errorf("Validate: got %v, want %s: %s", err, tc.want.Key, tc.want.Msg)
		}
	}
	for _, tc := range []struct {
		edit func(*Spec)
		want string
	}{
		{func(s *Spec) { s.In = 0 }, "input dimension must be ≥ 1, got 0"},
		{func(s *Spec) { s.Out = 0 }, "output dimension must be ≥ 1, got 0"},
		{func(s *Spec) { s.Noise, s.FixedSigma = Fixed, []float64{1} }, "fixed_sigma: has 1 values, want 2 (one per response)"},
		// Two trunks, each with a (2²⁰+1)×2²⁰ layer: about 2·1.1e12.
		{func(s *Spec) { s.Hidden = []int{1 << 20, 1 << 20} }, "the network would have 2.2e+12 parameters; at most 268435456 are supported"},
	} {
		s := ok.Clone()
		tc.edit(&s)
		if len(s.Problems()) != 0 {
			t.Errorf("%s: Problems %v, want none (Validate's own rule)", tc.want, s.Problems())
		}
		if err := s.Validate(); err == nil || err.Error() != tc.want {
			t.Errorf("got %v, want %s", err, tc.want)
		}
	}
}

// TestParams: Params counts both trunks' weights and biases and, with
// Skip, the skip weight, and agrees with the arrays of the network.
func TestParams(t *testing.T) {
	for _, skip := range []bool{false, true} {
		s := Spec{In: 3, Out: 2, K: 4, Hidden: []int{7, 5}, Activation: ReLU, Noise: Diagonal, Transform: Exp, Dtype: Float64, Skip: skip}
		// pi trunk 3→7→5→4, normal trunk 3→7→5→(4·2 means + 4·2 scales).
		want := (3+1)*7 + (7+1)*5 + (5+1)*4 + (3+1)*7 + (7+1)*5 + (5+1)*16
		if skip {
			want += 3 * 16
		}
		if got := s.Params(); got != want {
			t.Errorf("skip %v: Params %d, want %d", skip, got, want)
		}
		n := 0
		_, shapes := s.ParamShapes()
		for _, sh := range shapes {
			k := 1
			for _, d := range sh {
				k *= d
			}
			n += k
		}
		if n != want {
			t.Errorf("skip %v: the arrays hold %d numbers, Params says %d", skip, n, want)
		}
	}
}
