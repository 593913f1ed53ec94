package arch

import "math"

// Float is the element type of a network: float32 or float64.
type Float interface{ ~float32 | ~float64 }

// Activate applies act in place to z, keeping a copy of the pre-activation
// in pre when the derivative needs it (SiLU; pre may be nil otherwise, and
// is then not written):
//
//	relu: max(0, z)   tanh: tanh(z)   elu: z if z > 0, else exp(z) − 1
//	silu: z·sigmoid(z)   identity: z
//
// It is the one set of formulas of the graph's dense op and of the pure-Go
// predictor.
func Activate[T Float](act Activation, z, pre []T) {
	switch act {
	case ReLU:
		for i, v := range z {
			z[i] = max(v, 0)
		}
	case Tanh:
		for i, v := range z {
			z[i] = T(math.Tanh(float64(v)))
		}
	case ELU:
		for i, v := range z {
			if v < 0 {
				z[i] = T(math.Expm1(float64(v)))
			}
		}
	case SiLU:
		if pre != nil {
			copy(pre, z)
		}
		for i, v := range z {
			z[i] = v / (1 + T(math.Exp(-float64(v))))
		}
	}
}

// ActivationGrad sets dz = g ⊙ act'(z), with act' written in terms of the
// output out = act(z) where possible:
//
//	relu: 1{out > 0}   tanh: 1 − out²   elu: 1 if out > 0 else out + 1
//	silu: s(z)(1 + z(1 − s(z))), s the logistic sigmoid (z from pre)
//	identity: 1
func ActivationGrad[T Float](act Activation, dz, g, out, pre []T) {
	switch act {
	case Identity:
		copy(dz, g)
	case ReLU:
		// Branch-free: the sign pattern of a ReLU layer is random, so a
		// branch here mispredicts about half the time.
		g = g[:len(out)]
		dz = dz[:len(out)]
		for i, o := range out {
			dz[i] = g[i] * T(b2f(o > 0))
		}
	case Tanh:
		for i, o := range out {
			dz[i] = g[i] * (1 - o*o)
		}
	case ELU:
		for i, o := range out {
			if o > 0 {
				dz[i] = g[i]
			} else {
				dz[i] = g[i] * (o + 1)
			}
		}
	case SiLU:
		for i, z := range pre {
			s := 1 / (1 + T(math.Exp(-float64(z))))
			dz[i] = g[i] * s * (1 + z*(1-s))
		}
	}
}

// b2f is 1 for true and 0 for false; the compiler makes it a SETcc, not a
// branch.
func b2f(b bool) float32 {
	var f float32
	if b {
		f = 1
	}
	return f
}
