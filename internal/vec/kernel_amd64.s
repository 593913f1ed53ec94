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
// dz[o] = grad[o]·(out[o] > 0 ? 1 : 0) and db[j] = Σ_r dz[o], rows in order
// from +0. Columns go in blocks of 32 (then 8), each block's sums held in
// registers over all rows.
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
	XORQ         BX, BX // byte offset of the block's first column

block32:
	MOVQ R10, AX
	SUBQ BX, AX
	CMPQ AX, $128
	JLT  block8
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ   BX, R12
	MOVQ   R9, CX

rows32:
	VCMPPS  $0x11, 0(DX)(R12*1), Y15, Y0
	VCMPPS  $0x11, 32(DX)(R12*1), Y15, Y1
	VCMPPS  $0x11, 64(DX)(R12*1), Y15, Y2
	VCMPPS  $0x11, 96(DX)(R12*1), Y15, Y3
	VANDPS  Y14, Y0, Y0
	VANDPS  Y14, Y1, Y1
	VANDPS  Y14, Y2, Y2
	VANDPS  Y14, Y3, Y3
	VMULPS  0(SI)(R12*1), Y0, Y0
	VMULPS  32(SI)(R12*1), Y1, Y1
	VMULPS  64(SI)(R12*1), Y2, Y2
	VMULPS  96(SI)(R12*1), Y3, Y3
	VMOVUPS Y0, 0(DI)(R12*1)
	VMOVUPS Y1, 32(DI)(R12*1)
	VMOVUPS Y2, 64(DI)(R12*1)
	VMOVUPS Y3, 96(DI)(R12*1)
	VADDPS  Y0, Y4, Y4
	VADDPS  Y1, Y5, Y5
	VADDPS  Y2, Y6, Y6
	VADDPS  Y3, Y7, Y7
	ADDQ    R11, R12
	DECQ    CX
	JNZ     rows32
	VMOVUPS Y4, 0(R8)(BX*1)
	VMOVUPS Y5, 32(R8)(BX*1)
	VMOVUPS Y6, 64(R8)(BX*1)
	VMOVUPS Y7, 96(R8)(BX*1)
	ADDQ    $128, BX
	JMP     block32

block8:
	CMPQ   BX, R10
	JGE    done
	VXORPS Y4, Y4, Y4
	MOVQ   BX, R12
	MOVQ   R9, CX

rows8:
	VCMPPS  $0x11, 0(DX)(R12*1), Y15, Y0
	VANDPS  Y14, Y0, Y0
	VMULPS  0(SI)(R12*1), Y0, Y0
	VMOVUPS Y0, 0(DI)(R12*1)
	VADDPS  Y0, Y4, Y4
	ADDQ    R11, R12
	DECQ    CX
	JNZ     rows8
	VMOVUPS Y4, 0(R8)(BX*1)
	ADDQ    $32, BX
	JMP     block8

done:
	VZEROUPPER
	RET

// func biasAct32AVX2(z, b *float32, rows, c8, stride int, relu bool)
//
// z[o] = z[o] + b[j], then max(·, 0) when relu, for o = r·stride+j, r < rows,
// j < c8 (c8 a positive multiple of 8). As Go's max(v, 0): VMAXPS with the
// sum first gives +0 for ±0 and 0 for NaN, and a blend puts NaN back.
TEXT ·biasAct32AVX2(SB), NOSPLIT, $0-41
	MOVQ    z+0(FP), DI
	MOVQ    b+8(FP), SI
	MOVQ    rows+16(FP), R9
	MOVQ    c8+24(FP), R10
	MOVQ    stride+32(FP), R11
	MOVBLZX relu+40(FP), AX
	SHLQ    $2, R10
	SHLQ    $2, R11
	VXORPS  Y15, Y15, Y15
	TESTQ   AX, AX
	JZ      addrow

relurow:
	XORQ BX, BX

relucol:
	VMOVUPS 0(DI)(BX*1), Y0
	VADDPS    0(SI)(BX*1), Y0, Y0
	VMAXPS    Y15, Y0, Y1
	VCMPPS    $3, Y0, Y0, Y2
	VBLENDVPS Y2, Y0, Y1, Y1
	VMOVUPS   Y1, 0(DI)(BX*1)
	ADDQ    $32, BX
	CMPQ    BX, R10
	JLT     relucol
	ADDQ    R11, DI
	DECQ    R9
	JNZ     relurow
	VZEROUPPER
	RET

addrow:
	XORQ BX, BX

addcol:
	VMOVUPS 0(DI)(BX*1), Y0
	VADDPS  0(SI)(BX*1), Y0, Y0
	VMOVUPS Y0, 0(DI)(BX*1)
	ADDQ    $32, BX
	CMPQ    BX, R10
	JLT     addcol
	ADDQ    R11, DI
	DECQ    R9
	JNZ     addrow
	VZEROUPPER
	RET
