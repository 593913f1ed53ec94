package train

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/mdn-go/mdn/arch"
	"gorgonia.org/tensor"
)

// smallRecipe is a short run with the defaults on 300 rows of ex1d written
// to a temporary CSV file.
func smallRecipe(t *testing.T) *Recipe {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ex1d.csv")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := ex1d(t, 300, 4).WriteCSV(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	rec := testRecipe()
	rec.Data.Train, rec.Data.Encode.X, rec.Data.Encode.Y = p, []string{"x"}, []string{"y"}
	rec.Spec.Hidden = []int{8, 8}
	rec.Train.Steps, rec.Train.EvalEvery, rec.Train.BatchSize = 60, 20, 64
	rec.Ensemble = 1
	return &rec
}

func fit(t *testing.T, rec *Recipe) (*Result, []arch.Array, [][]arch.Array) {
	t.Helper()
	if err := rec.Validate(); err != nil {
		t.Fatal(err)
	}
	d, err := LoadData(*rec)
	if err != nil {
		t.Fatal(err)
	}
	m, res, err := Fit(context.Background(), *rec, d, nil)
	if err != nil {
		t.Fatal(err)
	}
	var rest [][]arch.Array
	for _, e := range m.Ensemble {
		rest = append(rest, e.Arrays)
	}
	return res, m.Arrays, rest
}

func sameArrays(a, b []arch.Array) bool {
	for i := range a {
		for j := range a[i].Data {
			if math.Float64bits(a[i].Data[j]) != math.Float64bits(b[i].Data[j]) {
				return false
			}
		}
	}
	return true
}

// Member 0 of an ensemble is the network a single run trains, bit for bit;
// the other members differ from it; and the ensemble does not depend on
// the number of threads.
func TestEnsembleMembers(t *testing.T) {
	rec := smallRecipe(t)
	rec.NoiseScale, rec.NoiseSelect = 0.3, false
	_, single, rest := fit(t, rec)
	if len(rest) != 0 {
		t.Fatalf("single run has %d further members", len(rest))
	}
	rec.Ensemble, rec.Train.Threads = 3, 1
	res, first, rest1 := fit(t, rec)
	if len(rest1) != 2 || len(res.Members) != 3 {
		t.Fatalf("got %d further members and %d results, want 2 and 3", len(rest1), len(res.Members))
	}
	if !sameArrays(first, single) {
		t.Error("member 0 differs from the single run with the same seed")
	}
	if sameArrays(rest1[0], single) || sameArrays(rest1[1], rest1[0]) {
		t.Error("members 1 and 2 should differ from member 0 and from each other")
	}
	want := (res.Members[0].ValNLL + res.Members[1].ValNLL + res.Members[2].ValNLL) / 3
	if math.Abs(res.ValNLL-want) > 1e-12 {
		t.Errorf("ensemble ValNLL %v, want the members' mean %v", res.ValNLL, want)
	}
	rec.Train.Threads = 2
	_, first2, rest2 := fit(t, rec)
	if !sameArrays(first2, first) || !sameArrays(rest2[0], rest1[0]) || !sameArrays(rest2[1], rest1[1]) {
		t.Error("the ensemble depends on train.threads")
	}
}

func TestMemberSeed(t *testing.T) {
	if MemberSeed(42, 0) != 42 {
		t.Errorf("member 0 must keep the run's seed")
	}
	seen := map[uint64]bool{}
	for s := uint64(0); s < 4; s++ {
		for m := range 8 {
			v := MemberSeed(s, m)
			if seen[v] {
				t.Fatalf("seed %d member %d repeats %d", s, m, v)
			}
			seen[v] = true
		}
	}
}

func TestNoiseBandwidth(t *testing.T) {
	// n = 2^12, d = 2: n^(−1/6) = 2^−2.
	if h := NoiseBandwidth(0.5, 4096, 2); math.Abs(h-0.125) > 1e-15 {
		t.Errorf("got %v, want 0.125", h)
	}
	if h := NoiseBandwidth(0, 4096, 2); h != 0 {
		t.Errorf("c = 0: got %v, want 0", h)
	}
}

// The batcher's noise is N(0, h²), fresh at every step, also for full
// batches (which without noise are copied once).
func TestBatcherNoise(t *testing.T) {
	d := ex1d(t, 400, 1)
	const h = 0.3
	b := newBatcher(d, d.N, 9)
	b.noise = h
	xt := tensor.New(tensor.WithShape(d.N, 1), tensor.Of(tensor.Float64))
	yt := tensor.New(tensor.WithShape(d.N, 1), tensor.Of(tensor.Float64))
	var sum, sq float64
	var prev []float64
	steps := 10
	for range steps {
		b.next()
		b.fillRange(xt, yt, 0, d.N)
		x := xt.Data().([]float64)
		if prev != nil && x[0] == prev[0] {
			t.Fatal("the same noise at two steps")
		}
		prev = append(prev[:0], x...)
		for i, v := range x {
			e := v - d.X[i]
			sum += e
			sq += e * e
		}
	}
	n := float64(steps * d.N)
	mean, sd := sum/n, math.Sqrt(sq/n)
	// 4000 draws: the mean's SE is h/63 ≈ 0.005, the sd's ≈ h/89.
	if math.Abs(mean) > 0.02 || math.Abs(sd-h) > 0.015 {
		t.Errorf("noise mean %v, sd %v; want 0 and %v", mean, sd, h)
	}
}

// train.noise_select keeps noise only when the validation rows prefer it:
// ex1d's sharp branches are blurred by noise of scale 3 (h ≈ 1.2 standard
// deviations), so the selection must drop it, and member 0 is then the
// network of a run without noise, bit for bit.
func TestNoiseSelect(t *testing.T) {
	rec := smallRecipe(t)
	rec.Train.Steps = 200
	rec.NoiseScale, rec.NoiseSelect = 0, false
	_, plain, _ := fit(t, rec)
	rec.NoiseScale = 3
	res, noisy, _ := fit(t, rec)
	if res.NoiseScale != 3 || sameArrays(noisy, plain) {
		t.Fatalf("without selection: noise scale %v, want 3 and other weights", res.NoiseScale)
	}
	rec.NoiseSelect = true
	res, chosen, _ := fit(t, rec)
	if res.NoiseScale != 0 {
		t.Fatalf("selection kept noise scale %v; want 0 (validation NLL with noise %v)", res.NoiseScale, res.ValNLL)
	}
	if !sameArrays(chosen, plain) {
		t.Error("the chosen member 0 differs from the run without noise")
	}
}

// TestEnsembleProgress: the progress of an ensemble under noise_select
// counts its 2M networks: Finished rises to Networks, Step reaches Steps at
// the end, the per-network LR and loss are NaN, and the best validation NLL
// is the mean over the networks finished; the Result names what was kept.
func TestEnsembleProgress(t *testing.T) {
	rec := smallRecipe(t)
	rec.Ensemble, rec.EnsembleMax = 2, 2
	d, err := LoadData(*rec)
	if err != nil {
		t.Fatal(err)
	}
	var last Progress
	finished := 0
	_, res, err := Fit(context.Background(), *rec, d, func(p Progress) {
		if p.Finished < finished || p.Step > p.Steps {
			t.Errorf("progress went back or past the end: %+v after %d finished", p, finished)
		}
		if !math.IsNaN(p.LR) || !math.IsNaN(p.Loss) {
			t.Errorf("an ensemble's progress shows one network's lr %v and loss %v", p.LR, p.Loss)
		}
		finished, last = p.Finished, p
	})
	if err != nil {
		t.Fatal(err)
	}
	if last.Networks != 4 || last.Finished != 4 || last.Step != last.Steps {
		t.Fatalf("last progress %+v, want 4 of 4 networks finished and every step done", last)
	}
	if res.Networks != 4 || res.Kept == "" {
		t.Errorf("Result.Networks %d, Kept %q: want 4 and a description", res.Networks, res.Kept)
	}
	if math.IsNaN(last.BestValNLL) {
		t.Errorf("no mean best validation NLL after all networks finished")
	}
}
