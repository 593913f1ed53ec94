package vec

import "math"

// The constants of Exp. Cody and Waite's split of ln 2 (the one of
// math.Exp): ln2Hi has 21 trailing zero bits, so n·ln2Hi is exact for
// |n| < 2²¹.
const (
	expMax = 710.0  // e^710 overflows: larger x clamp to it and give +Inf
	expMin = -746.0 // e^−746 rounds to 0: smaller x clamp to it and give 0
	log2e  = 1.44269504088896338700e+00
	ln2Hi  = 6.93147180369123816490e-01
	ln2Lo  = 1.90821492927058770002e-10
)

// expPoly holds 1/k! for k = 13 down to 0: the Taylor polynomial of e^r,
// whose truncation error on |r| ≤ ln2/2 is below r¹⁴/14! < 5·10⁻¹⁸, far
// under half an ulp of the result. The AVX-512 kernel reads it too, the
// AVX2 kernel expPoly4.
var expPoly = [14]float64{
	1.6059043836821613e-10, 2.08767569878681e-09, 2.505210838544172e-08, 2.755731922398589e-07,
	2.7557319223985893e-06, 2.48015873015873e-05, 0.0001984126984126984, 0.001388888888888889,
	0.008333333333333333, 0.041666666666666664, 0.16666666666666666, 0.5, 1, 1,
}

// Exp sets dst[i] = e^src[i] for i < len(src) (dst at least as long):
//
//	n = round(x·log₂e),  r = (x − n·ln2Hi) − n·ln2Lo   (|r| ≤ ½ln 2, two fused multiply-adds)
//	e^x = 2ⁿ · p(r),     p the degree-13 Taylor polynomial (Horner, fused multiply-adds)
//
// with x first clamped to [−746, 710], so that +Inf and anything that
// overflows gives +Inf, −Inf and anything that underflows gives 0 (or a
// subnormal, rounded once by the scaling 2ⁿ·p), and NaN gives NaN. It is
// within 1 ulp of math.Exp (TestExpAccuracy measures the bound), not bit
// for bit the same; every path (AVX-512 for blocks of 8, AVX2 for blocks
// of 4, Go for the rest and on other CPUs) gives the same bits for the same
// x, so a result does not depend on where in a slice its argument sits or
// on the CPU.
func Exp(dst, src []float64) { blocks(cpuTier, dst, src, expAVX512, expAVX2, exp1) }

// blocks sets dst[i] = one(src[i]) for i < len(src) as a CPU of tier t
// does: the blocks of 8 through k512 with AVX-512, of 4 through k2 with
// AVX2 (both give one's bits), the rest through one.
func blocks(t tier, dst, src []float64, k512, k2 func(dst, src *float64, n int), one func(float64) float64) {
	n := len(src)
	dst = dst[:n]
	i := 0
	switch {
	case t >= tierAVX512 && n >= 8:
		i = n &^ 7
		k512(&dst[0], &src[0], i)
	case t >= tierAVX2 && n >= 4:
		i = n &^ 3
		k2(&dst[0], &src[0], i)
	}
	for ; i < n; i++ {
		dst[i] = one(src[i])
	}
}

// expPoly4 is expPoly with each coefficient repeated in the four lanes of a
// YMM register, for the AVX2 kernel's memory operands.
var expPoly4 = func() (r [len(expPoly)][4]float64) { lanes4(r[:], expPoly[:]...); return }()

// lanes4 sets dst[i] to four copies of c[i].
func lanes4(dst [][4]float64, c ...float64) {
	for i, v := range c {
		dst[i] = [4]float64{v, v, v, v}
	}
}

// exp1 is Exp of one value, the kernel's arithmetic step for step.
func exp1(x float64) float64 {
	if x != x {
		return x
	}
	x = min(max(x, expMin), expMax)
	n := math.RoundToEven(x * log2e)
	r := math.FMA(-n, ln2Hi, x)
	r = math.FMA(-n, ln2Lo, r)
	c := &expPoly
	p := math.FMA(c[0], r, c[1])
	p = math.FMA(p, r, c[2])
	p = math.FMA(p, r, c[3])
	p = math.FMA(p, r, c[4])
	p = math.FMA(p, r, c[5])
	p = math.FMA(p, r, c[6])
	p = math.FMA(p, r, c[7])
	p = math.FMA(p, r, c[8])
	p = math.FMA(p, r, c[9])
	p = math.FMA(p, r, c[10])
	p = math.FMA(p, r, c[11])
	p = math.FMA(p, r, c[12])
	p = math.FMA(p, r, c[13])
	// p is in [0.70, 1.42]: for −1021 ≤ n ≤ 1023 the product with 2ⁿ is
	// exact and normal, as math.Ldexp's result (which rounds once for
	// subnormal results and overflows to +Inf).
	if k := int(n); k >= -1021 && k <= 1023 {
		return p * math.Float64frombits(uint64(k+1023)<<52)
	}
	return math.Ldexp(p, int(n))
}
