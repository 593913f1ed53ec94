package vec

// addReLU64AVX2 is AddReLU64 on the first n values of z (n a positive
// multiple of 4).
//
//go:noescape
func addReLU64AVX2(z *float64, n int, b float64)
