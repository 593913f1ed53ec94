package model

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/data"
	"gonum.org/v1/gonum/floats"
)

// ensembleOf builds a model of m members of spec, each with its own random
// weights and scaler, and the single-network models of the same members.
func ensembleOf(t *testing.T, s arch.Spec, m int, rng *rand.Rand) (*Model, []*Model) {
	t.Helper()
	ws := make([][]arch.Array, m)
	scs := make([]data.Scaler, m)
	singles := make([]*Model, m)
	for i := range ws {
		w := randomWeights(t, s, rng)
		ws[i] = w.Arrays()
		sc := data.Scaler{XMean: normals(rng, s.In), XStd: make([]float64, s.In), YMean: normals(rng, s.Out), YStd: make([]float64, s.Out)}
		for j := range sc.XStd {
			sc.XStd[j] = 0.5 + rng.Float64()
		}
		for j := range sc.YStd {
			sc.YStd[j] = 0.5 + rng.Float64()
		}
		scs[i] = sc
		singles[i] = newModel(t, w, &sc)
	}
	e, err := NewEnsemble(s, ws, names("x", s.In), names("y", s.Out), scs, Summary{Steps: 3})
	if err != nil {
		t.Fatal(err)
	}
	return e, singles
}

// The ensemble's density is the mean of its members' densities,
// log p(y|x) = logsumexp_m(log p_m(y|x)) − log M, computed here from each
// member predicted alone.
func TestEnsembleIsMeanOfMembers(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, noise := range []arch.Noise{arch.Diagonal, arch.Full} {
		s := testSpec(noise, 2)
		const M, n = 3, 7
		e, singles := ensembleOf(t, s, M, rng)
		if e.Members() != M || e.Components() != M*s.K {
			t.Fatalf("got %d members, %d components, want %d and %d", e.Members(), e.Components(), M, M*s.K)
		}
		x := normals(rng, n*s.In)
		got, err := e.Predictor(4).Predict(x, n, nil) // batch 4 < n: two batches
		if err != nil {
			t.Fatal(err)
		}
		parts := make([][]float64, M) // per member, per row, log p_m(y)
		ys := normals(rng, n*s.Out)
		for m, sm := range singles {
			mx, err := sm.Predictor(0).Predict(x, n, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i := range n {
				parts[m] = append(parts[m], mx[i].LogProb(ys[i*s.Out:(i+1)*s.Out]))
			}
		}
		for i := range n {
			if got[i].K != M*s.K {
				t.Fatalf("row %d: K = %d, want %d", i, got[i].K, M*s.K)
			}
			lp := make([]float64, M)
			for m := range M {
				lp[m] = parts[m][i]
			}
			want := floats.LogSumExp(lp) - math.Log(M)
			if g := got[i].LogProb(ys[i*s.Out : (i+1)*s.Out]); !closeTo(g, want, 1e-12) {
				t.Errorf("%s row %d: log p = %v, want %v", noise, i, g, want)
			}
			if w := floats.Sum(got[i].Weights(nil)); math.Abs(w-1) > 1e-12 {
				t.Errorf("%s row %d: weights sum to %v", noise, i, w)
			}
		}
	}
}

func TestEnsembleSaveLoad(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	s := testSpec(arch.Diagonal, 1)
	e, _ := ensembleOf(t, s, 3, rng)
	dir := t.TempDir()
	p := filepath.Join(dir, "m.json")
	if err := e.Save(p); err != nil {
		t.Fatal(err)
	}
	got, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != FormatVersion || got.Members() != 3 {
		t.Fatalf("got version %d with %d members, want %d with 3", got.Version, got.Members(), FormatVersion)
	}
	x := normals(rng, 5*s.In)
	a, err := e.Predictor(0).Predict(x, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := got.Predictor(0).Predict(x, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		for k := range a[i].LogWeights {
			if a[i].LogWeights[k] != b[i].LogWeights[k] || a[i].Means[k] != b[i].Means[k] {
				t.Fatalf("row %d component %d differs after Save/Load", i, k)
			}
		}
	}

	// An ensemble needs version 2, and every member is checked.
	raw, _ := os.ReadFile(p)
	for _, c := range []struct{ name, from, to, want string }{
		{"version 1", `"version": 3`, `"version": 1`, "ensemble: needs format version 2, the file is version 1"},
		{"bad member scaler", `"x_std": [`, `"x_std": [0, `, "ensemble[0]: "},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := string(raw)
			if c.name == "bad member scaler" {
				// the second "x_std" is member 1's (ensemble[0])
				i := strings.Index(s, c.from) + len(c.from)
				j := strings.Index(s[i:], c.from) + i
				s = s[:j] + c.to + s[j+len(c.from):]
			} else {
				s = strings.Replace(s, c.from, c.to, 1)
			}
			q := filepath.Join(dir, "bad.json")
			os.WriteFile(q, []byte(s), 0o644)
			_, err := Load(q)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

// TestMember: member i of an ensemble, as a model of its own, predicts what
// the single network it was built from predicts (the same weights and
// scaler: to 1e-12 relative, the folds' rounding), with weights that sum to
// 1; it is a valid one-network copy that shares nothing with the ensemble.
func TestMember(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	s := testSpec(arch.Diagonal, 2)
	const M, n = 3, 5
	e, singles := ensembleOf(t, s, M, rng)
	x := normals(rng, n*s.In)
	xm0, w0, xm1 := e.Scaler.XMean[0], e.Arrays[0].Data[0], e.Ensemble[0].Scaler.XMean[0]
	for i, single := range singles {
		one := e.Member(i)
		if err := one.Validate(); err != nil {
			t.Fatalf("member %d: %v", i, err)
		}
		if one.Members() != 1 {
			t.Fatalf("member %d: %d members, want 1", i, one.Members())
		}
		got, err := one.Predictor(0).Predict(x, n, nil)
		if err != nil {
			t.Fatal(err)
		}
		want, err := single.Predictor(0).Predict(x, n, nil)
		if err != nil {
			t.Fatal(err)
		}
		for r := range n {
			for k := range s.K {
				g, w := got[r].LogWeights[k], want[r].LogWeights[k]
				if !closeTo(g, w, 1e-12) {
					t.Errorf("member %d row %d: log π_%d = %v, want %v", i, r, k, g, w)
				}
			}
			for c, w := range want[r].Means {
				if g := got[r].Means[c]; !closeTo(g, w, 1e-12) {
					t.Errorf("member %d row %d: mean %d = %v, want %v", i, r, c, g, w)
				}
			}
			if w := floats.Sum(got[r].Weights(nil)); math.Abs(w-1) > 1e-12 {
				t.Errorf("member %d row %d: weights sum to %v, want 1", i, r, w)
			}
		}
		one.Scaler.XMean[0]++
		one.Arrays[0].Data[0]++
	}
	if e.Scaler.XMean[0] != xm0 || e.Arrays[0].Data[0] != w0 || e.Ensemble[0].Scaler.XMean[0] != xm1 {
		t.Errorf("changing the members changed the ensemble")
	}
	if g := e.Member(1).Scaler.XMean[0]; g != xm1 {
		t.Errorf("member 1's x mean %v, want Ensemble[0]'s %v", g, xm1)
	}
}
