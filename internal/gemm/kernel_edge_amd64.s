#include "textflag.h"

// The AVX2 edge tile and row packing: what the AVX-512 kernels do with
// mask registers, done with VMASKMOVPS and a lane mask from ·laneMask32.

// LANEMASKS sets Y2 and Y3 to the lane masks of the first n ≤ 16 of 16
// columns (n in AX): all ones in lane j < n, zero from n on, loaded from
// ·laneMask32 (sixteen −1 then sixteen 0) at element 16 − n and 24 − n.
#define LANEMASKS \
	MOVQ    $·laneMask32(SB), BX \
	NEGQ    AX \
	LEAQ    64(BX)(AX*4), BX \
	VMOVDQU 0(BX), Y2 \
	VMOVDQU 32(BX), Y3

// Row r of the 6×16 tile, as sgemm6x16AVX2's ROW6.
#define EROW6(off, BR, ACC0, ACC1) \
	VBROADCASTSS off(SI), BR \
	VFMADD231PS  Y0, BR, ACC0 \
	VFMADD231PS  Y1, BR, ACC1

// Store row ACC0:ACC1 through the masks Y2:Y3 as alpha·acc + beta·C
// (Y1 = beta, C read through the same masks into Y0), then stop after the
// last row (BX rows left).
#define EBETA(ACC0, ACC1) \
	VMASKMOVPS  0(DX), Y2, Y0 \
	VFMADD231PS Y0, Y1, ACC0 \
	VMASKMOVPS  ACC0, Y2, 0(DX) \
	VMASKMOVPS  32(DX), Y3, Y0 \
	VFMADD231PS Y0, Y1, ACC1 \
	VMASKMOVPS  ACC1, Y3, 32(DX) \
	ADDQ        R8, DX \
	DECQ        CX \
	JZ          edone

#define EZERO(ACC0, ACC1) \
	VMASKMOVPS ACC0, Y2, 0(DX) \
	VMASKMOVPS ACC1, Y3, 32(DX) \
	ADDQ       R8, DX \
	DECQ       CX \
	JZ         edone

// func sgemm6x16AVX2Edge(kc int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, rows, cols int)
//
// sgemm6x16AVX2 for i < rows ≤ 6 and j < cols ≤ 16 only: the same sums
// and the same alpha and beta arithmetic, C read (when beta ≠ 0) and
// written through lane masks. kc ≥ 1, rows ≥ 1, cols ≥ 1.
TEXT ·sgemm6x16AVX2Edge(SB), NOSPLIT, $0-80
	MOVQ kc+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R10
	SHLQ $2, R10
	MOVQ b+24(FP), DI
	MOVQ ldb+32(FP), R9
	SHLQ $2, R9
	MOVQ c+40(FP), DX
	MOVQ ldc+48(FP), R8
	SHLQ $2, R8

	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y12, Y12, Y12
	VXORPS Y13, Y13, Y13
	VXORPS Y14, Y14, Y14
	VXORPS Y15, Y15, Y15

	// With at most two or four rows, only those rows' products: the
	// rows past them stay zero and are not stored.
	MOVQ rows+64(FP), AX
	CMPQ AX, $2
	JLE  eloop2
	CMPQ AX, $4
	JLE  eloop4

eloop:
	VMOVUPS 0(DI), Y0
	VMOVUPS 32(DI), Y1
	EROW6(0, Y2, Y4, Y5)
	EROW6(4, Y3, Y6, Y7)
	EROW6(8, Y2, Y8, Y9)
	EROW6(12, Y3, Y10, Y11)
	EROW6(16, Y2, Y12, Y13)
	EROW6(20, Y3, Y14, Y15)
	ADDQ R10, SI
	ADDQ R9, DI
	DECQ CX
	JNZ  eloop
	JMP  escale

eloop2:
	VMOVUPS 0(DI), Y0
	VMOVUPS 32(DI), Y1
	EROW6(0, Y2, Y4, Y5)
	EROW6(4, Y3, Y6, Y7)
	ADDQ R10, SI
	ADDQ R9, DI
	DECQ CX
	JNZ  eloop2
	JMP  escale

eloop4:
	VMOVUPS 0(DI), Y0
	VMOVUPS 32(DI), Y1
	EROW6(0, Y2, Y4, Y5)
	EROW6(4, Y3, Y6, Y7)
	EROW6(8, Y2, Y8, Y9)
	EROW6(12, Y3, Y10, Y11)
	ADDQ R10, SI
	ADDQ R9, DI
	DECQ CX
	JNZ  eloop4

escale:
	VBROADCASTSS alpha+56(FP), Y0
	VMULPS       Y0, Y4, Y4
	VMULPS       Y0, Y5, Y5
	VMULPS       Y0, Y6, Y6
	VMULPS       Y0, Y7, Y7
	VMULPS       Y0, Y8, Y8
	VMULPS       Y0, Y9, Y9
	VMULPS       Y0, Y10, Y10
	VMULPS       Y0, Y11, Y11
	VMULPS       Y0, Y12, Y12
	VMULPS       Y0, Y13, Y13
	VMULPS       Y0, Y14, Y14
	VMULPS       Y0, Y15, Y15

	MOVQ cols+72(FP), AX
	LANEMASKS
	MOVQ rows+64(FP), CX
	MOVL beta+60(FP), AX
	ANDL $0x7fffffff, AX
	JZ   eoverwrite

	VBROADCASTSS beta+60(FP), Y1
	EBETA(Y4, Y5)
	EBETA(Y6, Y7)
	EBETA(Y8, Y9)
	EBETA(Y10, Y11)
	EBETA(Y12, Y13)
	EBETA(Y14, Y15)
	JMP edone

eoverwrite:
	EZERO(Y4, Y5)
	EZERO(Y6, Y7)
	EZERO(Y8, Y9)
	EZERO(Y10, Y11)
	EZERO(Y12, Y13)
	EZERO(Y14, Y15)

edone:
	VZEROUPPER
	RET

// func packRows16AVX2(dst *float32, src *float32, rs int, kc int, cols int)
//
// dst[p*16+j] = src[p*rs+j] for j < cols ≤ 16 and 0 for cols ≤ j < 16,
// p < kc (kc ≥ 1): two masked loads (which read nothing past column cols)
// and two stores a row.
TEXT ·packRows16AVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ rs+16(FP), R8
	SHLQ $2, R8
	MOVQ kc+24(FP), CX
	MOVQ cols+32(FP), AX
	LANEMASKS

packloop:
	VMASKMOVPS 0(SI), Y2, Y0
	VMASKMOVPS 32(SI), Y3, Y1
	VMOVUPS    Y0, 0(DI)
	VMOVUPS    Y1, 32(DI)
	ADDQ       R8, SI
	ADDQ       $64, DI
	DECQ       CX
	JNZ        packloop
	VZEROUPPER
	RET
