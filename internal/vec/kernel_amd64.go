package vec

import "golang.org/x/sys/cpu"

func detectTier() tier {
	switch {
	case !cpu.X86.HasAVX2 || !cpu.X86.HasFMA:
		return tierGo
	case !cpu.X86.HasAVX512F: // x/sys/cpu also checks that the OS saves the ZMM state
		return tierAVX2
	}
	return tierAVX512
}

// reluGrad32AVX2 is ReLUGrad32 on n elements, n a positive multiple of 32.
//
//go:noescape
func reluGrad32AVX2(dz, grad, out *float32, n int)

// reluGradColSum32AVX2 is ReLUGradColSum32 on the first c8 columns (a
// positive multiple of 8) of each of rows ≥ 1 rows of stride elements,
// writing db[:c8].
//
//go:noescape
func reluGradColSum32AVX2(dz, grad, out, db *float32, rows, c8, stride int)

// biasAct32AVX2 is biasAct32 on the first c8 columns (a positive multiple
// of 8) of each of rows ≥ 1 rows of stride elements.
//
//go:noescape
func biasAct32AVX2(z, b *float32, rows, c8, stride int, relu bool)

// adam32AVX2 is Adam32 on the first n elements, n a positive multiple of 4.
//
//go:noescape
func adam32AVX2(p, grad *float32, m, v *float64, n int, c *AdamConsts)

// expAVX2 is Exp on the first n elements, n a positive multiple of 4.
//
//go:noescape
func expAVX2(dst, src *float64, n int)

// axpy32AVX2 is axpy32 on the first n elements, n a positive multiple of 8.
//
//go:noescape
func axpy32AVX2(dst, src *float32, n int, f float32, add bool)

// logAVX2 is Log on the first n elements, n a positive multiple of 4.
//
//go:noescape
func logAVX2(dst, src *float64, n int)

// sumSquares32AVX2 sets part to the 32 partial sums of SumSquares32 over
// x[:n], n a positive multiple of 32.
//
//go:noescape
func sumSquares32AVX2(x *float32, n int, part *[32]float64)

// adam32AVX512 is Adam32 on the first n elements, n a positive multiple of 8.
//
//go:noescape
func adam32AVX512(p, grad *float32, m, v *float64, n int, c *AdamConsts)

// expAVX512 is Exp on the first n elements, n a positive multiple of 8.
//
//go:noescape
func expAVX512(dst, src *float64, n int)

// axpy32AVX512 is axpy32 on the first n elements, n a positive multiple of 16.
//
//go:noescape
func axpy32AVX512(dst, src *float32, n int, f float32, add bool)

// logAVX512 is Log on the first n elements, n a positive multiple of 8.
//
//go:noescape
func logAVX512(dst, src *float64, n int)

// sumSquares32AVX512 sets part to the 32 partial sums of SumSquares32 over
// x[:n], n a positive multiple of 32.
//
//go:noescape
func sumSquares32AVX512(x *float32, n int, part *[32]float64)

// reluGradColSum32AVX512 is ReLUGradColSum32 on the first c64 columns (a
// positive multiple of 64) of each of rows ≥ 1 rows of stride elements,
// writing db[:c64].
//
//go:noescape
func reluGradColSum32AVX512(dz, grad, out, db *float32, rows, c64, stride int)
