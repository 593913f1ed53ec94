package graph

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Machine runs every operation of a Gorgonia graph in a fixed topological
// order, calling each node's Op.Do on its children's values, and binds the
// results to the nodes (so Node.Value, MDN.LossValue and the gradient
// nodes read them as after a TapeMachine's run). It is a G.VM.
//
// Gorgonia's TapeMachine.RunAll locks the calling goroutine to its thread
// and runs the tape on a new goroutine, so that every run costs two thread
// hand-offs (futex sleeps and wake-ups): about a fifth of the CPU time of
// a training step of the original's example. Machine runs the same ops on
// the same inputs in the calling goroutine, so the results are bit for bit
// a TapeMachine's (TestMachineMatchesTapeMachine).
type Machine struct {
	steps []machineStep
	vals  []G.Value // output of each step
}

type machineStep struct {
	n    *G.Node
	op   G.Op
	in   []machineArg
	args []G.Value
}

// machineArg is an input of a step: a leaf node's value or an earlier
// step's output.
type machineArg struct {
	leaf *G.Node
	step int
}

// NewMachine prepares g to be run. The graph must not change afterwards.
func NewMachine(g *G.ExprGraph) (*Machine, error) {
	sorted, err := G.Sort(g)
	if err != nil {
		return nil, fmt.Errorf("graph: sorting the graph: %w", err)
	}
	m := &Machine{}
	stepOf := make(map[*G.Node]int, len(sorted))
	// Sort puts the roots first; run from the leaves.
	for i := len(sorted) - 1; i >= 0; i-- {
		n := sorted[i]
		if n.Op() == nil {
			continue
		}
		s := machineStep{n: n, op: n.Op()}
		it := g.From(n.ID())
		for it.Next() {
			c := it.Node().(*G.Node)
			if c.Op() == nil {
				s.in = append(s.in, machineArg{leaf: c, step: -1})
				continue
			}
			k, ok := stepOf[c]
			if !ok {
				return nil, fmt.Errorf("graph: node %v runs before its input %v", n, c)
			}
			s.in = append(s.in, machineArg{step: k})
		}
		if len(s.in) != s.op.Arity() && s.op.Arity() >= 0 {
			return nil, fmt.Errorf("graph: node %v has %d inputs, its op takes %d", n, len(s.in), s.op.Arity())
		}
		s.args = make([]G.Value, len(s.in))
		stepOf[n] = len(m.steps)
		m.steps = append(m.steps, s)
	}
	m.vals = make([]G.Value, len(m.steps))
	return m, nil
}

// RunAll runs the graph once.
func (m *Machine) RunAll() error {
	for k := range m.steps {
		s := &m.steps[k]
		for i, a := range s.in {
			if a.step < 0 {
				s.args[i] = a.leaf.Value()
				if s.args[i] == nil {
					return fmt.Errorf("graph: input %v of %v has no value", a.leaf, s.n)
				}
			} else {
				s.args[i] = m.vals[a.step]
			}
		}
		v, err := s.op.Do(s.args...)
		if err != nil {
			return fmt.Errorf("graph: %v: %w", s.n, err)
		}
		m.vals[k] = v
	}
	for k := range m.steps {
		n := m.steps[k].n
		// A fused op's kept buffer is bound once (UnsafeLet clones the
		// node's shape, an allocation a node and run). Only pointers are
		// compared: == on two values of a non-comparable type would panic.
		if t, ok := m.vals[k].(*tensor.Dense); ok && n.Value() == G.Value(t) {
			continue
		}
		if err := G.UnsafeLet(n, m.vals[k]); err != nil {
			return fmt.Errorf("graph: %v: %w", n, err)
		}
	}
	return nil
}

// Reset does nothing: every run computes every node again.
func (m *Machine) Reset() {}

// Close releases nothing; it is there for G.VM.
func (m *Machine) Close() error { return nil }
