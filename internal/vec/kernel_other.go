//go:build !amd64

package vec

func detectTier() tier { return tierGo }

func reluGrad32AVX2(dz, g, out *float32, n int) { panic("vec: no AVX2") }

func reluGradColSum32AVX2(dz, grad, out, db *float32, rows, c8, stride int) { panic("vec: no AVX2") }

func biasAct32AVX2(z, b *float32, rows, c8, stride int, relu bool) { panic("vec: no AVX2") }

func adam32AVX2(p, grad *float32, m, v *float64, n int, c *AdamConsts) { panic("vec: no AVX2") }

func expAVX2(dst, src *float64, n int) { panic("vec: no AVX2") }

func axpy32AVX2(dst, src *float32, n int, f float32, add bool) { panic("vec: no AVX2") }

func logAVX2(dst, src *float64, n int) { panic("vec: no AVX2") }

func sumSquares32AVX2(x *float32, n int, part *[32]float64) { panic("vec: no AVX2") }

func adam32AVX512(p, grad *float32, m, v *float64, n int, c *AdamConsts) { panic("vec: no AVX-512") }

func expAVX512(dst, src *float64, n int) { panic("vec: no AVX-512") }

func axpy32AVX512(dst, src *float32, n int, f float32, add bool) { panic("vec: no AVX-512") }

func logAVX512(dst, src *float64, n int) { panic("vec: no AVX-512") }

func sumSquares32AVX512(x *float32, n int, part *[32]float64) { panic("vec: no AVX-512") }

func reluGradColSum32AVX512(dz, grad, out, db *float32, rows, c64, stride int) {
	panic("vec: no AVX-512")
}
