package vec

import "math"

// logPoly holds 2/(2n+1) for n = 11 down to 1: R(z) = Σ_n 2zⁿ/(2n+1), z =
// s², the series of 2·atanh(s) − 2s over s, whose truncation error for
// |s| ≤ 0.1716 (below z¹² ≈ 4·10⁻¹⁹ of R) is far under an ulp of the
// result. The AVX-512 kernel reads it too, the AVX2 kernel logPoly4.
var logPoly = [11]float64{
	0.08695652173913043, 0.09523809523809523, 0.10526315789473684, 0.11764705882352941,
	0.13333333333333333, 0.15384615384615385, 0.18181818181818182, 0.2222222222222222,
	0.2857142857142857, 0.4, 0.6666666666666666,
}

// Log sets dst[i] = log(src[i]) (natural) for i < len(src) (dst at least
// as long). With x = m·2ᵏ, m in [√½, √2] (exact, subnormals included),
// f = m − 1 (exact), s = f/(2 + f) and z = s²:
//
//	log(1 + f) = 2·atanh(s) = f − (½f² − s·(½f² + R(z))),  R(z) = Σ_{n≥1} 2zⁿ/(2n+1)
//	log x = k·ln2Hi + (f − (½f² − (s·(½f² + R) + k·ln2Lo)))
//
// (the split of Cody and Waite, as in Exp), R by Horner's rule with fused
// multiply-adds. log(±0) = −Inf, log(+Inf) = +Inf, log of a negative
// number, −Inf or NaN is NaN. It is within 1 ulp of log x
// (TestLogAccuracy), not bit for bit math.Log; every path (AVX-512 for
// blocks of 8, AVX2 for blocks of 4, Go for the rest and on other CPUs)
// gives the same bits.
func Log(dst, src []float64) { blocks(cpuTier, dst, src, logAVX512, logAVX2, log1) }

// logPoly4 is logPoly four lanes wide, for the AVX2 kernel.
var logPoly4 = func() (r [len(logPoly)][4]float64) { lanes4(r[:], logPoly[:]...); return }()

// logConst4 holds the other constants of the AVX2 kernel, four lanes each,
// at the byte offsets its comments give.
var logConst4 = func() (r [15][4]float64) {
	lanes4(r[:],
		0x1p-1022,                     // 0: the smallest normal number
		0x1p54,                        // 32: the scale of a subnormal x
		54,                            // 64: its correction to k
		0x1p52,                        // 96: 2⁵², whose low mantissa bits take an exponent field
		0x1p52+1023,                   // 128: 2⁵² + 1023, subtracted to leave the exponent less its bias
		math.Float64frombits(1<<52-1), // 160: the mantissa bits
		1,                             // 192
		math.Sqrt2,                    // 224
		0.5,                           // 256
		2,                             // 288
		ln2Lo,                         // 320
		ln2Hi,                         // 352
		math.Inf(1),                   // 384
		math.NaN(),                    // 416: math.NaN()'s bits
		math.Inf(-1),                  // 448
	)
	return
}()

// log1 is Log of one value, the kernel's arithmetic step for step.
func log1(x float64) float64 {
	switch {
	case x == 0:
		return math.Inf(-1)
	case x == math.Inf(1):
		return x
	case !(x > 0):
		return math.NaN()
	}
	// m in [1, 2) and k with x = m·2ᵏ: from the bits for normal x.
	b := math.Float64bits(x)
	m, k := math.Float64frombits(b&(1<<52-1)|1023<<52), float64(int(b>>52)-1023)
	if b>>52 == 0 { // subnormal
		frac, e := math.Frexp(x)
		m, k = 2*frac, float64(e-1)
	}
	if m > math.Sqrt2 {
		m, k = 0.5*m, k+1
	}
	f := m - 1
	s := f / float64(2+f)
	z := s * s
	c := &logPoly
	p := math.FMA(c[0], z, c[1])
	p = math.FMA(p, z, c[2])
	p = math.FMA(p, z, c[3])
	p = math.FMA(p, z, c[4])
	p = math.FMA(p, z, c[5])
	p = math.FMA(p, z, c[6])
	p = math.FMA(p, z, c[7])
	p = math.FMA(p, z, c[8])
	p = math.FMA(p, z, c[9])
	p = math.FMA(p, z, c[10])
	r := p * z
	hfsq := float64(0.5*f) * f
	a := math.FMA(s, float64(hfsq+r), float64(k*ln2Lo))
	return math.FMA(k, ln2Hi, float64(f-float64(hfsq-a)))
}
