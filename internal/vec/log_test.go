package vec

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// logRef is log x rounded to float64 from a 160-bit computation: x = m·2ᵏ
// exactly with m in [1, 2), log m = 2·atanh((m − 1)/(m + 1)) by its series
// in big.Float to below 2⁻¹⁶⁰, plus k·ln 2 (ln2Digits). It is independent
// of math.Log.
func logRef(x float64) float64 {
	switch {
	case x == 0:
		return math.Inf(-1)
	case math.IsInf(x, 1):
		return x
	case !(x > 0):
		return math.NaN()
	}
	const prec = 160
	frac, e := math.Frexp(x)
	m, k := 2*frac, e-1
	ln2, _, err := big.ParseFloat(ln2Digits, 10, prec, big.ToNearestEven)
	if err != nil {
		panic(err)
	}
	nf := func(v float64) *big.Float { return new(big.Float).SetPrec(prec).SetFloat64(v) }
	bm := nf(m)
	s := new(big.Float).SetPrec(prec).Quo(new(big.Float).SetPrec(prec).Sub(bm, nf(1)),
		new(big.Float).SetPrec(prec).Add(bm, nf(1)))
	s2 := new(big.Float).SetPrec(prec).Mul(s, s)
	sum := new(big.Float).SetPrec(prec)
	pow := new(big.Float).SetPrec(prec).Set(s)
	for n := int64(0); n < 80; n++ {
		t := new(big.Float).SetPrec(prec).Quo(pow, new(big.Float).SetPrec(prec).SetInt64(2*n+1))
		sum.Add(sum, t)
		pow.Mul(pow, s2)
	}
	sum.Mul(sum, nf(2))
	sum.Add(sum, new(big.Float).SetPrec(prec).Mul(ln2, new(big.Float).SetPrec(prec).SetInt64(int64(k))))
	v, _ := sum.Float64()
	return v
}

// logCases are the arguments TestLogAccuracy checks: the edge cases,
// values next to 1 and to √2 (where the reduction switches), powers of
// two, subnormals, the largest numbers, and random values over the whole
// range (log-uniform), near 1 and in [1, K] (what an NLL's logsumexp takes).
func logCases() []float64 {
	xs := []float64{1, math.Nextafter(1, 2), math.Nextafter(1, 0), 2, 0.5, math.E, 10, math.Sqrt2,
		math.Nextafter(math.Sqrt2, 2), math.Nextafter(math.Sqrt2, 0), math.Sqrt2 / 2, 5e-324, 1e-310,
		math.SmallestNonzeroFloat64 * 3, 2.2250738585072014e-308, math.MaxFloat64, 1e300, 1e-300,
		0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), -1, -5e-324, -math.MaxFloat64}
	for e := -1074; e <= 1023; e++ {
		xs = append(xs, math.Ldexp(1, e), math.Ldexp(math.Sqrt2, e), math.Ldexp(1.9999999, e))
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 4000 {
		xs = append(xs, math.Exp((rng.Float64()-0.5)*1400), 1+(rng.Float64()-0.5)*1e-3, 1+rng.Float64()*4,
			math.Ldexp(1+rng.Float64(), -1074+rng.IntN(52)))
	}
	return xs
}

// logAt is Log as a CPU of tier tr runs it.
func logAt(tr tier) func(dst, src []float64) {
	return func(dst, src []float64) { blocks(tr, dst, src, logAVX512, logAVX2, log1) }
}

// TestLogAccuracy: Log, on every tier, is within 1 ulp of log x (logRef)
// on every case of logCases, exact at 1 (0), and gives −Inf at ±0, +Inf
// at +Inf and NaN below 0, at −Inf and at NaN.
func TestLogAccuracy(t *testing.T) {
	xs := logCases()
	wants := make([]float64, len(xs))
	for i, x := range xs {
		wants[i] = logRef(x)
		// A check of the reference against math.Log (within 1 ulp of log x
		// for normal x; Go 1.26's amd64 math.Log is wrong for subnormals:
		// −709.05 for 8e-310, whose log is −711.72, as Python's math.log
		// says).
		if m := math.Log(x); ulps(m, wants[i]) > 1 && math.Abs(x) >= 2.2250738585072014e-308 {
			t.Errorf("math.Log(%v) = %v, reference %v: the reference is wrong", x, m, wants[i])
		}
	}
	forTiers(t, allTiers, func(t *testing.T, tr tier) { testLogAccuracy(t, logAt(tr), xs, wants) })
}

func testLogAccuracy(t *testing.T, Log func(dst, src []float64), xs, wants []float64) {
	got := make([]float64, len(xs))
	Log(got, xs)
	hist := map[int64]int{}
	for i, x := range xs {
		want := wants[i]
		d := ulps(got[i], want)
		hist[d]++
		if d > 1 {
			t.Errorf("Log(%v) = %v, want %v: %d ulps", x, got[i], want, d)
		}
	}
	t.Logf("%d arguments, ulps from log x: %v", len(xs), hist)
	for _, c := range []struct{ x, want float64 }{
		{1, 0}, {0, math.Inf(-1)}, {math.Copysign(0, -1), math.Inf(-1)}, {math.Inf(1), math.Inf(1)},
	} {
		var g [1]float64
		if Log(g[:], []float64{c.x}); math.Float64bits(g[0]) != math.Float64bits(c.want) {
			t.Errorf("Log(%v) = %v, want %v", c.x, g[0], c.want)
		}
	}
	for _, x := range []float64{-1, math.Inf(-1), math.NaN(), -5e-324} {
		var g [1]float64
		if Log(g[:], []float64{x}); !math.IsNaN(g[0]) {
			t.Errorf("Log(%v) = %v, want NaN", x, g[0])
		}
	}
}

// TestLogPaths: the AVX-512 and AVX2 kernels and log1 (the tail and the Go
// tier, whose accuracy TestLogAccuracy checks) give the same bits (NaN as
// math.NaN()) at every position of slices of every length up to 40, and
// Log writes nothing past len(src).
func TestLogPaths(t *testing.T) {
	xs := logCases()
	forTiers(t, simdTiers, func(t *testing.T, tr tier) { checkPaths(t, "Log", logAt(tr), log1, xs, 11, false) })
}

// BenchmarkLog is Log, log1 and math.Log on 10 240 values in [1, 5] (the
// sums of a logsumexp over K = 5 components).
func BenchmarkLog(b *testing.B) {
	src := make([]float64, 10240)
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range src {
		src[i] = 1 + 4*rng.Float64()
	}
	benchSlice(b, src, "Log", Log, "log1", log1, "math.Log", math.Log)
}
