package graph

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mdn-go/mdn/arch"
)

// diagInputs are B rows of random trunk outputs for s, with some extreme
// rows when extreme: logits of ±1000, σ raws of ±30, y a million σ away,
// y = 1e300 (every component's density underflows: ℓ = +Inf) and NaN.
func diagInputs(s arch.Spec, B int, rng *rand.Rand, extreme bool) (logits, p, y []float64) {
	K, P, D := s.K, s.NormalChannels(), s.Out
	logits, p, y = make([]float64, B*K), make([]float64, B*P), make([]float64, B*D)
	for i := range logits {
		logits[i] = rng.NormFloat64() * 2
	}
	for i := range p {
		p[i] = rng.NormFloat64()
	}
	for i := range y {
		y[i] = rng.NormFloat64() * 2
	}
	if !extreme {
		return
	}
	for i := range B {
		switch i % 7 {
		case 1:
			logits[i*K] = 1000
		case 2:
			logits[i*K+K-1] = -1000
		case 3:
			p[i*P+s.K*D] = 30
			p[i*P+P-1] = -30
		case 4:
			y[i*D] = 1e6
		case 5:
			y[i*D+D-1] = 1e300
		case 6:
			if i%14 == 6 {
				p[i*P] = math.NaN()
			} else {
				logits[i*K] = math.NaN()
			}
		}
	}
	return
}

// close64 reports whether got is within tol of want (relative, absolute
// below 1), with non-finite values equal in kind.
func close64(got, want, tol float64) bool {
	if math.IsNaN(want) || math.IsInf(want, 0) {
		return math.IsNaN(got) && math.IsNaN(want) || got == want
	}
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// TestDiagNLLMatchesRows: the batched NLL and its gradients equal rowNLL.eval
// (math.Exp and math.Log per row) to 1e-13, rows of non-finite loss
// included (the same +Inf, the same NaN), for several K, D, σ_min and
// batch sizes, from float64 and float32 inputs.
func TestDiagNLLMatchesRows(t *testing.T) {
	for _, K := range []int{1, 3, 5} {
		for _, D := range []int{1, 2, 3} {
			for _, smin := range []float64{0, 0.01} {
				for _, B := range []int{1, 7, 64, 257} {
					t.Run(fmt.Sprintf("K=%d/D=%d/sigma_min=%g/B=%d", K, D, smin, B), func(t *testing.T) {
						s := testSpec(arch.Diagonal, D, arch.Float64)
						s.K, s.SigmaMin = K, smin
						rng := rand.New(rand.NewPCG(uint64(K*100+D*10+B), 5))
						logits, p, y := diagInputs(s, B, rng, true)
						checkDiagAgainstRows(t, s, logits, p, y, B)
						l32, p32, y32 := to32(logits), to32(p), to32(y)
						checkDiagAgainstRows(t, s, l32, p32, y32, B)
					})
				}
			}
		}
	}
}

func to32(x []float64) []float32 {
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = float32(v)
	}
	return y
}

func checkDiagAgainstRows[T float](t *testing.T, s arch.Spec, logits, p, y []T, B int) {
	t.Helper()
	batched, rows := newNLLOp(s, true), newNLLOp(s, true)
	batched.scratch(B, true)
	rows.scratch(B, false)
	lb := nllRows(batched, logits, p, y, B)
	lr := nllRows(rows, logits, p, y, B)
	if !close64(lb, lr, 1e-13) {
		t.Errorf("loss %v, want %v (rowNLL.eval)", lb, lr)
	}
	finite := 0
	for i := range B {
		if !close64(batched.perRow[i], rows.perRow[i], 1e-13) {
			t.Fatalf("row %d: ℓ = %v, want %v (rowNLL.eval)", i, batched.perRow[i], rows.perRow[i])
		}
		if !math.IsInf(rows.perRow[i], 0) && !math.IsNaN(rows.perRow[i]) {
			finite++
		}
	}
	if B >= 7 && finite == B {
		t.Fatalf("no row with a non-finite loss among %d", B)
	}
	for name, g := range map[string][2][]float64{"logits": {batched.dl, rows.dl}, "normal": {batched.dp, rows.dp}} {
		for i := range g[1] {
			if !close64(g[0][i], g[1][i], 1e-13) {
				t.Fatalf("∂/∂%s[%d] (row %d) = %v, want %v (rowNLL.eval)", name, i, i/(len(g[1])/B), g[0][i], g[1][i])
			}
		}
	}
}

// TestDiagNLLRowsIndependent: a row's loss and gradients are the same bits
// whatever the batch around it: each of 37 rows alone, and the 37 rows
// reversed, against the batch of 37 (so positions in and out of the blocks
// of eight of vec.Exp).
func TestDiagNLLRowsIndependent(t *testing.T) {
	for _, smin := range []float64{0, 1e-3} {
		s := testSpec(arch.Diagonal, 2, arch.Float64)
		s.K, s.SigmaMin = 5, smin
		const B = 37
		K, P, D := s.K, s.NormalChannels(), s.Out
		rng := rand.New(rand.NewPCG(1, uint64(smin*1e3)))
		logits, p, y := diagInputs(s, B, rng, true)
		run := func(rows []int) (l, dl, dp []float64) {
			n := len(rows)
			lg, pp, yy := make([]float64, n*K), make([]float64, n*P), make([]float64, n*D)
			for r, i := range rows {
				copy(lg[r*K:], logits[i*K:(i+1)*K])
				copy(pp[r*P:], p[i*P:(i+1)*P])
				copy(yy[r*D:], y[i*D:(i+1)*D])
			}
			d := newDiagNLL(s, n)
			diagLoad(d, lg, pp, yy)
			l, dl, dp = make([]float64, n), make([]float64, n*K), make([]float64, n*P)
			d.eval(l, dl, dp, 1)
			return
		}
		all := make([]int, B)
		rev := make([]int, B)
		for i := range all {
			all[i], rev[B-1-i] = i, i
		}
		l0, dl0, dp0 := run(all)
		same := func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) || a != a && b != b }
		check := func(what string, r, i int, l, dl, dp []float64) {
			if !same(l[r], l0[i]) {
				t.Fatalf("σ_min %g, %s: row %d: ℓ = %v, want %v (in the batch)", smin, what, i, l[r], l0[i])
			}
			for k := range K {
				if !same(dl[r*K+k], dl0[i*K+k]) {
					t.Fatalf("σ_min %g, %s: row %d: ∂ℓ/∂logit %d differs", smin, what, i, k)
				}
			}
			for c := range P {
				if !same(dp[r*P+c], dp0[i*P+c]) {
					t.Fatalf("σ_min %g, %s: row %d: ∂ℓ/∂p %d differs", smin, what, i, c)
				}
			}
		}
		for i := range B {
			l, dl, dp := run([]int{i})
			check("alone", 0, i, l, dl, dp)
		}
		l, dl, dp := run(rev)
		for r, i := range rev {
			check("reversed", r, i, l, dl, dp)
		}
	}
}
