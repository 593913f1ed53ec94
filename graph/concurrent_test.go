package graph

import (
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/mdn-go/mdn/arch"

	G "gorgonia.org/gorgonia"
)

// TestBuildConcurrent builds and runs networks with gradients on several
// goroutines at once, as an ensemble's members are, and checks that each
// gets the loss it gets when built alone. It is the first test of the
// package (file order) so that, under -race, the builds are the first to
// touch Gorgonia's shared constants (G.Grad caches the hash of its
// constant 1 in place on first use: a data race without buildMu).
func TestBuildConcurrent(t *testing.T) {
	s := testSpec(arch.Diagonal, 2, arch.Float32)
	const workers, batch = 4, 8
	loss := func(seed uint64) (float64, error) {
		rng := rand.New(rand.NewPCG(seed, 1))
		w, err := NewWeights(s, rng)
		if err != nil {
			return 0, err
		}
		g := G.NewGraph()
		m, err := Build(g, w, batch, true)
		if err != nil {
			return 0, err
		}
		setAll(m.XT, func(int) float64 { return rng.NormFloat64() })
		setAll(m.YT, func(int) float64 { return rng.NormFloat64() })
		vm, err := NewMachine(g)
		if err != nil {
			return 0, err
		}
		if err := vm.RunAll(); err != nil {
			return 0, err
		}
		return m.LossValue()
	}
	got := make([]float64, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() { got[i], errs[i] = loss(uint64(i)) })
	}
	wg.Wait()
	for i := range workers {
		if errs[i] != nil {
			t.Fatalf("worker %d: %v", i, errs[i])
		}
		want, err := loss(uint64(i))
		if err != nil {
			t.Fatal(err)
		}
		if got[i] != want {
			t.Errorf("worker %d: loss %v built concurrently, %v alone", i, got[i], want)
		}
	}
}
