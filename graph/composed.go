package graph

import (
	"fmt"
	"github.com/mdn-go/mdn/arch"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// composedDense is act(h·W + b) from stock operations.
func composedDense(h, w, b *G.Node, act arch.Activation) (*G.Node, error) {
	z, err := G.Mul(h, w)
	if err != nil {
		return nil, err
	}
	br, err := G.Reshape(b, tensor.Shape{1, b.Shape()[0]})
	if err != nil {
		return nil, err
	}
	if z, err = G.BroadcastAdd(z, br, nil, []byte{0}); err != nil {
		return nil, err
	}
	switch act {
	case arch.Identity:
		return z, nil
	case arch.ReLU:
		return G.Rectify(z)
	case arch.Tanh:
		return G.Tanh(z)
	case arch.SiLU:
		s, err := G.Sigmoid(z)
		if err != nil {
			return nil, err
		}
		return G.HadamardProd(z, s)
	}
	return nil, fmt.Errorf("graph: composed: activation %q has no composed form", act)
}

// cst is a scalar constant of the graph's dtype.
func cst(dt tensor.Dtype, v float64) *G.Node {
	if dt == tensor.Float32 {
		return G.NewConstant(float32(v))
	}
	return G.NewConstant(v)
}

// col is column c of a (batch, n) matrix as a (batch) vector.
func col(m *G.Node, c int) *G.Node { return G.Must(G.Slice(m, nil, G.S(c))) }

// composedLSE is the row-wise max-subtracted logsumexp of column vectors:
//
//	lse = m + log Σ_k exp(a_k − m),  m = max_k a_k (elementwise)
func composedLSE(a []*G.Node) *G.Node {
	m := a[0]
	for _, v := range a[1:] {
		m = G.Must(G.MaxBetween(m, v))
	}
	var s *G.Node
	for _, v := range a {
		e := G.Must(G.Exp(G.Must(G.Sub(v, m))))
		if s == nil {
			s = e
		} else {
			s = G.Must(G.Add(s, e))
		}
	}
	return G.Must(G.Add(m, G.Must(G.Log(s))))
}

// ComposedLogSoftmax is the stable row-wise log-softmax of a (batch, K)
// matrix built from stock operations, one (batch) vector per column:
//
//	log π_k = z_k − logsumexp_k(z)
func ComposedLogSoftmax(z *G.Node) []*G.Node {
	K := z.Shape()[1]
	cols := make([]*G.Node, K)
	for k := range cols {
		cols[k] = col(z, k)
	}
	lse := composedLSE(cols)
	out := make([]*G.Node, K)
	for k := range out {
		out[k] = G.Must(G.Sub(cols[k], lse))
	}
	return out
}

// composedNLL is the mean mixture NLL from stock operations, column by
// column (see rowNLL.eval for the math).
func composedNLL(s arch.Spec, logits, normal, y *G.Node) (*G.Node, error) {
	dt := Dtype(s.Dtype)
	K, D := s.K, s.Out
	logPi := ComposedLogSoftmax(logits)
	sigma := func(raw *G.Node) *G.Node {
		var f *G.Node
		if s.Transform == arch.Softplus {
			f = G.Must(G.Softplus(raw))
		} else {
			f = G.Must(G.Exp(raw))
		}
		if s.SigmaMin != 0 {
			f = G.Must(G.Add(f, cst(dt, s.SigmaMin)))
		}
		return f
	}
	half := cst(dt, 0.5)
	c := cst(dt, 0.5*float64(D)*math.Log(2*math.Pi))
	ys := make([]*G.Node, D)
	for j := range ys {
		ys[j] = col(y, j)
	}
	a := make([]*G.Node, K)
	var shared *G.Node
	if s.Noise == arch.IsotropicAcrossClusters {
		shared = sigma(col(normal, K*D))
	}
	for k := range K {
		r := make([]*G.Node, D)
		for j := range D {
			r[j] = G.Must(G.Sub(ys[j], col(normal, k*D+j)))
		}
		var q, ls *G.Node
		add := func(acc, v *G.Node) *G.Node {
			if acc == nil {
				return v
			}
			return G.Must(G.Add(acc, v))
		}
		switch s.Noise {
		case arch.Full:
			nb := D * (D + 1) / 2
			base := K*D + k*nb
			diag := make([]*G.Node, D)
			for j := range D {
				diag[j] = sigma(col(normal, base+j))
				ls = add(ls, G.Must(G.Log(diag[j])))
			}
			z := make([]*G.Node, D)
			o := D
			for i := range D {
				v := r[i]
				for j := 0; j < i; j++ {
					v = G.Must(G.Sub(v, G.Must(G.HadamardProd(col(normal, base+o), z[j]))))
					o++
				}
				z[i] = G.Must(G.HadamardDiv(v, diag[i]))
				q = add(q, G.Must(G.Square(z[i])))
			}
		default:
			for j := range D {
				var sg *G.Node
				switch s.Noise {
				case arch.Diagonal:
					sg = sigma(col(normal, K*D+k*D+j))
				case arch.Isotropic:
					sg = sigma(col(normal, K*D+k))
				case arch.IsotropicAcrossClusters:
					sg = shared
				case arch.Fixed:
					sg = cst(dt, s.FixedSigma[j])
				}
				z := G.Must(G.Div(r[j], sg))
				q = add(q, G.Must(G.Square(z)))
				if s.Noise != arch.Fixed {
					ls = add(ls, G.Must(G.Log(sg)))
				}
			}
		}
		if s.Noise == arch.Fixed {
			var v float64
			for _, sg := range s.FixedSigma {
				v += math.Log(sg)
			}
			ls = cst(dt, v)
		}
		// a_k = log π_k − ½ q − Σ log σ − (D/2) log 2π
		ak := G.Must(G.Sub(logPi[k], G.Must(G.HadamardProd(q, half))))
		ak = G.Must(G.Sub(ak, ls))
		a[k] = G.Must(G.Sub(ak, c))
	}
	lse := composedLSE(a)
	return G.Neg(G.Must(G.Mean(lse)))
}
