#include "textflag.h"

// FMUL Vd.4S, Vn.4S, Vm.4S, which Go's arm64 assembler does not name:
// its encoding 0x6E20DC00 | m<<16 | n<<5 | d.
#define FMUL4S(d, n, m) WORD $(0x6E20DC00 | (m<<16) | (n<<5) | d)

// Row r of the tile: broadcast a[r] (VLD1R, post-incremented), then
// accumulate it times B (V0:V1) into ACC0:ACC1.
#define ROW8(BR, ACC0, ACC1) \
	VFMLA V0.S4, BR.S4, ACC0.S4 \
	VFMLA V1.S4, BR.S4, ACC1.S4

// Store row ACC0:ACC1 to (R2) as alpha·acc + beta·C (V2 = beta), as the
// amd64 kernels do: the product with alpha rounded, then a fused
// multiply-add with beta·C.
#define STOREBETA(ACC0, ACC1) \
	VLD1  (R2), [V4.S4, V5.S4] \
	VFMLA V4.S4, V2.S4, ACC0.S4 \
	VFMLA V5.S4, V2.S4, ACC1.S4 \
	VST1  [ACC0.S4, ACC1.S4], (R2) \
	ADD   R6, R2

#define STORE0(ACC0, ACC1) \
	VST1 [ACC0.S4, ACC1.S4], (R2) \
	ADD  R6, R2

// func sgemm8x8NEON(kc int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
//
// c[i*ldc+j] = alpha·Σ_{p<kc} a[p*lda+i]·b[p*ldb+j] + beta·c[i*ldc+j], i < 8, j < 8;
// c is not read when beta == 0. kc ≥ 1. Each step p loads a row of B into
// V0:V1, broadcasts the eight elements of A into V8–V15 by VLD1R and does
// sixteen VFMLA into V16–V31 (row i in V(16+2i):V(17+2i)), each sum in
// order of p, fused as on amd64.
TEXT ·sgemm8x8NEON(SB), NOSPLIT, $0-64
	MOVD kc+0(FP), R0
	MOVD a+8(FP), R1
	MOVD lda+16(FP), R3
	SUB  $8, R3
	LSL  $2, R3 // bytes from the end of a's eight elements to the next step's
	MOVD b+24(FP), R4
	MOVD ldb+32(FP), R5
	LSL  $2, R5
	MOVD c+40(FP), R2
	MOVD ldc+48(FP), R6
	LSL  $2, R6

	VEOR V16.B16, V16.B16, V16.B16
	VEOR V17.B16, V17.B16, V17.B16
	VEOR V18.B16, V18.B16, V18.B16
	VEOR V19.B16, V19.B16, V19.B16
	VEOR V20.B16, V20.B16, V20.B16
	VEOR V21.B16, V21.B16, V21.B16
	VEOR V22.B16, V22.B16, V22.B16
	VEOR V23.B16, V23.B16, V23.B16
	VEOR V24.B16, V24.B16, V24.B16
	VEOR V25.B16, V25.B16, V25.B16
	VEOR V26.B16, V26.B16, V26.B16
	VEOR V27.B16, V27.B16, V27.B16
	VEOR V28.B16, V28.B16, V28.B16
	VEOR V29.B16, V29.B16, V29.B16
	VEOR V30.B16, V30.B16, V30.B16
	VEOR V31.B16, V31.B16, V31.B16

loop:
	VLD1    (R4), [V0.S4, V1.S4]
	ADD     R5, R4
	VLD1R.P 4(R1), [V8.S4]
	VLD1R.P 4(R1), [V9.S4]
	VLD1R.P 4(R1), [V10.S4]
	VLD1R.P 4(R1), [V11.S4]
	VLD1R.P 4(R1), [V12.S4]
	VLD1R.P 4(R1), [V13.S4]
	VLD1R.P 4(R1), [V14.S4]
	VLD1R.P 4(R1), [V15.S4]
	ADD     R3, R1
	ROW8(V8, V16, V17)
	ROW8(V9, V18, V19)
	ROW8(V10, V20, V21)
	ROW8(V11, V22, V23)
	ROW8(V12, V24, V25)
	ROW8(V13, V26, V27)
	ROW8(V14, V28, V29)
	ROW8(V15, V30, V31)
	SUBS    $1, R0
	BNE     loop

	MOVD  $alpha+56(FP), R7
	VLD1R (R7), [V3.S4]
	FMUL4S(16, 16, 3)
	FMUL4S(17, 17, 3)
	FMUL4S(18, 18, 3)
	FMUL4S(19, 19, 3)
	FMUL4S(20, 20, 3)
	FMUL4S(21, 21, 3)
	FMUL4S(22, 22, 3)
	FMUL4S(23, 23, 3)
	FMUL4S(24, 24, 3)
	FMUL4S(25, 25, 3)
	FMUL4S(26, 26, 3)
	FMUL4S(27, 27, 3)
	FMUL4S(28, 28, 3)
	FMUL4S(29, 29, 3)
	FMUL4S(30, 30, 3)
	FMUL4S(31, 31, 3)

	MOVWU beta+60(FP), R7
	AND   $0x7fffffff, R7
	CBZ   R7, overwrite

	MOVD  $beta+60(FP), R7
	VLD1R (R7), [V2.S4]
	STOREBETA(V16, V17)
	STOREBETA(V18, V19)
	STOREBETA(V20, V21)
	STOREBETA(V22, V23)
	STOREBETA(V24, V25)
	STOREBETA(V26, V27)
	STOREBETA(V28, V29)
	STOREBETA(V30, V31)
	RET

overwrite:
	STORE0(V16, V17)
	STORE0(V18, V19)
	STORE0(V20, V21)
	STORE0(V22, V23)
	STORE0(V24, V25)
	STORE0(V26, V27)
	STORE0(V28, V29)
	STORE0(V30, V31)
	RET
