package train

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/model"
)

// constNet is the weights of a network of s (In = Out = K = 1, diagonal,
// exp σ, σ_min = 0) whose density is N(0, σ²) whatever x: every weight 0,
// the normal trunk's output bias (μ, log σ).
func constNet(t *testing.T, s arch.Spec, sigma float64) []arch.Array {
	t.Helper()
	names, shapes := s.ParamShapes()
	var as []arch.Array
	for i, n := range names {
		size := 1
		for _, v := range shapes[i] {
			size *= v
		}
		a := arch.Array{Name: n, Shape: shapes[i], Data: make([]float64, size)}
		if i == len(names)-1 { // normal.L.bias
			a.Data[1] = math.Log(sigma)
		}
		as = append(as, a)
	}
	if err := arch.CheckArrays(s, as); err != nil {
		t.Fatal(err)
	}
	return as
}

// TestChooseNoise scores hand-made networks on validation rows whose
// density is known: the candidate whose density is the true one must win,
// and S_both is the two-network ensemble's NLL, so a scale mixture of the
// two makes "both" the choice when it is a candidate.
func TestChooseNoise(t *testing.T) {
	s := arch.Spec{In: 1, Out: 1, K: 1, Hidden: []int{2}, Activation: arch.ReLU, Noise: arch.Diagonal,
		Transform: arch.Exp, Dtype: arch.Float64}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	broad, sharp := constNet(t, s, 1), constNet(t, s, 0.1)
	rows := func(mixed bool) *member {
		rng := rand.New(rand.NewPCG(1, 2))
		n := 4000
		v := &data.Dataset{XNames: []string{"x"}, YNames: []string{"y"}, X: make([]float64, n), Y: make([]float64, n),
			N: n, XDim: 1, YDim: 1}
		for i := range n {
			v.X[i] = rng.NormFloat64()
			v.Y[i] = rng.NormFloat64()
			if mixed && i%2 == 0 {
				v.Y[i] *= 0.1
			}
		}
		return &member{val: allRows(v), scaler: data.IdentityScaler(1, 1)}
	}
	normal, mixed := rows(false), rows(true)
	for _, c := range []struct {
		name         string
		d            *member
		noisy, plain []arch.Array
		M, want      int
	}{
		{"noisy is the true density", normal, broad, sharp, 2, keepNoise},
		{"plain is the true density", normal, sharp, broad, 2, keepPlain},
		{"the pair is the true density", mixed, sharp, broad, 2, keepBoth},
		{"a single network never keeps both", mixed, sharp, broad, 1, keepPlain},
		{"2M networks beyond a model file", mixed, broad, sharp, model.MaxMembers/2 + 1, keepNoise},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := chooseNoise(s, func(i int) (*member, []arch.Array) {
				if i < c.M {
					return c.d, c.noisy
				}
				return c.d, c.plain
			}, c.M)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("chose %d, want %d", got, c.want)
			}
		})
	}
	// The score of "both" is the NLL of the two-network ensemble model.
	lp, _ := valLogProb(s, mixed, sharp)
	lq, _ := valLogProb(s, mixed, broad)
	ens, err := model.NewEnsemble(s, [][]arch.Array{sharp, broad}, []string{"x"}, []string{"y"},
		[]data.Scaler{mixed.scaler, mixed.scaler}, model.Summary{})
	if err != nil {
		t.Fatal(err)
	}
	mix, err := ens.Predictor(0).Predict(mixed.val.a.X, mixed.val.n, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range lp {
		want := mix[i].LogProb(mixed.val.a.Y[i : i+1])
		hi, lo := max(lp[i], lq[i]), min(lp[i], lq[i])
		if got := hi + math.Log1p(math.Exp(lo-hi)) - math.Ln2; math.Abs(got-want) > 1e-12 {
			t.Fatalf("row %d: log ½(p+q) = %v, the ensemble gives %v", i, got, want)
		}
	}
}

// An ensemble run with train.noise_select trains every member with and
// without noise; whichever candidate it keeps, the model holds M or 2M
// networks accordingly, and a run interrupted before the choice resumes to
// the same model bit for bit.
func TestNoiseSelectEnsembleResume(t *testing.T) {
	rec := smallRecipe(t)
	rec.Train.Steps = 120
	rec.Ensemble, rec.EnsembleMax, rec.Train.Threads = 2, 2, 1
	rec.NoiseScale, rec.NoiseSelect = 0.5, true
	res, first, rest := fit(t, rec)
	members := 1 + len(rest)
	switch {
	case members == 4 && res.NoiseMembers == 2 && res.NoiseScale == 0.5:
	case members == 2 && (res.NoiseMembers == 2) == (res.NoiseScale == 0.5) && res.NoiseMembers%2 == 0:
	default:
		t.Fatalf("%d networks, %d with noise of scale %v", members, res.NoiseMembers, res.NoiseScale)
	}
	d, err := LoadData(*rec)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	_, part, err := Fit(ctx, *rec, d, func(p Progress) {
		if p.Step >= 150 { // into job 1 of 4 (120 steps each, one thread)
			cancel()
		}
	})
	if err == nil || part == nil || part.State == nil || !part.State.NoisePending || len(part.State.Ensemble) != 3 {
		t.Fatalf("interrupted run: err %v, state %+v", err, part)
	}
	m, res2, err := FitResume(context.Background(), *rec, d, part.State, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Ensemble) != len(rest) || res2.NoiseMembers != res.NoiseMembers || !sameArrays(m.Arrays, first) {
		t.Fatalf("resumed: %d further networks (want %d), %d noisy (want %d)", len(m.Ensemble), len(rest), res2.NoiseMembers, res.NoiseMembers)
	}
	for i := range rest {
		if !sameArrays(m.Ensemble[i].Arrays, rest[i]) {
			t.Errorf("resumed network %d differs from the uninterrupted run's", i+1)
		}
	}
	bad := *part.State
	bad.Ensemble = bad.Ensemble[:1]
	if _, _, err := FitResume(context.Background(), *rec, d, &bad, nil); err == nil {
		t.Error("a pending checkpoint with the wrong number of networks was accepted")
	}
}
