//go:build !amd64

package vec

const useAVX2 = false

func reluGrad32AVX2(dz, g, out *float32, n int) { panic("vec: no AVX2") }

func reluGradColSum32AVX2(dz, grad, out, db *float32, rows, c8, stride int) { panic("vec: no AVX2") }
