package graph

import (
	"fmt"
	"sync"

	"github.com/mdn-go/mdn/arch"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// MDN is a mixture density network added to a Gorgonia graph.
type MDN struct {
	Spec arch.Spec
	// X (batch, In) and Y (batch, Out) are the input nodes; bind them with
	// gorgonia.Let or write into the tensors XT and YT, which they hold.
	X, Y   *G.Node
	XT, YT *tensor.Dense
	// Logits (batch, K) and Normal (batch, NormalChannels) are the trunk outputs.
	Logits, Normal *G.Node
	// Loss is the mean NLL over the batch in nats, in the units the network
	// sees, including the (D/2) log 2π constant.
	Loss *G.Node
	// Learnables are the parameter nodes in the order of Weights.Tensors;
	// Grads their gradient nodes (nil when built without gradients).
	Learnables, Grads G.Nodes

	nll *nllOp
}

// Build adds an MDN with weights w, for batches of the given size, to g,
// using the fused operations. With grad it also adds the gradient nodes.
// Several graphs may be built from one Weights; they share its tensors.
func Build(g *G.ExprGraph, w *Weights, batch int, grad bool) (*MDN, error) {
	return build(g, w, batch, grad, false)
}

// BuildComposed is Build from Gorgonia's stock operations only (matrix
// product, broadcast add, exp, log, max, sum and slicing). It computes the
// same loss and gradients as Build and is kept as its test oracle.
func BuildComposed(g *G.ExprGraph, w *Weights, batch int, grad bool) (*MDN, error) {
	return build(g, w, batch, grad, true)
}

// buildMu serializes build: Gorgonia's graph construction writes state
// shared by every graph (G.Grad adds the package's constant 1 to the
// graph, which caches the constant's hash in place the first time), so two
// goroutines building networks at once (an ensemble's members) race on it.
// Building is once per network and cheap next to training it.
var buildMu sync.Mutex

func build(g *G.ExprGraph, w *Weights, batch int, grad, composed bool) (m *MDN, err error) {
	buildMu.Lock()
	defer buildMu.Unlock()
	s := w.Spec
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("graph: spec: %w", err)
	}
	if batch < 1 {
		return nil, fmt.Errorf("graph: batch must be ≥ 1, got %d", batch)
	}
	defer func() {
		// Gorgonia reports some construction errors by panicking; turn them
		// into errors (they are our bugs, but the caller deserves an error).
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("graph: building the MDN: %v", r)
		}
	}()
	m = &MDN{Spec: s}
	m.XT = tensor.New(tensor.WithShape(batch, s.In), tensor.Of(Dtype(s.Dtype)))
	m.YT = tensor.New(tensor.WithShape(batch, s.Out), tensor.Of(Dtype(s.Dtype)))
	m.X = G.NewMatrix(g, Dtype(s.Dtype), G.WithShape(batch, s.In), G.WithName("x"), G.WithValue(m.XT))
	m.Y = G.NewMatrix(g, Dtype(s.Dtype), G.WithShape(batch, s.Out), G.WithName("y"), G.WithValue(m.YT))
	trunk := func(name string, ls []Layer) (*G.Node, error) {
		h := m.X
		for i, l := range ls {
			wn := G.NewMatrix(g, Dtype(s.Dtype), G.WithShape(l.W.Shape()...), G.WithName(fmt.Sprintf("%s.%d.weight", name, i)), G.WithValue(l.W))
			bn := G.NewVector(g, Dtype(s.Dtype), G.WithShape(l.B.Shape()...), G.WithName(fmt.Sprintf("%s.%d.bias", name, i)), G.WithValue(l.B))
			m.Learnables = append(m.Learnables, wn, bn)
			act := s.Activation
			if i == len(ls)-1 {
				act = arch.Identity
			}
			var err error
			if composed {
				h, err = composedDense(h, wn, bn, act)
			} else {
				h, err = G.ApplyOp(newDenseOp(act, i == 0), h, wn, bn)
			}
			if err != nil {
				return nil, fmt.Errorf("graph: %s layer %d: %w", name, i, err)
			}
		}
		return h, nil
	}
	if m.Logits, err = trunk("pi", w.Pi); err != nil {
		return nil, err
	}
	if m.Normal, err = trunk("normal", w.Normal); err != nil {
		return nil, err
	}
	if w.Skip != nil {
		// normal(x) = MLP(x) + x·S (arch.Spec.Skip). The fused path runs x·S
		// as a dense op with a zero bias that is not learned: Gorgonia's
		// matrix product transposes its operands in place for the
		// gradient, which races when data-parallel graphs share S.
		sn := G.NewMatrix(g, Dtype(s.Dtype), G.WithShape(w.Skip.Shape()...), G.WithName(arch.SkipName), G.WithValue(w.Skip))
		m.Learnables = append(m.Learnables, sn)
		var xs *G.Node
		var err error
		if composed {
			xs, err = G.Mul(m.X, sn)
		} else {
			nc := w.Skip.Shape()[1]
			zero := tensor.New(tensor.WithShape(nc), tensor.Of(Dtype(s.Dtype)))
			zn := G.NewVector(g, Dtype(s.Dtype), G.WithShape(nc), G.WithName("normal.skip.zero"), G.WithValue(zero))
			xs, err = G.ApplyOp(newDenseOp(arch.Identity, true), m.X, sn, zn)
		}
		if err != nil {
			return nil, fmt.Errorf("graph: skip: %w", err)
		}
		if composed {
			m.Normal, err = G.Add(m.Normal, xs)
		} else {
			m.Normal, err = G.ApplyOp(newAddOp(), m.Normal, xs)
		}
		if err != nil {
			return nil, fmt.Errorf("graph: skip: %w", err)
		}
	}
	if composed {
		m.Loss, err = composedNLL(s, m.Logits, m.Normal, m.Y)
	} else {
		m.nll = newNLLOp(s, grad)
		m.Loss, err = G.ApplyOp(m.nll, m.Logits, m.Normal, m.Y)
	}
	if err != nil {
		return nil, fmt.Errorf("graph: loss: %w", err)
	}
	if grad {
		if m.Grads, err = G.Grad(m.Loss, m.Learnables...); err != nil {
			return nil, fmt.Errorf("graph: gradients: %w", err)
		}
	}
	return m, nil
}

// LossValue is the loss of the last run.
func (m *MDN) LossValue() (float64, error) {
	if m.Loss.Value() == nil {
		return 0, fmt.Errorf("graph: loss has not been computed")
	}
	return scalarOf(m.Loss.Value())
}

// RowNLL is the per-row NLL of the last run of a graph made by Build (nil
// for BuildComposed).
func (m *MDN) RowNLL() []float64 {
	if m.nll == nil {
		return nil
	}
	return m.nll.perRow
}
