package vec

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/mdn-go/mdn/internal/cputime"
)

// ulps is the distance between a and b in units in the last place: the
// number of float64 values between them (0 for equal values, also for two
// NaNs; MaxInt64 when one of them is NaN and the other is not).
func ulps(a, b float64) int64 {
	if a != a || b != b {
		if a != a && b != b {
			return 0
		}
		return math.MaxInt64
	}
	// Map the bits to a line ordered like the values (−0 and +0 both at 0).
	ord := func(x float64) int64 {
		u := int64(math.Float64bits(x))
		if u < 0 {
			return math.MinInt64 - u
		}
		return u
	}
	d := ord(a) - ord(b)
	if d < 0 {
		d = -d
	}
	return d
}

// ln2Digits is ln 2 to 60 decimal places (OEIS A002162).
const ln2Digits = "0.693147180559945309417232121458176568075500134360255254120680"

// expRef is e^x rounded to float64 from a 160-bit computation: x = n·ln2
// + r with n = round(x/ln2) and |r| ≤ ½ln 2 in big.Float, e^r by its
// Taylor series to below 2⁻¹⁶⁰, scaled by 2ⁿ (big.Float's SetMantExp, then
// one rounding to float64, subnormals included). It is independent of
// math.Exp, whose amd64 assembly overflows from 709.44 on instead of from
// 709.78 (Go 1.26).
func expRef(x float64) float64 {
	switch {
	case x != x:
		return x
	case x > 710:
		return math.Inf(1)
	case x < -746:
		return 0
	}
	const prec = 160
	ln2, _, err := big.ParseFloat(ln2Digits, 10, prec, big.ToNearestEven)
	if err != nil {
		panic(err)
	}
	bx := new(big.Float).SetPrec(prec).SetFloat64(x)
	q := new(big.Float).SetPrec(prec).Quo(bx, ln2)
	qf, _ := q.Float64()
	n := math.RoundToEven(qf)
	r := new(big.Float).SetPrec(prec).Mul(new(big.Float).SetPrec(prec).SetFloat64(n), ln2)
	r.Sub(bx, r)
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	for k := int64(1); k < 60; k++ {
		term.Mul(term, r)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(k))
		sum.Add(sum, term)
	}
	sum.SetMantExp(sum, int(n))
	v, _ := sum.Float64()
	return v
}

// expCases are the arguments TestExpAccuracy checks: the edge cases, the
// bounds of overflow (e^x > MaxFloat64 from 709.782712893384) and of
// underflow (subnormal results below −708.396, 0 below −745.133), the
// points where the reduction's n changes, and random values over the whole
// range, near 0 and in the subnormal range.
func expCases() []float64 {
	xs := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, -0.5, math.Inf(1), math.Inf(-1), math.NaN(),
		709.782712893384, math.Nextafter(709.782712893384, 0), math.Nextafter(709.782712893384, 1000), 709.78, 710,
		710.5, 1e300, math.MaxFloat64, -708.396418532264, -708.4, -709, -744, -745.1332191019411,
		math.Nextafter(-745.1332191019411, 0), -745.2, -746, -747, -1e300, -math.MaxFloat64,
		5e-324, -5e-324, 1e-300, 1e-17, -1e-17, 1e-8, 30, -30}
	for n := -1075; n <= 1025; n++ { // the halfway points of the reduction and their neighbours
		h := (float64(n) + 0.5) * math.Ln2
		xs = append(xs, h, math.Nextafter(h, math.Inf(1)), math.Nextafter(h, math.Inf(-1)), float64(n)*math.Ln2)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		xs = append(xs, -745.2+rng.Float64()*(709.79+745.2), (rng.Float64()-0.5)*2, rng.NormFloat64()*1e-6,
			-708.4-rng.Float64()*36.8)
	}
	return xs
}

// expAt is Exp as a CPU of tier tr runs it.
func expAt(tr tier) func(dst, src []float64) {
	return func(dst, src []float64) { blocks(tr, dst, src, expAVX512, expAVX2, exp1) }
}

// TestExpAccuracy: Exp, on every tier, is within 1 ulp of e^x (expRef) on
// every case of expCases, and exactly right on the edges:
// e^±0 = 1, e^+Inf = +Inf, e^−Inf = 0, NaN stays NaN, overflow gives
// +Inf and arguments below −745.14 give +0.
func TestExpAccuracy(t *testing.T) {
	xs := expCases()
	wants := make([]float64, len(xs))
	for i, x := range xs {
		wants[i] = expRef(x)
		// A check of the reference: math.Exp is within 2 ulps of it where it
		// does not overflow early (Go 1.26's amd64 math.Exp is 2 ulps off
		// at −0.35252807364377103: Python's math.exp and a 50-digit
		// decimal exp agree with expRef there).
		if m := math.Exp(x); ulps(m, wants[i]) > 2 && x < 709.43 {
			t.Errorf("math.Exp(%v) = %v, reference %v: the reference is wrong", x, m, wants[i])
		}
	}
	forTiers(t, allTiers, func(t *testing.T, tr tier) { testExpAccuracy(t, expAt(tr), xs, wants) })
}

func testExpAccuracy(t *testing.T, Exp func(dst, src []float64), xs, wants []float64) {
	got := make([]float64, len(xs))
	Exp(got, xs)
	var worst int64
	var worstX float64
	hist := map[int64]int{}
	for i, x := range xs {
		want := wants[i]
		d := ulps(got[i], want)
		hist[d]++
		if d > worst {
			worst, worstX = d, x
		}
		if d > 1 {
			t.Errorf("Exp(%v) = %v (%#x), want %v (%#x): %d ulps", x, got[i], math.Float64bits(got[i]),
				want, math.Float64bits(want), d)
		}
	}
	t.Logf("%d arguments, ulps from e^x: %v, worst %d at %v", len(xs), hist, worst, worstX)
	for _, c := range []struct{ x, want float64 }{
		{0, 1}, {math.Copysign(0, -1), 1}, {math.Inf(1), math.Inf(1)}, {math.Inf(-1), 0}, {710, math.Inf(1)},
		{1e300, math.Inf(1)}, {-746, 0}, {-1e300, 0}, {math.Nextafter(709.782712893384, 1000), math.Inf(1)},
	} {
		var g [1]float64
		Exp(g[:], []float64{c.x})
		if math.Float64bits(g[0]) != math.Float64bits(c.want) {
			t.Errorf("Exp(%v) = %v, want %v", c.x, g[0], c.want)
		}
	}
	var g [1]float64
	if Exp(g[:], []float64{math.NaN()}); !math.IsNaN(g[0]) {
		t.Errorf("Exp(NaN) = %v, want NaN", g[0])
	}
}

// TestExpPaths: the AVX-512 kernel (blocks of 8), the AVX2 kernel (blocks
// of 4) and exp1 (the tail and the Go tier, whose accuracy TestExpAccuracy
// checks) give the same bits for the same argument (any NaN for NaN), at
// every position of slices of every length up to 40, and Exp writes
// nothing past len(src).
func TestExpPaths(t *testing.T) {
	xs := expCases()
	forTiers(t, simdTiers, func(t *testing.T, tr tier) { checkPaths(t, "Exp", expAt(tr), exp1, xs, 97, true) })
}

// checkPaths is TestExpPaths and TestLogPaths: f (name) on xs, and on
// slices of xs of every length up to 40 at offsets 0, stride and
// 2·stride, gives one's bits for every element (with anyNaN, a NaN for a
// NaN whatever its bits) and writes nothing past len(src).
func checkPaths(t *testing.T, name string, f func(dst, src []float64), one func(float64) float64, xs []float64, stride int, anyNaN bool) {
	t.Helper()
	same := func(a, b float64) bool {
		return math.Float64bits(a) == math.Float64bits(b) || anyNaN && a != a && b != b
	}
	got := make([]float64, len(xs))
	f(got, xs)
	for i, x := range xs {
		if w := one(x); !same(got[i], w) {
			t.Fatalf("%s(%v) = %v (%#x) on the vector path, the scalar path gives %v (%#x)", name, x, got[i],
				math.Float64bits(got[i]), w, math.Float64bits(w))
		}
	}
	for n := 0; n <= 40; n++ {
		for off := range 3 {
			src := xs[off*stride : off*stride+n]
			dst := make([]float64, n+1)
			dst[n] = 42
			f(dst, src)
			for i, x := range src {
				if w := one(x); !same(dst[i], w) {
					t.Fatalf("n=%d: %s(%v) at %d = %v, the scalar path gives %v", n, name, x, i, dst[i], w)
				}
			}
			if dst[n] != 42 {
				t.Fatalf("n=%d: wrote past len(src)", n)
			}
		}
	}
}

// BenchmarkExp is Exp and math.Exp on the 10 240 σ channels of a step of
// issue 12's large workload (1024 rows, K=5, D=2), arguments in [−3, 3].
func BenchmarkExp(b *testing.B) {
	src := make([]float64, 10240)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range src {
		src[i] = (rng.Float64() - 0.5) * 6
	}
	benchSlice(b, src, "Exp", Exp, "exp1", exp1, "math.Exp", math.Exp)
}

// benchSlice runs sub-benchmarks n=len(src)/name of f(dst, src), of one
// (name1) and of ref (nameRef) applied element by element, in CPU time
// per value.
func benchSlice(b *testing.B, src []float64, name string, f func(dst, src []float64), name1 string, one func(float64) float64,
	nameRef string, ref func(float64) float64) {
	n := len(src)
	dst := make([]float64, n)
	each := func(g func(float64) float64) func(dst, src []float64) {
		return func(dst, src []float64) {
			for i, x := range src {
				dst[i] = g(x)
			}
		}
	}
	for _, impl := range []struct {
		name string
		f    func(dst, src []float64)
	}{{name, f}, {name1, each(one)}, {nameRef, each(ref)}} {
		b.Run(fmt.Sprintf("n=%d/%s", n, impl.name), func(b *testing.B) {
			c0 := cputime.Now()
			for b.Loop() {
				impl.f(dst, src)
			}
			b.ReportMetric(float64(cputime.Now()-c0)/float64(b.N)/float64(n), "cpu-ns/value")
		})
	}
}
