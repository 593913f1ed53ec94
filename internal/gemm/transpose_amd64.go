package gemm

// transpose4x4s is the assembly body of transposeAVX.
//
//go:noescape
func transpose4x4s(dst *float32, ld int, src *float32, ss int, blocks int)

// transpose8x8s is the assembly body of transposeAVX's 8×8 blocks.
//
//go:noescape
func transpose8x8s(dst *float32, ld int, src *float32, ss int, blocks int)

// transposeAVX sets dst[p*ld+j] = src[j*ss+p] for j < w ≤ ld, p < kc, as
// transposeInto does: groups of eight lines in 8×8 blocks through YMM
// registers, the rest in 4×4 blocks through XMM registers.
func transposeAVX(dst []float32, ld int, src []float32, ss, w, kc int) {
	j := 0
	if b8 := kc / 8; b8 > 0 {
		for ; j+8 <= w; j += 8 {
			_ = src[(j+7)*ss+8*b8-1]
			_ = dst[(8*b8-1)*ld+j+7]
			transpose8x8s(&dst[j], ld, &src[j*ss], ss, b8)
		}
		if p0 := 8 * b8; p0 < kc && j > 0 {
			transposeInto(dst[p0*ld:], ld, src[p0:], ss, j, kc-p0)
		}
	}
	if j < w {
		transpose4(dst[j:], ld, src[j*ss:], ss, w-j, kc)
	}
}

// transpose4 is transposeAVX with 4×4 blocks only. When w is not a
// multiple of 4 but at least 4, the last lines go as the four lines that
// end at w, overlapping the group before (whose values are written again,
// the same): the 6-row panels of the AVX2 kernel take two blocks instead
// of one block and two lines in Go.
func transpose4(dst []float32, ld int, src []float32, ss, w, kc int) {
	blocks := kc / 4
	j := 0
	block := func(j int) {
		// Bounds of the block's last source and destination elements.
		_ = src[(j+3)*ss+4*blocks-1]
		_ = dst[(4*blocks-1)*ld+j+3]
		transpose4x4s(&dst[j], ld, &src[j*ss], ss, blocks)
	}
	if blocks > 0 && w >= 4 {
		for ; j+4 <= w; j += 4 {
			block(j)
		}
		if j < w {
			block(w - 4)
			j = w
		}
	}
	// The p ≥ 4·blocks remainder of the first j lines, then the last w-j lines.
	if p0 := 4 * blocks; p0 < kc && j > 0 {
		transposeInto(dst[p0*ld:], ld, src[p0:], ss, j, kc-p0)
	}
	if j < w {
		transposeInto(dst[j:], ld, src[j*ss:], ss, w-j, kc)
	}
}
