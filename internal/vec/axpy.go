package vec

// Scale32 sets dst[i] = f·src[i] for i < len(src) (dst at least as long).
func Scale32(dst, src []float32, f float32) { axpy32(cpuTier, dst, src, f, false) }

// AddScaled32 sets dst[i] += f·src[i] for i < len(src) (dst at least as
// long): the product rounded to float32, then the sum (no fused
// multiply-add), on every path, so that the AVX-512 blocks of 16, the AVX2
// blocks of 8 and the Go tail give the same bits as the plain Go loop.
func AddScaled32(dst, src []float32, f float32) { axpy32(cpuTier, dst, src, f, true) }

// axpy32 is Scale32 (add false) and AddScaled32 (add true) as a CPU of
// tier t runs them.
func axpy32(t tier, dst, src []float32, f float32, add bool) {
	n := len(src)
	dst = dst[:n]
	i := 0
	switch {
	case t >= tierAVX512 && n >= 16:
		i = n &^ 15
		axpy32AVX512(&dst[0], &src[0], i, f, add)
	case t >= tierAVX2 && n >= 8:
		i = n &^ 7
		axpy32AVX2(&dst[0], &src[0], i, f, add)
	}
	axpy32Go(dst[i:], src[i:], f, add)
}

// axpy32Go is the portable axpy32. The explicit float32 conversion keeps
// the compiler from fusing the product and the sum.
func axpy32Go(dst, src []float32, f float32, add bool) {
	dst = dst[:len(src)]
	if !add {
		for i, v := range src {
			dst[i] = f * v
		}
		return
	}
	for i, v := range src {
		dst[i] += float32(f * v)
	}
}
