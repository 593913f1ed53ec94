package graph

import (
	"fmt"
	"github.com/mdn-go/mdn/arch"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distmv"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func testSpec(noise arch.Noise, d int, dt arch.DType) arch.Spec {
	s := arch.Spec{In: 2, Out: d, K: 3, Hidden: []int{6, 5}, Activation: arch.Tanh, Noise: noise,
		Transform: arch.Exp, SigmaMin: 0.01, Dtype: dt}
	if noise == arch.Fixed {
		s.FixedSigma = []float64{0.7, 1.3, 0.4}[:d]
	}
	return s
}

// fixture is a built MDN with random weights and data, run once.
type fixture struct {
	w  *Weights
	m  *MDN
	vm G.VM
	x  []float64
	y  []float64
}

func newFixture(t *testing.T, s arch.Spec, batch int, composed bool, seed uint64) *fixture {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	w, err := NewWeights(s, rng)
	if err != nil {
		t.Fatal(err)
	}
	// Non-zero biases so that the scale channels are far from 0 and the
	// logits differ between components.
	for _, ls := range [][]Layer{w.Pi, w.Normal} {
		for _, l := range ls {
			setAll(l.B, func(int) float64 { return rng.NormFloat64() * 0.5 })
		}
	}
	if w.Skip != nil { // starts at zero; make its gradient path visible
		setAll(w.Skip, func(int) float64 { return rng.NormFloat64() * 0.5 })
	}
	f := &fixture{w: w, x: make([]float64, batch*s.In), y: make([]float64, batch*s.Out)}
	for i := range f.x {
		f.x[i] = rng.NormFloat64()
	}
	for i := range f.y {
		f.y[i] = rng.NormFloat64()
	}
	f.build(t, composed, batch)
	return f
}

func (f *fixture) build(t *testing.T, composed bool, batch int) {
	t.Helper()
	g := G.NewGraph()
	var err error
	if composed {
		f.m, err = BuildComposed(g, f.w, batch, true)
	} else {
		f.m, err = Build(g, f.w, batch, true)
	}
	if err != nil {
		t.Fatal(err)
	}
	setAll(f.m.XT, func(i int) float64 { return f.x[i] })
	setAll(f.m.YT, func(i int) float64 { return f.y[i] })
	f.vm = G.NewTapeMachine(g)
	t.Cleanup(func() { f.vm.Close() })
}

func (f *fixture) run(t *testing.T) float64 {
	t.Helper()
	f.vm.Reset()
	if err := f.vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	v, err := f.m.LossValue()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (f *fixture) grads() []float64 {
	var g []float64
	for _, n := range f.m.Grads {
		g = append(g, Float64s(n.Value().(*tensor.Dense))...)
	}
	return g
}

func setAll(t *tensor.Dense, v func(int) float64) {
	switch d := t.Data().(type) {
	case []float32:
		for i := range d {
			d[i] = float32(v(i))
		}
	case []float64:
		for i := range d {
			d[i] = v(i)
		}
	}
}

// independentNLL computes the mean NLL from the trunk outputs with gonum:
// distmv.Normal per component, floats.LogSumExp over components.
func independentNLL(t *testing.T, s arch.Spec, logits, normal, y []float64, batch int) float64 {
	t.Helper()
	K, D, P := s.K, s.Out, s.NormalChannels()
	var sum float64
	for i := range batch {
		lg := logits[i*K : (i+1)*K]
		lse := floats.LogSumExp(lg)
		p := normal[i*P : (i+1)*P]
		terms := make([]float64, K)
		for k := range K {
			cov := mat.NewSymDense(D, nil)
			switch s.Noise {
			case arch.Full:
				nb := D * (D + 1) / 2
				blk := p[K*D+k*nb : K*D+(k+1)*nb]
				L := mat.NewDense(D, D, nil)
				for j := range D {
					L.Set(j, j, s.SigmaMin+math.Exp(blk[j]))
				}
				o := D
				for a := 1; a < D; a++ {
					for b := 0; b < a; b++ {
						L.Set(a, b, blk[o])
						o++
					}
				}
				var c mat.Dense
				c.Mul(L, L.T())
				for a := range D {
					for b := range D {
						cov.SetSym(a, b, c.At(a, b))
					}
				}
			default:
				for j := range D {
					var sg float64
					switch s.Noise {
					case arch.Diagonal:
						sg = s.SigmaMin + math.Exp(p[K*D+k*D+j])
					case arch.Isotropic:
						sg = s.SigmaMin + math.Exp(p[K*D+k])
					case arch.IsotropicAcrossClusters:
						sg = s.SigmaMin + math.Exp(p[K*D])
					case arch.Fixed:
						sg = s.FixedSigma[j]
					}
					cov.SetSym(j, j, sg*sg)
				}
			}
			n, ok := distmv.NewNormal(p[k*D:(k+1)*D], cov, nil)
			if !ok {
				t.Fatalf("covariance not positive definite")
			}
			terms[k] = lg[k] - lse + n.LogProb(y[i*D:(i+1)*D])
		}
		sum -= floats.LogSumExp(terms)
	}
	return sum / float64(batch)
}

func TestLossMatchesIndependent(t *testing.T) {
	for _, noise := range arch.Noises {
		for _, d := range []int{1, 2, 3} {
			for _, extreme := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/d=%d/extreme=%v", noise, d, extreme), func(t *testing.T) {
					s := testSpec(noise, d, arch.Float64)
					if extreme {
						s.SigmaMin = 0 // the log σ = raw path
					}
					f := newFixture(t, s, 9, false, uint64(d)+7)
					if extreme {
						// Logits of ±1000: component 0 dominates, 2 is negligible.
						last := f.w.Pi[len(f.w.Pi)-1].B.Data().([]float64)
						last[0], last[1], last[2] = 1000, 0, -1000
					}
					got := f.run(t)
					logits := Float64s(f.m.Logits.Value().(*tensor.Dense))
					normal := Float64s(f.m.Normal.Value().(*tensor.Dense))
					want := independentNLL(t, s, logits, normal, f.y, 9)
					if math.IsNaN(got) || math.Abs(got-want) > 1e-9*math.Abs(want) {
						t.Fatalf("got %v, want %v (gonum distmv)", got, want)
					}
				})
			}
		}
	}
}

func TestFusedMatchesComposed(t *testing.T) {
	for _, noise := range arch.Noises {
		for _, dt := range []arch.DType{arch.Float64, arch.Float32} {
			for _, skip := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%v/skip=%v", noise, dt, skip), func(t *testing.T) {
					s := testSpec(noise, 2, dt)
					s.Skip = skip
					fused := newFixture(t, s, 11, false, 3)
					comp := newFixture(t, s, 11, true, 3)
					lf, lc := fused.run(t), comp.run(t)
					tol := 1e-12
					if dt == arch.Float32 {
						tol = 1e-5
					}
					// !(… <= …) so that a NaN on either side fails too.
					if !(math.Abs(lf-lc) <= tol*math.Max(1, math.Abs(lc))) {
						t.Fatalf("loss: got %v, want %v (composed)", lf, lc)
					}
					gf, gc := fused.grads(), comp.grads()
					if len(gf) != len(gc) {
						t.Fatalf("got %d gradients, want %d", len(gf), len(gc))
					}
					for i := range gf {
						if !(math.Abs(gf[i]-gc[i]) <= 10*tol*math.Max(1, math.Abs(gc[i]))) {
							t.Fatalf("gradient %d: got %v, want %v (composed)", i, gf[i], gc[i])
						}
					}
				})
			}
		}
	}
}

func TestGradientsMatchFiniteDifferences(t *testing.T) {
	for _, noise := range arch.Noises {
		for _, act := range []arch.Activation{arch.Tanh, arch.SiLU, arch.ELU} {
			for _, tr := range []arch.Transform{arch.Exp, arch.Softplus} {
				if act != arch.Tanh && tr != arch.Exp {
					continue
				}
				for _, composed := range []bool{false, true} {
					for _, skip := range []bool{false, true} {
						if composed && act == arch.ELU {
							continue // no stock ELU in Gorgonia
						}
						if skip && (act != arch.Tanh || tr != arch.Exp) {
							continue // the skip is the same x·S whatever the trunk
						}
						name := fmt.Sprintf("%s/%s/%s/composed=%v/skip=%v", noise, act, tr, composed, skip)
						t.Run(name, func(t *testing.T) {
							s := testSpec(noise, 2, arch.Float64)
							s.Activation, s.Transform, s.Skip = act, tr, skip
							f := newFixture(t, s, 7, composed, 5)
							f.run(t)
							got := f.grads()
							ts := f.w.Tensors()
							var theta []float64
							for _, x := range ts {
								theta = append(theta, x.Data().([]float64)...)
							}
							set := func(th []float64) {
								o := 0
								for _, x := range ts {
									o += copy(x.Data().([]float64), th[o:])
								}
							}
							want := fd.Gradient(nil, func(th []float64) float64 {
								set(th)
								return f.run(t)
							}, theta, &fd.Settings{Formula: fd.Central, Step: 1e-6})
							set(theta)
							for i := range want {
								if math.Abs(got[i]-want[i]) > 1e-6*math.Max(1, math.Abs(want[i])) {
									t.Fatalf("parameter %d: got %v, want %v (central differences)", i, got[i], want[i])
								}
							}
						})
					}
				}
			}
		}
	}
}

func TestSingleComponentIsGaussianNLL(t *testing.T) {
	s := testSpec(arch.Diagonal, 1, arch.Float64)
	s.K = 1
	f := newFixture(t, s, 5, false, 9)
	got := f.run(t)
	p := Float64s(f.m.Normal.Value().(*tensor.Dense))
	var want float64
	for i := range 5 {
		mu, sg := p[2*i], s.SigmaMin+math.Exp(p[2*i+1])
		z := (f.y[i] - mu) / sg
		// Closed form: −log N(y; μ, σ²) = ½z² + log σ + ½ log 2π.
		want += 0.5*z*z + math.Log(sg) + 0.5*math.Log(2*math.Pi)
	}
	want /= 5
	if math.Abs(got-want) > 1e-12 {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestPermutingComponentsLeavesLoss(t *testing.T) {
	for _, noise := range []arch.Noise{arch.Full, arch.Diagonal, arch.Isotropic} {
		t.Run(string(noise), func(t *testing.T) {
			s := testSpec(noise, 2, arch.Float64)
			f := newFixture(t, s, 6, false, 11)
			before := f.run(t)
			// Swap components 0 and 2 in the output layers: logits, means, scales.
			perm := []int{2, 1, 0}
			lastPi := f.w.Pi[len(f.w.Pi)-1]
			permCols(lastPi, perm, func(k int) []int { return []int{k} })
			D := s.Out
			nb := s.ScaleChannels() / s.K
			lastN := f.w.Normal[len(f.w.Normal)-1]
			permCols(lastN, perm, func(k int) []int {
				var cs []int
				for j := range D {
					cs = append(cs, k*D+j)
				}
				for j := range nb {
					cs = append(cs, s.K*D+k*nb+j)
				}
				return cs
			})
			after := f.run(t)
			if math.Abs(after-before) > 1e-12*math.Abs(before) {
				t.Fatalf("got %v, want %v", after, before)
			}
		})
	}
}

// permCols moves the output columns of component k to those of perm[k].
func permCols(l Layer, perm []int, cols func(k int) []int) {
	w := l.W.Data().([]float64)
	b := l.B.Data().([]float64)
	in, out := l.W.Shape()[0], l.W.Shape()[1]
	w0, b0 := append([]float64(nil), w...), append([]float64(nil), b...)
	for k, pk := range perm {
		src, dst := cols(k), cols(pk)
		for c := range src {
			b[dst[c]] = b0[src[c]]
			for r := range in {
				w[r*out+dst[c]] = w0[r*out+src[c]]
			}
		}
	}
}

func TestLogSoftmaxExtremeRows(t *testing.T) {
	for _, tc := range []struct {
		z, want []float64
	}{
		// Closed forms: log π_k = z_k − logsumexp(z).
		{[]float64{1000, 0, 0}, []float64{0, -1000, -1000}},
		{[]float64{-1000, 0, 0}, []float64{-1000 - math.Log(2), -math.Log(2), -math.Log(2)}},
		{[]float64{1, 2, 3}, []float64{1 - floats.LogSumExp([]float64{1, 2, 3}), 2 - floats.LogSumExp([]float64{1, 2, 3}), 3 - floats.LogSumExp([]float64{1, 2, 3})}},
	} {
		got := make([]float64, 3)
		arch.LogSoftmax(got, tc.z)
		for i := range got {
			if math.Abs(got[i]-tc.want[i]) > 1e-12*math.Max(1, math.Abs(tc.want[i])) {
				t.Fatalf("LogSoftmax(%v) = %v, want %v", tc.z, got, tc.want)
			}
		}
	}
	// The composed form, on two rows at once (Gorgonia's own LogSoftMax takes
	// the max of the whole tensor and gives +Inf here).
	g := G.NewGraph()
	z := G.NewMatrix(g, tensor.Float64, G.WithShape(2, 3), G.WithValue(tensor.New(tensor.WithShape(2, 3),
		tensor.WithBacking([]float64{1000, 0, 0, -1000, 0, 0}))))
	cols := ComposedLogSoftmax(z)
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{0, -1000 - math.Log(2)}, {-1000, -math.Log(2)}, {-1000, -math.Log(2)}}
	for k, c := range cols {
		got := c.Value().Data().([]float64)
		for i := range got {
			if math.Abs(got[i]-want[k][i]) > 1e-12*math.Max(1, math.Abs(want[k][i])) {
				t.Fatalf("composed column %d: got %v, want %v", k, got, want[k])
			}
		}
	}
}

func TestInitBounds(t *testing.T) {
	s := testSpec(arch.Diagonal, 1, arch.Float64)
	for _, init := range []arch.Init{arch.Glorot, arch.Torch} {
		w, err := NewWeightsInit(s, init, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range append(w.Pi, w.Normal...) {
			in, out := l.W.Shape()[0], l.W.Shape()[1]
			a := math.Sqrt(6 / float64(in+out)) // Glorot & Bengio 2010
			if init == arch.Torch {
				a = 1 / math.Sqrt(float64(in)) // PyTorch nn.Linear.reset_parameters
			}
			var maxW, maxB float64
			for _, v := range l.W.Data().([]float64) {
				maxW = math.Max(maxW, math.Abs(v))
			}
			for _, v := range l.B.Data().([]float64) {
				maxB = math.Max(maxB, math.Abs(v))
			}
			if maxW > a || maxW < a/2 {
				t.Fatalf("%s: max |W| %v, want in [a/2, a], a = %v", init, maxW, a)
			}
			if (init == arch.Glorot) != (maxB == 0) || maxB > a {
				t.Fatalf("%s: max |b| %v (a = %v)", init, maxB, a)
			}
		}
	}
	if _, err := NewWeightsInit(s, "he", rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Fatal("got no error for an unknown init")
	}
}

// TestWeightsFromArraysChecksBeforeAllocating: a spec that claims huge
// layers next to small arrays (a corrupt or hostile model file) is an error,
// not an attempt to allocate the layers.
func TestWeightsFromArraysChecksBeforeAllocating(t *testing.T) {
	s := testSpec(arch.Diagonal, 1, arch.Float32)
	w, err := NewWeights(s, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	as := w.Arrays()
	huge := s
	huge.Hidden = []int{8192, 8192} // 67M parameters: 268 MB had they been allocated
	_, err = WeightsFromArrays(huge, as)
	want := `weights: "pi.0.weight" has shape [2 6], the architecture needs [2 8192]`
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %v", err, want)
	}
	back, err := WeightsFromArrays(s, as)
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Arrays(); len(got) != len(as) || got[3].Data[0] != as[3].Data[0] {
		t.Fatalf("round trip: got %v arrays", len(got))
	}
}

func TestSpecRejectsHugeNetworks(t *testing.T) {
	s := testSpec(arch.Diagonal, 1, arch.Float32)
	s.Hidden = []int{100000, 100000}
	want := "the network would have 2e+10 parameters; at most 268435456 are supported"
	if err := s.Validate(); err == nil || err.Error() != want {
		t.Fatalf("got %v, want %v", err, want)
	}
}

// TestMachineMatchesTapeMachine: Machine runs the fused and the composed
// graphs, for every noise model, both dtypes and with the skip path, to
// the bits of Gorgonia's TapeMachine: loss, gradients and per-row NLL, on
// a first and a second run (the ops reuse their buffers).
func TestMachineMatchesTapeMachine(t *testing.T) {
	for _, noise := range arch.Noises {
		for _, dt := range []arch.DType{arch.Float64, arch.Float32} {
			for _, skip := range []bool{false, true} {
				for _, composed := range []bool{false, true} {
					t.Run(fmt.Sprintf("%s/%v/skip=%v/composed=%v", noise, dt, skip, composed), func(t *testing.T) {
						s := testSpec(noise, 2, dt)
						s.Skip = skip
						tape := newFixture(t, s, 13, composed, 5)
						ours := newFixture(t, s, 13, composed, 5)
						vm, err := NewMachine(ours.m.Loss.Graph())
						if err != nil {
							t.Fatal(err)
						}
						ours.vm = vm
						for run := range 2 {
							if run == 1 { // new data for the second run
								for _, f := range []*fixture{tape, ours} {
									setAll(f.m.XT, func(i int) float64 { return math.Sin(float64(i)) })
								}
							}
							lt, lo := tape.run(t), ours.run(t)
							if math.Float64bits(lt) != math.Float64bits(lo) {
								t.Fatalf("run %d: loss %v, want %v (TapeMachine)", run, lo, lt)
							}
							gt, gotG := tape.grads(), ours.grads()
							if len(gt) != len(gotG) || len(gt) == 0 {
								t.Fatalf("run %d: %d gradients, want %d", run, len(gotG), len(gt))
							}
							for i := range gt {
								if math.Float64bits(gt[i]) != math.Float64bits(gotG[i]) {
									t.Fatalf("run %d: gradient %d: %v, want %v (TapeMachine)", run, i, gotG[i], gt[i])
								}
							}
							rt, ro := tape.m.RowNLL(), ours.m.RowNLL()
							if len(rt) != len(ro) {
								t.Fatalf("run %d: %d row NLLs, want %d", run, len(ro), len(rt))
							}
							for i := range rt {
								if math.Float64bits(rt[i]) != math.Float64bits(ro[i]) {
									t.Fatalf("run %d: row %d NLL %v, want %v", run, i, ro[i], rt[i])
								}
							}
						}
					})
				}
			}
		}
	}
}

// TestElems: Elems is t.Data() in place (writes show in the tensor) for
// both dtypes, and panics on the wrong element type.
func TestElems(t *testing.T) {
	t32 := tensor.New(tensor.WithShape(3, 2), tensor.WithBacking([]float32{1, 2, 3, 4, 5, 6}))
	e32 := Elems[float32](t32)
	if len(e32) != 6 || e32[5] != 6 {
		t.Fatalf("Elems[float32] = %v", e32)
	}
	e32[0] = 9
	if t32.Data().([]float32)[0] != 9 {
		t.Fatal("Elems[float32] is not the tensor's storage")
	}
	t64 := tensor.New(tensor.WithShape(4), tensor.WithBacking([]float64{1, 2, 3, 4}))
	e64 := Elems[float64](t64)
	if len(e64) != 4 || e64[3] != 4 {
		t.Fatalf("Elems[float64] = %v", e64)
	}
	e64[1] = -1
	if t64.Data().([]float64)[1] != -1 {
		t.Fatal("Elems[float64] is not the tensor's storage")
	}
	for name, f := range map[string]func(){
		"float32 of float64": func() { Elems[float32](t64) },
		"float64 of float32": func() { Elems[float64](t32) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Elems %s did not panic", name)
				}
			}()
			f()
		}()
	}
}

// TestDiagonalSigmaIsSigmaGrad: eval's inlined σ for the diagonal exp model
// is arch.Spec.SigmaGrad's bit for bit, with σ_min 0 and not.
func TestDiagonalSigmaIsSigmaGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, smin := range []float64{0, 0.01} {
		s := testSpec(arch.Diagonal, 2, arch.Float64)
		s.SigmaMin = smin
		r := newRowNLL(s)
		P := s.NormalChannels()
		logits, p, y := make([]float64, s.K), make([]float64, P), make([]float64, s.Out)
		for i := range p {
			p[i] = rng.NormFloat64() * 3
		}
		dl, dp := make([]float64, s.K), make([]float64, P)
		r.eval(logits, p, y, dl, dp, 1)
		raw := p[s.K*s.Out:]
		for i, v := range raw {
			f, df := s.SigmaGrad(v)
			if math.Float64bits(r.sig[i]) != math.Float64bits(f) || math.Float64bits(r.dsig[i]) != math.Float64bits(df) {
				t.Fatalf("σ_min %v, channel %d: σ, σ' = %v, %v, want %v, %v (SigmaGrad)", smin, i, r.sig[i], r.dsig[i], f, df)
			}
		}
	}
}
