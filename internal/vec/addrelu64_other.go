//go:build !amd64

package vec

func addReLU64AVX2(z *float64, n int, b float64) { panic("vec: no AVX2") }
