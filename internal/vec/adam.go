package vec

import "math"

// AdamConsts are the per-step constants of an Adam update (see Adam32).
type AdamConsts struct {
	GScale      float64 // gradient scale (clipping)
	Beta1, OmB1 float64 // β₁ and 1 − β₁
	Beta2, OmB2 float64 // β₂ and 1 − β₂
	Decay       float64 // 1 − lr·wd
	SqrtBC2     float64 // √(1 − β₂ᵗ)
	StepSize    float64 // lr/(1 − β₁ᵗ)
	Eps         float64 // ε
}

// Adam32 applies one Adam (AdamW) update to float32 parameters p with
// gradients g and float64 moments m and v, for i < len(p):
//
//	gᵢ' = gᵢ·s,  mᵢ ← β₁mᵢ + (1−β₁)gᵢ',  vᵢ ← β₂vᵢ + (1−β₂)gᵢ'gᵢ'
//	pᵢ ← float32( pᵢ·decay − (stepSize·mᵢ)/(√vᵢ/√bc₂ + ε) )
//
// in float64, each operation rounded as written (no fused multiply-adds),
// so that every path (AVX-512 for blocks of 8, AVX2 for blocks of 4, Go
// for the rest and on other CPUs) gives the same bits. g, m and v must be
// at least as long as p.
func Adam32(p, g []float32, m, v []float64, c *AdamConsts) { adam32(cpuTier, p, g, m, v, c) }

// adam32 is Adam32 as a CPU of tier t runs it.
func adam32(t tier, p, g []float32, m, v []float64, c *AdamConsts) {
	n := len(p)
	g, m, v = g[:n], m[:n], v[:n]
	i := 0
	switch {
	case t >= tierAVX512 && n >= 8:
		i = n &^ 7
		adam32AVX512(&p[0], &g[0], &m[0], &v[0], i, c)
	case t >= tierAVX2 && n >= 4:
		i = n &^ 3
		adam32AVX2(&p[0], &g[0], &m[0], &v[0], i, c)
	}
	adamGo(p[i:], g[i:], m[i:], v[i:], c)
}

// adamGo is the portable Adam32. The explicit float64 conversions keep
// the compiler from fusing a product and a sum (the Go spec allows fusion
// otherwise, and GOAMD64=v3 builds do it).
func adamGo(p, g []float32, m, v []float64, c *AdamConsts) {
	g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
	for j := range p {
		gj := float64(g[j]) * c.GScale
		m[j] = float64(c.Beta1*m[j]) + float64(c.OmB1*gj)
		v[j] = float64(c.Beta2*v[j]) + float64(float64(c.OmB2*gj)*gj)
		pj := float64(p[j]) * c.Decay
		p[j] = float32(pj - float64(c.StepSize*m[j])/(math.Sqrt(v[j])/c.SqrtBC2+c.Eps))
	}
}
