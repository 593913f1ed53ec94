package model

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mdn-go/mdn/arch"
)

// TestRow1: the one-row row (row1, diagonal noise) writes the bits of
// members (member by member) and returns its errors, for outputs with NaN, ±Inf, huge, tiny,
// zero and negative values put at random places among the log weights,
// means and σ channels, with the σ transform folded (exp) or not
// (softplus), into mixtures that held other values, of one member or
// three.
func TestRow1(t *testing.T) {
	specials := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e200, -1e200, 1e-200, 0, math.Copysign(0, -1), -1}
	for _, tr := range []arch.Transform{arch.Exp, arch.Softplus} {
		for _, d := range []int{1, 2, 3} {
			rng := rand.New(rand.NewPCG(uint64(d), 7))
			s := testSpec(arch.Diagonal, d)
			s.Transform = tr
			e, _ := ensembleOf(t, s, 1+d%2*2, rng) // 3 members (errors name them), or 1 (they do not)
			p := e.Predictor(1)
			if _, err := p.Predict(normals(rng, s.In), 1, nil); err != nil {
				t.Fatal(err)
			}
			M, K, P := p.m, s.K, s.NormalChannels()
			lw0, out0 := append([]float64(nil), p.lw[:M*K]...), append([]float64(nil), p.out[:M*P]...)
			errs := 0
			for trial := range 2000 {
				copy(p.lw, lw0)
				copy(p.out, out0)
				for range rng.IntN(3) {
					v := specials[rng.IntN(len(specials))]
					if i := rng.IntN(M*K + M*P); i < M*K {
						p.lw[i] = v
					} else {
						p.out[i-M*K] = v
					}
				}
				a := prepareMixtures(nil, 1, M*K, d)
				b := prepareMixtures(nil, 1, M*K, d)
				for _, mx := range [][]float64{a[0].LogWeights, a[0].Means, a[0].Chol, b[0].LogWeights, b[0].Means, b[0].Chol} {
					for i := range mx {
						mx[i] = float64(trial + i)
					}
				}
				ea, eb := p.members(&a[0], 0, 1), p.row1(&b[0])
				if (ea == nil) != (eb == nil) || ea != nil && ea.Error() != eb.Error() {
					t.Fatalf("%v, D %d, trial %d: members: %v; row1: %v", tr, d, trial, ea, eb)
				}
				if ea != nil {
					errs++
					continue
				}
				for i, pair := range [][2][]float64{{a[0].LogWeights, b[0].LogWeights}, {a[0].Means, b[0].Means}, {a[0].Chol, b[0].Chol}} {
					for j, v := range pair[0] {
						if math.Float64bits(v) != math.Float64bits(pair[1][j]) {
							t.Fatalf("%v, D %d, trial %d, slice %d, index %d: members %v, row1 %v", tr, d, trial, i, j, v, pair[1][j])
						}
					}
				}
			}
			if errs == 0 {
				t.Fatalf("%v, D %d: no trial gave an error", tr, d)
			}
		}
	}
}
