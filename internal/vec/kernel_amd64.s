#include "textflag.h"

// func reluGrad32AVX2(dz, grad, out *float32, n int)
//
// dz[i] = g[i]·(out[i] > 0 ? 1 : 0) for i < n, n a positive multiple of 32:
// VCMPPS with 0 < out, LT_OQ (false for NaN), makes an all-ones mask, ANDed with 1.0.
TEXT ·reluGrad32AVX2(SB), NOSPLIT, $0-32
	MOVQ dz+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ out+16(FP), DX
	MOVQ n+24(FP), CX
	SHRQ $5, CX
	VXORPS       Y15, Y15, Y15
	MOVL         $0x3f800000, AX
	MOVQ         AX, X14
	VBROADCASTSS X14, Y14

loop:
	VCMPPS $0x11, 0(DX), Y15, Y0
	VCMPPS $0x11, 32(DX), Y15, Y1
	VCMPPS $0x11, 64(DX), Y15, Y2
	VCMPPS $0x11, 96(DX), Y15, Y3
	VANDPS Y14, Y0, Y0
	VANDPS Y14, Y1, Y1
	VANDPS Y14, Y2, Y2
	VANDPS Y14, Y3, Y3
	VMULPS 0(SI), Y0, Y0
	VMULPS 32(SI), Y1, Y1
	VMULPS 64(SI), Y2, Y2
	VMULPS 96(SI), Y3, Y3
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ $128, DX
	ADDQ $128, SI
	ADDQ $128, DI
	DECQ CX
	JNZ  loop
	VZEROUPPER
	RET

// func reluGradColSum32AVX2(dz, grad, out, db *float32, rows, c8, stride int)
//
// For r < rows and j < c8 (c8 a positive multiple of 8), with o = r·stride+j:
// dz[o] = grad[o]·(out[o] > 0 ? 1 : 0) and db[j] += dz[o], rows in order.
TEXT ·reluGradColSum32AVX2(SB), NOSPLIT, $0-56
	MOVQ dz+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ out+16(FP), DX
	MOVQ db+24(FP), R8
	MOVQ rows+32(FP), R9
	MOVQ c8+40(FP), R10
	MOVQ stride+48(FP), R11
	SHLQ $2, R10
	SHLQ $2, R11
	VXORPS       Y15, Y15, Y15
	MOVL         $0x3f800000, AX
	MOVQ         AX, X14
	VBROADCASTSS X14, Y14

row:
	XORQ BX, BX // byte offset of column j

col:
	VCMPPS  $0x11, 0(DX)(BX*1), Y15, Y0
	VANDPS  Y14, Y0, Y0
	VMULPS  0(SI)(BX*1), Y0, Y0
	VMOVUPS Y0, 0(DI)(BX*1)
	VADDPS  0(R8)(BX*1), Y0, Y1
	VMOVUPS Y1, 0(R8)(BX*1)
	ADDQ    $32, BX
	CMPQ    BX, R10
	JLT     col

	ADDQ R11, DI
	ADDQ R11, SI
	ADDQ R11, DX
	DECQ R9
	JNZ  row
	VZEROUPPER
	RET
