package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/encode"
	"github.com/mdn-go/mdn/internal/cputime"
	"github.com/mdn-go/mdn/mixture"
	"golang.org/x/sys/cpu"
)

// stackedTol is the relative tolerance between the stacked Predictor and
// each member run alone (refPredictor, the Predictor before stacking): the
// folds of the scalers into the weights and vec.Exp/vec.Log (within 1 ulp
// of math.Exp/math.Log) change only rounding.
const stackedTol = 1e-12

// memberScalers gives each member of an ensemble its own scaler: XMean
// offset by off (so that folding the mean meets large values), XStd in
// [0.5, 1.5), YMean offset by off/10, YStd in [0.5, 1.5); the inputs listed
// in binary keep mean 0 and std 1, as encode.Schema.FitScaler leaves 0/1
// label and indicator inputs.
func memberScalers(rng *rand.Rand, s arch.Spec, M int, off float64, binary []int) []data.Scaler {
	scs := make([]data.Scaler, M)
	for m := range scs {
		sc := data.Scaler{XMean: normals(rng, s.In), XStd: make([]float64, s.In), YMean: normals(rng, s.Out), YStd: make([]float64, s.Out)}
		for j := range sc.XStd {
			sc.XMean[j] += off
			sc.XStd[j] = 0.5 + rng.Float64()
		}
		for _, j := range binary {
			sc.XMean[j], sc.XStd[j] = 0, 1
		}
		for j := range sc.YStd {
			sc.YMean[j] += off / 10
			sc.YStd[j] = 0.5 + rng.Float64()
		}
		scs[m] = sc
	}
	return scs
}

// closeMixtures reports the first parameter of got that differs from
// want's by more than tol relative to max(1, |want|) (log weights, means,
// the off-diagonal entries of L, linear in the network's outputs like the
// means) or to |want| (the σ on the diagonal of L, which span many orders
// of magnitude).
func closeMixtures(got, want *mixture.Mixture, tol float64) error {
	if got.K != want.K || got.D != want.D {
		return fmt.Errorf("K, D = %d, %d, want %d, %d", got.K, got.D, want.K, want.D)
	}
	for i, w := range want.LogWeights {
		if !closeTo(got.LogWeights[i], w, tol) {
			return fmt.Errorf("log weight %d = %v, want %v", i, got.LogWeights[i], w)
		}
	}
	for i, w := range want.Means {
		if !closeTo(got.Means[i], w, tol) {
			return fmt.Errorf("mean %d = %v, want %v", i, got.Means[i], w)
		}
	}
	D := want.D
	for i, w := range want.Chol {
		diag := i%(D*D)%(D+1) == 0
		if (diag && math.Abs(got.Chol[i]-w) > tol*math.Abs(w)) || (!diag && !closeTo(got.Chol[i], w, tol)) {
			return fmt.Errorf("L entry %d = %v, want %v", i, got.Chol[i], w)
		}
	}
	return nil
}

// TestStackedMatchesPerMember holds the stacked Predictor to the members
// run one by one (refPredictor) on ensembles of every noise model, with
// and without skip, both σ transforms, the activations, D = 1…3, label
// inputs, means far from 0, batches and passes that split the rows, and
// single rows.
func TestStackedMatchesPerMember(t *testing.T) {
	type tc struct {
		name   string
		spec   arch.Spec
		M      int
		off    float64
		binary []int
	}
	var cases []tc
	for _, noise := range arch.Noises {
		for _, d := range []int{1, 2, 3} {
			for _, skip := range []bool{false, true} {
				s := testSpec(noise, d)
				if noise == arch.Fixed {
					s.FixedSigma = []float64{0.7, 1.3, 0.4}[:d]
				}
				s.Skip = skip
				cases = append(cases, tc{fmt.Sprintf("%s/d=%d/skip=%v", noise, d, skip), s, 3, 0, nil})
			}
		}
		s := testSpec(noise, 2)
		s.Transform, s.SigmaMin = arch.Softplus, 0.02
		cases = append(cases, tc{fmt.Sprintf("%s/d=2/softplus", noise), s, 4, 0, nil})
	}
	for _, act := range []arch.Activation{arch.ReLU, arch.ELU, arch.SiLU} {
		s := testSpec(arch.Diagonal, 2)
		s.Activation, s.Hidden = act, []int{7, 9, 4}
		cases = append(cases, tc{fmt.Sprintf("diagonal/d=2/%s/3 layers", act), s, 2, 0, nil})
	}
	// One hidden layer, one member, K = 1.
	s1 := testSpec(arch.Diagonal, 1)
	s1.Hidden, s1.K = []int{5}, 1
	cases = append(cases, tc{"diagonal/one layer/K=1/M=1", s1, 1, 0, nil})
	// The default recipe's shape: 10 members, ReLU, hidden [64, 64], K = 5.
	sd := arch.Spec{In: 8, Out: 2, K: 5, Hidden: []int{64, 64}, Activation: arch.ReLU, Noise: arch.Diagonal,
		Transform: arch.Exp, SigmaMin: 1e-3, Dtype: arch.Float32}
	cases = append(cases, tc{"default recipe/M=10", sd, 10, 0, nil})
	// Covariate means far from 0 (a year, a price): the centre of the
	// members' means keeps the folded shifts small.
	sy := testSpec(arch.Full, 2)
	cases = append(cases, tc{"full/means at 1e4", sy, 5, 1e4, nil})
	// Label inputs: one-hot columns 1–3 and a missing indicator 5, left
	// unscaled (mean 0, std 1) as the encoding leaves them.
	sl := testSpec(arch.Diagonal, 1)
	sl.In, sl.Skip = 6, true
	cases = append(cases, tc{"diagonal/labels", sl, 4, 0, []int{1, 2, 3, 5}})

	for ci, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(ci), 19))
			ws := make([][]arch.Array, c.M)
			for m := range ws {
				ws[m] = randomWeights(t, c.spec, rng).Arrays()
			}
			scs := memberScalers(rng, c.spec, c.M, c.off, c.binary)
			e, err := NewEnsemble(c.spec, ws, names("x", c.spec.In), names("y", c.spec.Out), scs, Summary{Steps: 1})
			if err != nil {
				t.Fatal(err)
			}
			const n = 300
			x := normals(rng, n*c.spec.In)
			for i := range x {
				x[i] = scs[0].XMean[i%c.spec.In] + 2*x[i]
			}
			for r := range n { // the label inputs: one level of three, the indicator 0 or 1
				if c.binary != nil {
					row := x[r*c.spec.In : (r+1)*c.spec.In]
					row[1], row[2], row[3], row[5] = 0, 0, 0, float64(r%2)
					row[1+r%3] = 1
				}
			}
			want, err := e.refPredictor(128).Predict(x, n, nil)
			if err != nil {
				t.Fatal(err)
			}
			y := normals(rng, n*c.spec.Out)
			// One batch of all rows (passes of up to 256), batches of 100
			// (passes 100 and the last 0), batches of 1 (the single-row path).
			for _, batch := range []int{0, 100, 1} {
				got, err := e.Predictor(batch).Predict(x, n, nil)
				if err != nil {
					t.Fatal(err)
				}
				for r := range n {
					if err := closeMixtures(&got[r], &want[r], stackedTol); err != nil {
						t.Fatalf("batch %d, row %d: %v", batch, r, err)
					}
					yr := y[r*c.spec.Out : (r+1)*c.spec.Out]
					if g, w := got[r].LogProb(yr), want[r].LogProb(yr); !closeTo(g, w, stackedTol) {
						t.Fatalf("batch %d, row %d: log p = %v, want %v", batch, r, g, w)
					}
				}
			}
		})
	}
}

// The model of TestStackedMatchesPerMember's label case read through its
// encoding: the schema's inputs give the same mixtures as the raw inputs.
func TestStackedEncodedModel(t *testing.T) {
	m := encodedModel(t)
	sch := m.Schema()
	rows := [][]string{{"a", "1.5"}, {"b", "NA"}, {"NA", "-3"}}
	var x []float64
	for _, f := range rows {
		v, err := sch.Encode(f, nil)
		if err != nil {
			t.Fatal(err)
		}
		x = append(x, v...)
	}
	n := len(rows)
	want, err := m.refPredictor(0).Predict(x, n, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Predictor(0).Predict(x, n, nil)
	if err != nil {
		t.Fatal(err)
	}
	for r := range n {
		if err := closeMixtures(&got[r], &want[r], stackedTol); err != nil {
			t.Fatalf("row %d: %v", r, err)
		}
	}
	_ = encode.MissingImpute
}

// BenchmarkPredictEnsemble is the Predictor on a model of the default
// recipe's shape (10 members, 8 → 2, K = 5, hidden [64, 64] ReLU, diagonal,
// each member with its own scaler) for 1 row and 4096 rows a call, stacked
// (the Predictor) and member by member (refPredictor, the Predictor before
// stacking), in one binary so that both run under the same load. It
// reports CPU time (user + system, all goroutines) beside wall time.
//
//	go test -run '^$' -bench PredictEnsemble -cpu 1 ./model
func BenchmarkPredictEnsemble(b *testing.B) {
	s := arch.Spec{In: 8, Out: 2, K: 5, Hidden: []int{64, 64}, Activation: arch.ReLU, Noise: arch.Diagonal,
		Transform: arch.Exp, SigmaMin: 1e-3, Dtype: arch.Float32}
	const M = 10
	rng := rand.New(rand.NewPCG(1, 2))
	ws := make([][]arch.Array, M)
	for m := range ws {
		ws[m] = randomWeights(b, s, rng).Arrays()
	}
	e, err := NewEnsemble(s, ws, names("x", s.In), names("y", s.Out), memberScalers(rng, s, M, 0, nil), Summary{})
	if err != nil {
		b.Fatal(err)
	}
	type predictor interface {
		Predict(x []float64, n int, dst []mixture.Mixture) ([]mixture.Mixture, error)
	}
	for _, n := range []int{1, 4096} {
		x := normals(rng, n*s.In)
		for _, v := range []struct {
			name string
			p    predictor
		}{{"stacked", e.Predictor(n)}, {"per-member", e.refPredictor(n)}} {
			b.Run(fmt.Sprintf("rows=%d/%s", n, v.name), func(b *testing.B) {
				dst, err := v.p.Predict(x, n, nil)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				c0 := cputime.Now()
				for b.Loop() {
					if dst, err = v.p.Predict(x, n, dst); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(cputime.Now()-c0)/float64(b.N), "cpu-ns/op")
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}

// TestSingleRowBits: where Dgemm's micro-kernels sum in order with fused
// multiply-adds (AVX2 and FMA), a row predicted alone (the single-row path,
// gemm.RowLayer) gets the bits it gets in a pass of many rows, for the
// default recipe's shape with and without skip, and for hidden widths that
// are not multiples of 64 (one, two and three hidden layers), tanh, a
// float64 model (whose weights take RowLayer, not RowLayer32), the two
// isotropic noises, full noise, and layers of one more channel than a
// multiple of dense's blocks (24 or 12 channels: before dense kept the
// last channel out of a block of one, which went to gonum's Dgemv, the
// full-noise normal trunk's 25th channel differed in the last bit).
func TestSingleRowBits(t *testing.T) {
	if !cpu.X86.HasAVX2 || !cpu.X86.HasFMA {
		t.Skip("Dgemm has no FMA micro-kernels on this CPU: the paths agree to rounding (TestStackedMatchesPerMember)")
	}
	for _, c := range []struct {
		hidden []int
		act    arch.Activation
		skip   bool
		dtype  arch.DType
		noise  arch.Noise // diagonal if ""
	}{
		{[]int{64, 64}, arch.ReLU, false, arch.Float32, ""}, {[]int{64, 64}, arch.ReLU, true, arch.Float32, ""},
		{[]int{50, 70, 30}, arch.ReLU, false, arch.Float32, ""}, {[]int{130}, arch.ReLU, true, arch.Float32, ""},
		{[]int{64, 64}, arch.Tanh, false, arch.Float32, ""}, {[]int{37, 65}, arch.Tanh, false, arch.Float32, ""},
		{[]int{64, 64}, arch.ReLU, false, arch.Float64, ""},
		{[]int{64, 64}, arch.ReLU, false, arch.Float32, arch.IsotropicAcrossClusters}, {[]int{64, 64}, arch.ReLU, true, arch.Float32, arch.Isotropic},
		// Widths of one more than a multiple of a block of channels (24
		// with AVX-512, 12 with AVX2): the full-noise normal trunk's 25
		// outputs (K = 5, D = 2), hidden layers of 49, 25 and 13.
		{[]int{64, 64}, arch.ReLU, false, arch.Float32, arch.Full}, {[]int{64, 64}, arch.ReLU, true, arch.Float32, arch.Full},
		{[]int{49}, arch.ReLU, false, arch.Float32, ""}, {[]int{25, 13}, arch.Tanh, false, arch.Float32, ""},
	} {
		skip := c.skip
		noise := c.noise
		if noise == "" {
			noise = arch.Diagonal
		}
		s := arch.Spec{In: 8, Out: 2, K: 5, Hidden: c.hidden, Activation: c.act, Noise: noise,
			Transform: arch.Exp, SigmaMin: 1e-3, Dtype: c.dtype, Skip: skip}
		const M, n = 4, 50
		rng := rand.New(rand.NewPCG(9, 9))
		ws := make([][]arch.Array, M)
		for m := range ws {
			ws[m] = randomWeights(t, s, rng).Arrays()
		}
		e, err := NewEnsemble(s, ws, names("x", s.In), names("y", s.Out), memberScalers(rng, s, M, 0, nil), Summary{})
		if err != nil {
			t.Fatal(err)
		}
		x := normals(rng, n*s.In)
		all, err := e.Predictor(0).Predict(x, n, nil)
		if err != nil {
			t.Fatal(err)
		}
		p := e.Predictor(1)
		for r := range n {
			one, err := p.Predict(x[r*s.In:(r+1)*s.In], 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, pair := range [][2][]float64{{one[0].LogWeights, all[r].LogWeights}, {one[0].Means, all[r].Means}, {one[0].Chol, all[r].Chol}} {
				for i, v := range pair[0] {
					if math.Float64bits(v) != math.Float64bits(pair[1][i]) {
						t.Fatalf("hidden %v, %v, skip %v, %v, %v, row %d: %v alone, %v in the pass (index %d)", c.hidden, c.act, skip, c.dtype, noise, r, v, pair[1][i], i)
					}
				}
			}
		}
	}
}

// TestWithBatchShares: a Predictor from WithBatch shares the stacked
// weights and gives a fresh Predictor's bits, with its own scratch (two
// used in turn do not disturb each other).
func TestWithBatchShares(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	s := testSpec(arch.Full, 2)
	s.Skip = true
	e, _ := ensembleOf(t, s, 3, rng)
	x := normals(rng, 40*s.In)
	a := e.Predictor(16)
	b := a.WithBatch(7)
	if a.stacked != b.stacked || &a.h0[0] == &b.h0[0] {
		t.Fatal("WithBatch: want the same weights and other scratch")
	}
	want, err := e.Predictor(7).Predict(x, 40, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Predictors of one stack used at once from several goroutines (the
	// race detector checks that they write nothing they share).
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for g := range errs {
		wg.Go(func() {
			q := a.WithBatch(7)
			got, err := q.Predict(x, 40, nil)
			if err != nil {
				errs[g] = err
				return
			}
			for r := range want {
				if err := closeMixtures(&got[r], &want[r], 0); err != nil {
					errs[g] = fmt.Errorf("goroutine %d, row %d: %v", g, r, err)
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		if _, err := a.Predict(x[:3*s.In], 3, nil); err != nil {
			t.Fatal(err)
		}
		got, err := b.Predict(x, 40, nil)
		if err != nil {
			t.Fatal(err)
		}
		for r := range want {
			if err := closeMixtures(&got[r], &want[r], 0); err != nil {
				t.Fatalf("row %d: %v", r, err)
			}
		}
	}
}

// TestOldFilesSameNumbers: model files written before the members were
// stacked give the numbers they gave then, within stackedTol (relative to
// max(1, |v|) for weights and means, to |σ| for σ).
//
// testdata/ensemble3-skip.json is an ensemble of 3 members with skip
// (bimodal8 data, hidden [8, 8], K = 3, 150 steps), and
// ensemble3-skip-params.csv is `mdn predict --what params` of it on the 20
// rows of ensemble3-skip-rows.csv, both written by mdn at commit 9ac0eb9
// (before stacking). The other files (a version 1 file, the model of mdn
// serve's tests) are held to the per-member Predictor on a grid.
func TestOldFilesSameNumbers(t *testing.T) {
	m, err := Load("testdata/ensemble3-skip.json")
	if err != nil {
		t.Fatal(err)
	}
	rows, _, err := encode.Read("testdata/ensemble3-skip-rows.csv", encode.Numeric(m.XNames), nil)
	if err != nil {
		t.Fatal(err)
	}
	golden, _, err := encode.Read("testdata/ensemble3-skip-params.csv", encode.Numeric([]string{"row", "component", "weight", "mean_y1", "mean_y2", "sigma_y1", "sigma_y2"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	mix, err := m.Predictor(0).Predict(rows.X, rows.N, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := rows.N * m.Components(); golden.N != want {
		t.Fatalf("golden file has %d lines, want %d", golden.N, want)
	}
	for i := range golden.N {
		g := golden.X[i*7 : (i+1)*7]
		r, k := int(g[0]), int(g[1])
		mx := &mix[r]
		got := []float64{math.Exp(mx.LogWeights[k]), mx.Means[2*k], mx.Means[2*k+1]}
		for j, v := range got {
			if !closeTo(v, g[2+j], stackedTol) {
				t.Fatalf("row %d, component %d, %s: got %v, want %v", r, k, golden.XNames[2+j], v, g[2+j])
			}
		}
		for j := range 2 { // diagonal noise: σ_j = L_jj
			if v, w := mx.Chol[4*k+3*j], g[5+j]; math.Abs(v-w) > stackedTol*w {
				t.Fatalf("row %d, component %d, %s: got %v, want %v", r, k, golden.XNames[5+j], v, w)
			}
		}
	}

	for _, path := range []string{"testdata/seed-model.json", "../serve/testdata/ex1d.json"} {
		m, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		x := data.Linspace(-12, 12, 301)
		want, err := m.refPredictor(0).Predict(x, len(x), nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.Predictor(0).Predict(x, len(x), nil)
		if err != nil {
			t.Fatal(err)
		}
		for r := range got {
			if err := closeMixtures(&got[r], &want[r], stackedTol); err != nil {
				t.Fatalf("%s, x = %v: %v", path, x[r], err)
			}
		}
	}
}
