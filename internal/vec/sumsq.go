package vec

// SumSquares32 is Σ_i float64(x_i)², summed in a fixed order that does not
// depend on the CPU: the first n − n mod 32 values into 32 partial sums
// (value i into sum i mod 32, in order), those added in order 0…31, then
// the last n mod 32 values one by one. Each square is exact in float64, so
// only the sums round. Eight float64 lanes at a time on AVX-512, four
// on AVX2, one in Go: the same sums in the same order on every path.
func SumSquares32(x []float32) float64 { return sumSquares32(cpuTier, x) }

// sumSquares32 is SumSquares32 as a CPU of tier t runs it.
func sumSquares32(t tier, x []float32) float64 {
	n := len(x)
	n32 := n &^ 31
	var part [32]float64
	switch {
	case n32 == 0:
	case t >= tierAVX512:
		sumSquares32AVX512(&x[0], n32, &part)
	case t >= tierAVX2:
		sumSquares32AVX2(&x[0], n32, &part)
	default:
		sumSquares32Go(x[:n32], &part)
	}
	var s float64
	for _, v := range part {
		s += v
	}
	for _, v := range x[n32:] {
		s += float64(v) * float64(v)
	}
	return s
}

// sumSquares32Go is the portable partial sums of SumSquares32, len(x) a
// multiple of 32.
func sumSquares32Go(x []float32, part *[32]float64) {
	for i := 0; i+32 <= len(x); i += 32 {
		b := x[i : i+32]
		for l, v := range b {
			part[l] += float64(v) * float64(v)
		}
	}
}
