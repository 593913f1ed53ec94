package train

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"testing"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/graph"
	"github.com/mdn-go/mdn/model"
	"gorgonia.org/tensor"
)

func ex1dSpec(dt arch.DType) arch.Spec {
	return arch.Spec{In: 1, Out: 1, K: 3, Hidden: []int{50, 50}, Activation: arch.ReLU,
		Noise: arch.Diagonal, Transform: arch.Exp, SigmaMin: 0, Dtype: dt}
}

func ex1d(t testing.TB, n int, seed uint64) *data.Dataset {
	d, err := data.Generate("ex1d", n, rand.New(rand.NewPCG(seed, 0)))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func baseOptions(steps int) Options {
	return Options{Steps: steps, LR: 0.005, Schedule: arch.Cosine, EvalEvery: 50, OnNaN: arch.Stop}
}

func newW(t testing.TB, s arch.Spec, seed uint64) *graph.Weights {
	w, err := graph.NewWeights(s, rand.New(rand.NewPCG(seed, 1)))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestConvergesOnEx1d trains the original's recipe on its example and
// expects the NLL to fall well below that of the best single Gaussian
// (about 0.87 nats for y uniform-ish on [−1, 1] with std 0.58:
// ½ log(2πe·0.58²) ≈ 0.87) — only a multimodal fit gets below 0.
func TestConvergesOnEx1d(t *testing.T) {
	steps := 1500
	if testing.Short() {
		steps = 600
	}
	d := ex1d(t, 512, 1)
	w := newW(t, ex1dSpec(arch.Float32), 0)
	res, err := Run(context.Background(), w, d, nil, baseOptions(steps))
	if err != nil {
		t.Fatal(err)
	}
	first, last := res.History[0].Loss, res.FinalLoss
	if !(last < 0) || !(last < first-0.8) {
		t.Fatalf("loss went from %v to %v; want below 0 and at least 0.8 lower", first, last)
	}
}

func TestSameSeedSameWeights(t *testing.T) {
	d := ex1d(t, 200, 2)
	tr, val := d.Split(0.2, rand.New(rand.NewPCG(3, 3)))
	run := func() []arch.Array {
		w := newW(t, ex1dSpec(arch.Float32), 7)
		o := baseOptions(60)
		o.BatchSize, o.Seed, o.EvalEvery, o.RestoreBest = 32, 5, 10, true
		if _, err := Run(context.Background(), w, tr, val, o); err != nil {
			t.Fatal(err)
		}
		return w.Arrays()
	}
	a, b := run(), run()
	for i := range a {
		for j := range a[i].Data {
			if math.Float64bits(a[i].Data[j]) != math.Float64bits(b[i].Data[j]) {
				t.Fatalf("%s[%d]: got %v, want %v (same seed)", a[i].Name, j, b[i].Data[j], a[i].Data[j])
			}
		}
	}
}

func TestAdamMatchesClosedForm(t *testing.T) {
	// One Adam step from zero moments moves each parameter by
	// −lr·g/(|g| + ε·√(1−β₂)/... ) ≈ −lr·sign(g); two steps are computed by hand.
	p := tensor.New(tensor.WithShape(2), tensor.WithBacking([]float64{1, -2}))
	g := tensor.New(tensor.WithShape(2), tensor.WithBacking([]float64{0.5, -3}))
	a := newAdam([]*tensor.Dense{p})
	lr := 0.1
	want := []float64{1, -2}
	m, v := []float64{0, 0}, []float64{0, 0}
	gs := []float64{0.5, -3}
	for step := 1; step <= 2; step++ {
		a.step([]*tensor.Dense{g}, lr, 1, 0)
		for j := range want {
			m[j] = 0.9*m[j] + 0.1*gs[j]
			v[j] = 0.999*v[j] + 0.001*gs[j]*gs[j]
			mh := m[j] / (1 - math.Pow(0.9, float64(step)))
			vh := v[j] / (1 - math.Pow(0.999, float64(step)))
			want[j] -= lr * mh / (math.Sqrt(vh) + 1e-8)
		}
	}
	got := p.Data().([]float64)
	for j := range want {
		if math.Abs(got[j]-want[j]) > 1e-12 {
			t.Fatalf("param %d: got %v, want %v", j, got[j], want[j])
		}
	}
}

func TestCosineSchedule(t *testing.T) {
	// PyTorch CosineAnnealingLR(T_max=T): lr_t = lr(1+cos(πt/T))/2.
	for _, tc := range []struct {
		t    int
		want float64
	}{{0, 0.005}, {500, 0.005 * (1 + math.Cos(math.Pi/4)) / 2}, {1000, 0.0025}, {1999, 0.005 * (1 + math.Cos(math.Pi*1999/2000)) / 2}} {
		if got := rate(arch.Cosine, 0.005, tc.t, 2000, 0); math.Abs(got-tc.want) > 1e-15 {
			t.Fatalf("rate(%d) = %v, want %v", tc.t, got, tc.want)
		}
	}
	if got := rate(arch.Cosine, 1, 4, 100, 10); got != 0.5 {
		t.Fatalf("warm-up rate(4 of 10) = %v, want 0.5", got)
	}
	if got := rate(arch.Constant, 0.3, 77, 100, 0); got != 0.3 {
		t.Fatalf("constant rate = %v, want 0.3", got)
	}
}

func TestNaNGuard(t *testing.T) {
	d := ex1d(t, 128, 4)
	// A huge learning rate with σ = exp(raw) and no floor blows up quickly.
	for _, mode := range []arch.OnNaN{arch.Stop, arch.Rollback} {
		t.Run(string(mode), func(t *testing.T) {
			w := newW(t, ex1dSpec(arch.Float32), 1)
			o := baseOptions(300)
			o.LR, o.Schedule, o.OnNaN, o.EvalEvery = 50, arch.Constant, mode, 5
			res, err := Run(context.Background(), w, d, nil, o)
			stopped := regexp.MustCompile(`^train: step [0-9]+: (loss (NaN|[+-]Inf)|a gradient that is not finite); stopped \(no model with NaN is kept; `)
			switch {
			case mode == arch.Stop:
				if err == nil || !stopped.MatchString(err.Error()) {
					t.Fatalf("got err %v, want the stop error naming the step", err)
				}
			case err != nil:
				// Rollback gives up only after maxRollbacks, with the same error.
				if !stopped.MatchString(err.Error()) {
					t.Fatalf("got err %v, want nil or the error after %d rollbacks", err, maxRollbacks)
				}
			default:
				if res.Rollbacks < 1 || res.Rollbacks > maxRollbacks {
					t.Fatalf("got %d rollbacks with lr 50, want 1 to %d", res.Rollbacks, maxRollbacks)
				}
				if res.Steps != o.Steps || len(res.History) != o.Steps {
					t.Fatalf("after rolling back: %d steps, %d history records, want %d", res.Steps, len(res.History), o.Steps)
				}
			}
			if !finiteWeights(w) {
				t.Fatal("weights hold NaN or Inf after the guard")
			}
		})
	}
}

func TestEarlyStoppingRestoresBest(t *testing.T) {
	d := ex1d(t, 300, 5)
	tr, val := d.Split(0.3, rand.New(rand.NewPCG(1, 1)))
	w := newW(t, ex1dSpec(arch.Float64), 3)
	o := baseOptions(3000)
	o.Schedule, o.LR, o.EvalEvery, o.Patience, o.RestoreBest = arch.Constant, 0.01, 20, 5, true
	res, err := Run(context.Background(), w, tr, val, o)
	if err != nil {
		t.Fatal(err)
	}
	// It stopped early, exactly Patience evaluations after the best one.
	if res.Stopped != "early-stopped" {
		t.Fatalf("stopped: got %q, want early-stopped (ran %d of %d steps)", res.Stopped, res.Steps, o.Steps)
	}
	if want := res.BestStep + o.Patience*o.EvalEvery; res.Steps != want || res.Steps >= o.Steps {
		t.Fatalf("stopped after %d steps, want best step %d + patience %d × eval_every %d = %d", res.Steps, res.BestStep,
			o.Patience, o.EvalEvery, want)
	}
	if res.ValNLL != res.BestValNLL {
		t.Fatalf("kept validation NLL %v, want the best %v", res.ValNLL, res.BestValNLL)
	}
	for _, r := range res.History {
		if r.ValNLL < res.BestValNLL {
			t.Fatalf("step %d has validation NLL %v below the best %v", r.Step, r.ValNLL, res.BestValNLL)
		}
	}
	// The restored weights really give the best NLL.
	ev, err := newEvaluator(w, allRows(val), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ev.close()
	got, _ := ev.nll()
	if math.Abs(got-res.BestValNLL) > 1e-12 {
		t.Fatalf("restored weights give %v, want %v", got, res.BestValNLL)
	}
}

// TestInterruptKeepsGoodWeights: a run cancelled after step 7 returns the
// weights of step 7, the same bits as a run that went on past step 7 held
// then, and not the initial ones.
func TestInterruptKeepsGoodWeights(t *testing.T) {
	d := ex1d(t, 64, 6)
	run := func(cancelAt int, snapshot *[]arch.Array) (*graph.Weights, *Result, error) {
		w := newW(t, ex1dSpec(arch.Float32), 1)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		o := baseOptions(1000)
		o.Progress = func(p Progress) {
			if p.Step == 7 && snapshot != nil {
				*snapshot = w.Arrays()
			}
			if p.Step == cancelAt {
				cancel()
			}
		}
		res, err := Run(ctx, w, d, nil, o)
		return w, res, err
	}
	var at7 []arch.Array
	if _, res, err := run(12, &at7); !errors.Is(err, context.Canceled) || res.Steps != 12 {
		t.Fatalf("reference run: got %v after %d steps", err, res.Steps)
	}
	w, res, err := run(7, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if res == nil || res.Steps != 7 || res.Stopped != "interrupted" || res.Weights != w {
		t.Fatalf("got %+v, want 7 steps, interrupted, the weights passed in", res)
	}
	init := newW(t, ex1dSpec(arch.Float32), 1).Arrays()
	changed := false
	for i, a := range w.Arrays() {
		if !slices.Equal(a.Data, at7[i].Data) {
			t.Fatalf("%s differs from the weights after step 7 of an uninterrupted run", a.Name)
		}
		changed = changed || !slices.Equal(a.Data, init[i].Data)
	}
	if !changed {
		t.Fatal("the kept weights are the initial ones")
	}
}

// TestEvaluatorChunks: the validation NLL over several chunk graphs equals
// the mean of −log p(y|x) computed independently, by the pure-Go predictor
// of package model and mixture.LogProb, over all rows.
func TestEvaluatorChunks(t *testing.T) {
	for _, n := range []int{evalChunk + 300, 2*evalChunk + 300} {
		d := ex1d(t, n, 3)
		spec := ex1dSpec(arch.Float64)
		w := newW(t, spec, 5)
		ev, err := newEvaluator(w, allRows(d), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer ev.close()
		if len(ev.parts) != 2 {
			t.Fatalf("%d rows: got %d graphs, want 2", n, len(ev.parts))
		}
		got, err := ev.nll()
		if err != nil {
			t.Fatal(err)
		}
		if again, _ := ev.nll(); again != got {
			t.Fatalf("%d rows: second evaluation %v, first %v", n, again, got)
		}
		m, err := model.New(spec, w.Arrays(), d.XNames, d.YNames, data.IdentityScaler(d.XDim, d.YDim), model.Summary{})
		if err != nil {
			t.Fatal(err)
		}
		mix, err := m.Predictor(0).Predict(d.X, d.N, nil)
		if err != nil {
			t.Fatal(err)
		}
		var want float64
		for i := range mix {
			want -= mix[i].LogProb(d.Y[i*d.YDim : (i+1)*d.YDim])
		}
		want /= float64(d.N)
		if math.Abs(got-want) > 1e-10*math.Abs(want) {
			t.Fatalf("%d rows: got %v, want %v", n, got, want)
		}
	}
}
