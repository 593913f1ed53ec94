#include "textflag.h"

// func addReLU64AVX2(z *float64, n int, b float64)
//
// z[i] = max(z[i] + b, 0) for i < n (n a positive multiple of 4). As Go's
// max(v, 0): VMAXPD with the sum first gives +0 for ±0 and 0 for NaN, and
// a blend puts NaN back (as biasAct32AVX2).
TEXT ·addReLU64AVX2(SB), NOSPLIT, $0-24
	MOVQ         z+0(FP), DI
	MOVQ         n+8(FP), CX
	VBROADCASTSD b+16(FP), Y14
	VXORPD       Y15, Y15, Y15
	SHLQ         $3, CX
	XORQ         BX, BX

loop:
	VADDPD    0(DI)(BX*1), Y14, Y0
	VMAXPD    Y15, Y0, Y1
	VCMPPD    $3, Y0, Y0, Y2
	VBLENDVPD Y2, Y0, Y1, Y1
	VMOVUPD   Y1, 0(DI)(BX*1)
	ADDQ      $32, BX
	CMPQ      BX, CX
	JLT       loop
	VZEROUPPER
	RET
