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
