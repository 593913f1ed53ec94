package graph

import (
	"fmt"
	"github.com/mdn-go/mdn/arch"
	"hash"
	"hash/fnv"

	"github.com/chewxy/hm"
	"github.com/mdn-go/mdn/internal/vec"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The fused operations of this package keep their output buffers across
// steps: a TapeMachine's Reset drops every value, so a stock operation
// allocates its output again on every run, while these return the same
// tensor each time. Each op instance belongs to one node; Hashcode uses the
// instance's address so that the graph never merges two of them.
//
// Nothing outside this package may write into a buffer an op returned:
// the backward operations read the forward outputs.

// opBase holds what every fused op shares.
type opBase struct{ name string }

func (o *opBase) ReturnsPtr() bool      { return false }
func (o *opBase) CallsExtern() bool     { return false }
func (o *opBase) OverwritesInput() int  { return -1 }
func (o *opBase) WriteHash(h hash.Hash) { fmt.Fprintf(h, "%s@%p", o.name, o) }
func (o *opBase) Hashcode() uint32 {
	h := fnv.New32a()
	o.WriteHash(h)
	return h.Sum32()
}
func (o *opBase) String() string { return o.name }

func matType(a hm.Type) hm.Type { return G.TensorType{Dims: 2, Of: a} }
func vecType(a hm.Type) hm.Type { return G.TensorType{Dims: 1, Of: a} }

// buffer returns t if it already has the given shape and dtype, else a new
// zeroed tensor of that shape.
func buffer(t *tensor.Dense, dt tensor.Dtype, shape ...int) *tensor.Dense {
	if t != nil && t.Dtype() == dt && t.Shape().Eq(tensor.Shape(shape)) {
		return t
	}
	return tensor.New(tensor.WithShape(shape...), tensor.Of(dt))
}

// dense returns the tensor behind v and its shape.
func dense(v G.Value) (*tensor.Dense, error) {
	t, ok := v.(*tensor.Dense)
	if !ok {
		return nil, fmt.Errorf("graph: want a dense tensor, got %T", v)
	}
	return t, nil
}

// dense2 is dense of the first two arguments of an op.
func dense2(vs []G.Value) (a, b *tensor.Dense, err error) {
	if a, err = dense(vs[0]); err != nil {
		return nil, nil, err
	}
	if b, err = dense(vs[1]); err != nil {
		return nil, nil, err
	}
	return a, b, nil
}

func scalarOf(v G.Value) (float64, error) {
	switch s := v.(type) {
	case *G.F64:
		return float64(*s), nil
	case *G.F32:
		return float64(*s), nil
	case *tensor.Dense:
		if s.Size() == 1 {
			switch d := s.Data().(type) {
			case []float32:
				return float64(d[0]), nil
			case []float64:
				return d[0], nil
			case float32:
				return float64(d), nil
			case float64:
				return d, nil
			}
		}
	}
	return 0, fmt.Errorf("graph: want a scalar, got %T", v)
}

// ---------------------------------------------------------------------------
// denseOp: out = act(x·W + b)

// denseOp is a fully connected layer with its activation:
//
//	out = act(x·W + b)    x: (batch, in)  W: (in, out)  b: (out)  out: (batch, out)
//
// Its gradient (SymDiff) is, with g = ∂L/∂out and dz = g ⊙ act'(z):
//
//	∂L/∂W = xᵀ·dz    ∂L/∂b = Σ_rows dz    ∂L/∂x = dz·Wᵀ
//
// When x is data (the first layer) no ∂L/∂x is built.
type denseOp struct {
	opBase
	act    arch.Activation
	dataIn bool
	out    *tensor.Dense
	pre    *tensor.Dense // pre-activation, kept for SiLU only
}

func newDenseOp(act arch.Activation, dataIn bool) *denseOp {
	return &denseOp{opBase: opBase{name: "dense(" + string(act) + ")"}, act: act, dataIn: dataIn}
}

func (o *denseOp) Arity() int { return 3 }
func (o *denseOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(matType(a), matType(a), vecType(a), matType(a))
}
func (o *denseOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	x, w := in[0].(tensor.Shape), in[1].(tensor.Shape)
	if len(x) != 2 || len(w) != 2 || x[1] != w[0] {
		return nil, fmt.Errorf("graph: dense: shapes %v and %v do not chain", x, w)
	}
	return tensor.Shape{x[0], w[1]}, nil
}

func (o *denseOp) Do(vs ...G.Value) (G.Value, error) {
	x, w, err := dense2(vs)
	if err != nil {
		return nil, err
	}
	b, err := dense(vs[2])
	if err != nil {
		return nil, err
	}
	rows, in, outN := x.Shape()[0], x.Shape()[1], w.Shape()[1]
	o.out = buffer(o.out, x.Dtype(), rows, outN)
	if o.act == arch.SiLU {
		o.pre = buffer(o.pre, x.Dtype(), rows, outN)
	}
	switch x.Dtype() {
	case tensor.Float32:
		denseForward(o, Elems[float32](x), Elems[float32](w), Elems[float32](b), rows, in, outN)
	case tensor.Float64:
		denseForward(o, Elems[float64](x), Elems[float64](w), Elems[float64](b), rows, in, outN)
	default:
		return nil, fmt.Errorf("graph: dense: unsupported dtype %v", x.Dtype())
	}
	return o.out, nil
}

func denseForward[T float](o *denseOp, x, w, b []T, rows, in, outN int) {
	out := Elems[T](o.out)
	var pre []T
	if o.pre != nil {
		pre = Elems[T](o.pre)
	}
	if out32, ok := any(out).([]float32); ok {
		// x·W, then bias and activation in one SIMD pass: the same sums,
		// round(Σ + b), as starting the product from the bias when
		// in ≤ 256 (one block of the product).
		matmul(false, false, rows, outN, in, 1, x, in, w, outN, 0, out, outN)
		b32 := any(b).([]float32)
		if o.act == arch.ReLU {
			vec.BiasReLU32(out32, b32, rows, outN)
			return
		}
		vec.AddBias32(out32, b32, rows, outN)
		arch.Activate(o.act, out, pre)
		return
	}
	for r := 0; r < rows; r++ {
		copy(out[r*outN:(r+1)*outN], b)
	}
	matmul(false, false, rows, outN, in, 1, x, in, w, outN, 1, out, outN)
	arch.Activate(o.act, out, pre)
}

func (o *denseOp) DiffWRT(n int) []bool { return []bool{!o.dataIn, true, true} }

func (o *denseOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	// For the identity dz = g; otherwise denseGradOp computes dz and, in
	// the same pass, the bias gradient Σ_rows dz, which the column-sum node
	// then only hands on.
	dz, sum := grad, &colSumOp{opBase: opBase{name: "colsum"}}
	if o.act != arch.Identity {
		gop := &denseGradOp{opBase: opBase{name: "dense'"}, fwd: o}
		var err error
		if dz, err = G.ApplyOp(gop, out, grad); err != nil {
			return nil, err
		}
		sum.from = gop
	}
	dw, err := G.ApplyOp(newMatMulOp(true, false), in[0], dz)
	if err != nil {
		return nil, err
	}
	db, err := G.ApplyOp(sum, dz)
	if err != nil {
		return nil, err
	}
	var dx *G.Node
	if !o.dataIn {
		if dx, err = G.ApplyOp(newMatMulOp(false, true), dz, in[1]); err != nil {
			return nil, err
		}
	}
	return G.Nodes{dx, dw, db}, nil
}

// denseGradOp computes dz = g ⊙ act'(z) from the forward output and g,
// and the bias gradient db = Σ_rows dz in the same pass (for ReLU in one
// SIMD loop), summing the rows in order as colSum does.
type denseGradOp struct {
	opBase
	fwd    *denseOp
	dz, db *tensor.Dense
}

func (o *denseGradOp) Arity() int { return 2 }
func (o *denseGradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(matType(a), matType(a), matType(a))
}
func (o *denseGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}
func (o *denseGradOp) Do(vs ...G.Value) (G.Value, error) {
	out, g, err := dense2(vs)
	if err != nil {
		return nil, err
	}
	o.dz = buffer(o.dz, out.Dtype(), out.Shape()...)
	rows, cols := out.Shape()[0], out.Shape()[1]
	o.db = buffer(o.db, out.Dtype(), cols)
	switch out.Dtype() {
	case tensor.Float32:
		denseGrad(o, Elems[float32](out), Elems[float32](g), rows, cols)
	case tensor.Float64:
		denseGrad(o, Elems[float64](out), Elems[float64](g), rows, cols)
	}
	return o.dz, nil
}

func denseGrad[T float](o *denseGradOp, out, g []T, rows, cols int) {
	dz, db := Elems[T](o.dz), Elems[T](o.db)
	if o.fwd.act == arch.ReLU {
		switch dz := any(dz).(type) {
		case []float32:
			vec.ReLUGradColSum32(dz, any(g).([]float32), any(out).([]float32), any(db).([]float32), rows, cols)
		case []float64:
			vec.ReLUGradColSum64(dz, any(g).([]float64), any(out).([]float64), any(db).([]float64), rows, cols)
		}
		return
	}
	var pre []T
	if o.fwd.pre != nil {
		pre = Elems[T](o.fwd.pre)
	}
	arch.ActivationGrad(o.fwd.act, dz, g, out, pre)
	colSum(db, dz, rows, cols)
}

// addOp is the sum of two matrices of one shape into a buffer it keeps,
// the skip path's normal(x) = MLP(x) + x·S (Gorgonia's Add allocates its
// output on every run):
//
//	out = a + b    ∂L/∂a = ∂L/∂b = g
//
// Each sum is the same IEEE addition as Add's. TestGradientsMatchFiniteDifferences
// checks its gradient with the skip path.
type addOp struct {
	opBase
	out *tensor.Dense
}

func newAddOp() *addOp { return &addOp{opBase: opBase{name: "add"}} }

func (o *addOp) Arity() int { return 2 }
func (o *addOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(matType(a), matType(a), matType(a))
}
func (o *addOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	a, b := in[0].(tensor.Shape), in[1].(tensor.Shape)
	if !a.Eq(b) {
		return nil, fmt.Errorf("graph: add: shapes %v and %v differ", a, b)
	}
	return a.Clone(), nil
}
func (o *addOp) Do(vs ...G.Value) (G.Value, error) {
	a, b, err := dense2(vs)
	if err != nil {
		return nil, err
	}
	if !a.Shape().Eq(b.Shape()) || a.Dtype() != b.Dtype() {
		return nil, fmt.Errorf("graph: add: %v %v and %v %v differ", a.Shape(), a.Dtype(), b.Shape(), b.Dtype())
	}
	o.out = buffer(o.out, a.Dtype(), a.Shape()...)
	switch a.Dtype() {
	case tensor.Float32:
		addTo(Elems[float32](o.out), Elems[float32](a), Elems[float32](b))
	case tensor.Float64:
		addTo(Elems[float64](o.out), Elems[float64](a), Elems[float64](b))
	default:
		return nil, fmt.Errorf("graph: add: unsupported dtype %v", a.Dtype())
	}
	return o.out, nil
}

// addTo sets out[i] = a[i] + b[i].
func addTo[T float](out, a, b []T) {
	for i := range out {
		out[i] = a[i] + b[i]
	}
}

func (o *addOp) DiffWRT(n int) []bool { return []bool{true, true} }

func (o *addOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	return G.Nodes{grad, grad}, nil
}

// matMulOp computes op(A)·op(B) into a buffer it keeps.
type matMulOp struct {
	opBase
	ta, tb bool
	c      *tensor.Dense
}

func newMatMulOp(ta, tb bool) *matMulOp {
	return &matMulOp{opBase: opBase{name: fmt.Sprintf("matmul(%v,%v)", ta, tb)}, ta: ta, tb: tb}
}

func (o *matMulOp) Arity() int { return 2 }
func (o *matMulOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(matType(a), matType(a), matType(a))
}
func (o *matMulOp) dims(a, b tensor.Shape) (m, k, n int, err error) {
	m, k = a[0], a[1]
	if o.ta {
		m, k = k, m
	}
	k2, n := b[0], b[1]
	if o.tb {
		k2, n = n, k2
	}
	if k != k2 {
		err = fmt.Errorf("graph: matmul: shapes %v and %v do not chain", a, b)
	}
	return
}
func (o *matMulOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	m, _, n, err := o.dims(in[0].(tensor.Shape), in[1].(tensor.Shape))
	return tensor.Shape{m, n}, err
}
func (o *matMulOp) Do(vs ...G.Value) (G.Value, error) {
	a, b, err := dense2(vs)
	if err != nil {
		return nil, err
	}
	m, k, n, err := o.dims(a.Shape(), b.Shape())
	if err != nil {
		return nil, err
	}
	o.c = buffer(o.c, a.Dtype(), m, n)
	lda, ldb := a.Shape()[1], b.Shape()[1]
	switch a.Dtype() {
	case tensor.Float32:
		matmul(o.ta, o.tb, m, n, k, 1, Elems[float32](a), lda, Elems[float32](b), ldb, 0, Elems[float32](o.c), n)
	case tensor.Float64:
		matmul(o.ta, o.tb, m, n, k, 1, Elems[float64](a), lda, Elems[float64](b), ldb, 0, Elems[float64](o.c), n)
	}
	return o.c, nil
}

// colSumOp sums a matrix over its rows: (batch, n) → (n). When from is
// set its input is from's dz, whose sum from has already computed.
type colSumOp struct {
	opBase
	s    *tensor.Dense
	from *denseGradOp
}

func (o *colSumOp) Arity() int { return 1 }
func (o *colSumOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(matType(a), vecType(a))
}
func (o *colSumOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{in[0].(tensor.Shape)[1]}, nil
}
func (o *colSumOp) Do(vs ...G.Value) (G.Value, error) {
	a, err := dense(vs[0])
	if err != nil {
		return nil, err
	}
	if o.from != nil && o.from.dz == a && o.from.db != nil {
		return o.from.db, nil
	}
	rows, n := a.Shape()[0], a.Shape()[1]
	o.s = buffer(o.s, a.Dtype(), n)
	switch a.Dtype() {
	case tensor.Float32:
		colSum(Elems[float32](o.s), Elems[float32](a), rows, n)
	case tensor.Float64:
		colSum(Elems[float64](o.s), Elems[float64](a), rows, n)
	}
	return o.s, nil
}

func colSum[T float](s, a []T, rows, n int) {
	clear(s)
	for r := 0; r < rows; r++ {
		row := a[r*n : (r+1)*n]
		for j, v := range row {
			s[j] += v
		}
	}
}
