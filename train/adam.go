package train

import (
	"math"

	"github.com/mdn-go/mdn/graph"
	"github.com/mdn-go/mdn/internal/vec"
	"gorgonia.org/tensor"
)

// Adam's constants, as PyTorch's torch.optim.Adam defaults.
const (
	beta1   = 0.9
	beta2   = 0.999
	adamEps = 1e-8
)

// adam is an allocation-free Adam (AdamW with decay > 0) over parameter
// tensors of one dtype. Gorgonia's AdamSolver fixes its learning rate at
// construction and clones tensors every step; this one takes the learning
// rate per step and updates in place.
type adam struct {
	params []*tensor.Dense
	m, v   [][]float64
	t      int
}

func newAdam(params []*tensor.Dense) *adam {
	a := &adam{params: params, m: make([][]float64, len(params)), v: make([][]float64, len(params))}
	for i, p := range params {
		a.m[i] = make([]float64, p.Size())
		a.v[i] = make([]float64, p.Size())
	}
	return a
}

// state is a copy of the optimizer's moments and step count.
type adamState struct {
	M, V [][]float64
	T    int
}

func (a *adam) save(s *adamState) {
	if s.M == nil {
		s.M, s.V = make([][]float64, len(a.m)), make([][]float64, len(a.v))
		for i := range a.m {
			s.M[i], s.V[i] = make([]float64, len(a.m[i])), make([]float64, len(a.v[i]))
		}
	}
	for i := range a.m {
		copy(s.M[i], a.m[i])
		copy(s.V[i], a.v[i])
	}
	s.T = a.t
}

func (a *adam) restore(s *adamState) {
	for i := range a.m {
		copy(a.m[i], s.M[i])
		copy(a.v[i], s.V[i])
	}
	a.t = s.T
}

// step applies one update with learning rate lr, gradients grads (same
// shapes as params) multiplied by gscale (for clipping), and decoupled
// weight decay wd: θ ← θ(1 − lr·wd) − lr·m̂/(√v̂ + ε).
func (a *adam) step(grads []*tensor.Dense, lr, gscale, wd float64) {
	a.t++
	bc1 := 1 - math.Pow(beta1, float64(a.t))
	bc2 := 1 - math.Pow(beta2, float64(a.t))
	c := vec.AdamConsts{GScale: gscale, Beta1: beta1, OmB1: 1 - beta1, Beta2: beta2, OmB2: 1 - beta2,
		Decay: 1 - lr*wd, SqrtBC2: math.Sqrt(bc2), StepSize: lr / bc1, Eps: adamEps}
	for i, p := range a.params {
		switch p.Dtype() {
		case tensor.Float32:
			// adamUpdate's arithmetic, eight lanes at a time (vec.Adam32).
			vec.Adam32(graph.Elems[float32](p), graph.Elems[float32](grads[i]), a.m[i], a.v[i], &c)
		case tensor.Float64:
			adamUpdate(graph.Elems[float64](p), graph.Elems[float64](grads[i]), a.m[i], a.v[i], lr, gscale, wd, bc1, bc2)
		}
	}
}

func adamUpdate[T float32 | float64](p, g []T, m, v []float64, lr, gscale, wd, bc1, bc2 float64) {
	decay := 1 - lr*wd
	sbc2 := math.Sqrt(bc2)
	stepSize := lr / bc1
	for j := range p {
		gj := float64(g[j]) * gscale
		m[j] = beta1*m[j] + (1-beta1)*gj
		v[j] = beta2*v[j] + (1-beta2)*gj*gj
		// PyTorch's form: θ −= (lr/bc1) · m / (√v/√bc2 + ε)
		pj := float64(p[j]) * decay
		p[j] = T(pj - stepSize*m[j]/(math.Sqrt(v[j])/sbc2+adamEps))
	}
}

// gradNorm is the global L2 norm of the gradients and whether every entry
// is finite: the tensors' sums of squares (vec.SumSquares32's order for
// float32) added in order.
func gradNorm(grads []*tensor.Dense) (float64, bool) {
	var s float64
	for _, g := range grads {
		switch g.Dtype() {
		case tensor.Float32:
			s += vec.SumSquares32(graph.Elems[float32](g))
		case tensor.Float64:
			for _, x := range graph.Elems[float64](g) {
				s += x * x
			}
		}
	}
	return math.Sqrt(s), !math.IsNaN(s) && !math.IsInf(s, 0)
}
