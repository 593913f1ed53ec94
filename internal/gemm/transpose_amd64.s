#include "textflag.h"

// func transpose4x4s(dst *float32, ld int, src *float32, ss int, blocks int)
//
// For b < blocks, r < 4, c < 4: dst[(4b+c)*ld + r] = src[r*ss + 4b + c], that is
// four source lines of 4·blocks elements written as 4·blocks destination
// lines of four, one 4×4 transpose in XMM registers at a time. blocks ≥ 1.
TEXT ·transpose4x4s(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ ld+8(FP), R8
	SHLQ $2, R8
	MOVQ src+16(FP), SI
	MOVQ ss+24(FP), R9
	SHLQ $2, R9
	MOVQ blocks+32(FP), CX
	LEAQ (R9)(R9*2), R10
	LEAQ (R8)(R8*2), R11

loop:
	VMOVUPS (SI), X0       // a0 a1 a2 a3
	VMOVUPS (SI)(R9*1), X1 // b0 b1 b2 b3
	VMOVUPS (SI)(R9*2), X2 // c0 c1 c2 c3
	VMOVUPS (SI)(R10*1), X3 // d0 d1 d2 d3
	VUNPCKLPS X1, X0, X4   // a0 b0 a1 b1
	VUNPCKHPS X1, X0, X5   // a2 b2 a3 b3
	VUNPCKLPS X3, X2, X6   // c0 d0 c1 d1
	VUNPCKHPS X3, X2, X7   // c2 d2 c3 d3
	VMOVLHPS  X6, X4, X0   // a0 b0 c0 d0
	VMOVHLPS  X4, X6, X1   // a1 b1 c1 d1
	VMOVLHPS  X7, X5, X2   // a2 b2 c2 d2
	VMOVHLPS  X5, X7, X3   // a3 b3 c3 d3
	VMOVUPS   X0, (DI)
	VMOVUPS   X1, (DI)(R8*1)
	VMOVUPS   X2, (DI)(R8*2)
	VMOVUPS   X3, (DI)(R11*1)
	ADDQ      $16, SI
	LEAQ      (DI)(R8*4), DI
	DECQ      CX
	JNZ       loop
	RET

// func transpose8x8s(dst *float32, ld int, src *float32, ss int, blocks int)
//
// For b < blocks, r < 8, c < 8: dst[(8b+c)*ld + r] = src[r*ss + 8b + c]: eight
// source lines of 8·blocks elements written as 8·blocks destination lines of
// eight, one 8×8 transpose in YMM registers at a time (unpack, shuffle, swap
// of 128-bit halves). blocks ≥ 1.
TEXT ·transpose8x8s(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ ld+8(FP), R8
	SHLQ $2, R8
	MOVQ src+16(FP), SI
	MOVQ ss+24(FP), R9
	SHLQ $2, R9
	MOVQ blocks+32(FP), CX
	LEAQ (R9)(R9*2), R10 // 3·ss
	LEAQ (R8)(R8*2), R11 // 3·ld
	LEAQ (SI)(R9*4), DX  // source line 4

loop8:
	VMOVUPS (SI), Y0        // a0 … a7
	VMOVUPS (SI)(R9*1), Y1  // b
	VMOVUPS (SI)(R9*2), Y2  // c
	VMOVUPS (SI)(R10*1), Y3 // d
	VMOVUPS (DX), Y4        // e
	VMOVUPS (DX)(R9*1), Y5  // f
	VMOVUPS (DX)(R9*2), Y6  // g
	VMOVUPS (DX)(R10*1), Y7 // h
	VUNPCKLPS Y1, Y0, Y8    // a0 b0 a1 b1 | a4 b4 a5 b5
	VUNPCKHPS Y1, Y0, Y9    // a2 b2 a3 b3 | a6 b6 a7 b7
	VUNPCKLPS Y3, Y2, Y10   // c0 d0 c1 d1 | c4 d4 c5 d5
	VUNPCKHPS Y3, Y2, Y11   // c2 d2 c3 d3 | c6 d6 c7 d7
	VUNPCKLPS Y5, Y4, Y12   // e f, low pairs
	VUNPCKHPS Y5, Y4, Y13   // e f, high pairs
	VUNPCKLPS Y7, Y6, Y14   // g h, low pairs
	VUNPCKHPS Y7, Y6, Y15   // g h, high pairs
	VSHUFPS $0x44, Y10, Y8, Y0  // a0 b0 c0 d0 | a4 b4 c4 d4
	VSHUFPS $0xEE, Y10, Y8, Y1  // a1 b1 c1 d1 | a5 b5 c5 d5
	VSHUFPS $0x44, Y11, Y9, Y2  // a2 … d2 | a6 … d6
	VSHUFPS $0xEE, Y11, Y9, Y3  // a3 … d3 | a7 … d7
	VSHUFPS $0x44, Y14, Y12, Y4 // e0 f0 g0 h0 | e4 … h4
	VSHUFPS $0xEE, Y14, Y12, Y5 // e1 … h1 | e5 … h5
	VSHUFPS $0x44, Y15, Y13, Y6 // e2 … h2 | e6 … h6
	VSHUFPS $0xEE, Y15, Y13, Y7 // e3 … h3 | e7 … h7
	VPERM2F128 $0x20, Y4, Y0, Y8  // column 0: a0 … h0
	VPERM2F128 $0x20, Y5, Y1, Y9  // column 1
	VPERM2F128 $0x20, Y6, Y2, Y10 // column 2
	VPERM2F128 $0x20, Y7, Y3, Y11 // column 3
	VPERM2F128 $0x31, Y4, Y0, Y12 // column 4
	VPERM2F128 $0x31, Y5, Y1, Y13 // column 5
	VPERM2F128 $0x31, Y6, Y2, Y14 // column 6
	VPERM2F128 $0x31, Y7, Y3, Y15 // column 7
	VMOVUPS Y8, (DI)
	VMOVUPS Y9, (DI)(R8*1)
	VMOVUPS Y10, (DI)(R8*2)
	VMOVUPS Y11, (DI)(R11*1)
	LEAQ    (DI)(R8*4), DI
	VMOVUPS Y12, (DI)
	VMOVUPS Y13, (DI)(R8*1)
	VMOVUPS Y14, (DI)(R8*2)
	VMOVUPS Y15, (DI)(R11*1)
	LEAQ    (DI)(R8*4), DI
	ADDQ    $32, SI
	ADDQ    $32, DX
	DECQ    CX
	JNZ     loop8
	VZEROUPPER
	RET
