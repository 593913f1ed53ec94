package gemm

// transpose4x4s is the assembly body of transposeAVX.
//
//go:noescape
func transpose4x4s(dst *float32, ld int, src *float32, ss int, blocks int)

// transposeAVX sets dst[p*ld+j] = src[j*ss+p] for j < w ≤ ld, p < kc, as
// transposeInto does, moving 4×4 blocks through XMM registers.
func transposeAVX(dst []float32, ld int, src []float32, ss, w, kc int) {
	blocks := kc / 4
	j := 0
	if blocks > 0 {
		for ; j+4 <= w; j += 4 {
			// Bounds of the block's last source and destination elements.
			_ = src[(j+3)*ss+4*blocks-1]
			_ = dst[(4*blocks-1)*ld+j+3]
			transpose4x4s(&dst[j], ld, &src[j*ss], ss, blocks)
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
