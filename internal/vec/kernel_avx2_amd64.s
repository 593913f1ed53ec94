#include "textflag.h"

// The AVX2 (and FMA) kernels of Adam32, Scale32/AddScaled32, SumSquares32,
// Exp and Log: the AVX-512 kernels of kernel_amd64.s with four float64 (or
// eight float32) lanes a register, each operation the same in the same
// order, so that they give the same bits.

// func adam32AVX2(p, grad *float32, m, v *float64, n int, c *AdamConsts)
//
// Adam32 on n elements (a positive multiple of 4), four float64 lanes at a
// time, each operation of adamGo in its order, none fused; c's fields in
// Y7–Y15.
TEXT ·adam32AVX2(SB), NOSPLIT, $0-48
	MOVQ p+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ m+16(FP), R8
	MOVQ v+24(FP), R9
	MOVQ n+32(FP), CX
	MOVQ c+40(FP), AX
	SHRQ $2, CX
	VBROADCASTSD 0(AX), Y7   // GScale
	VBROADCASTSD 8(AX), Y8   // Beta1
	VBROADCASTSD 16(AX), Y9  // OmB1
	VBROADCASTSD 24(AX), Y10 // Beta2
	VBROADCASTSD 32(AX), Y11 // OmB2
	VBROADCASTSD 40(AX), Y12 // Decay
	VBROADCASTSD 48(AX), Y13 // SqrtBC2
	VBROADCASTSD 56(AX), Y14 // StepSize
	VBROADCASTSD 64(AX), Y15 // Eps

adamloop:
	VCVTPS2PD  0(SI), Y0  // g
	VMULPD     Y7, Y0, Y0 // gj = g·GScale
	VMOVUPD    0(R8), Y1
	VMULPD     Y1, Y8, Y1 // Beta1·m
	VMULPD     Y0, Y9, Y2 // OmB1·gj
	VADDPD     Y2, Y1, Y1 // m
	VMOVUPD    Y1, 0(R8)
	VMOVUPD    0(R9), Y3
	VMULPD     Y3, Y10, Y3 // Beta2·v
	VMULPD     Y0, Y11, Y4 // OmB2·gj
	VMULPD     Y0, Y4, Y4  // ·gj
	VADDPD     Y4, Y3, Y3  // v
	VMOVUPD    Y3, 0(R9)
	VSQRTPD    Y3, Y5
	VDIVPD     Y13, Y5, Y5 // √v/SqrtBC2
	VADDPD     Y15, Y5, Y5 // + Eps
	VMULPD     Y1, Y14, Y6 // StepSize·m
	VDIVPD     Y5, Y6, Y6  // (StepSize·m)/(…)
	VCVTPS2PD  0(DI), Y2   // p
	VMULPD     Y12, Y2, Y2 // p·Decay
	VSUBPD     Y6, Y2, Y2
	VCVTPD2PSY Y2, X2
	VMOVUPS    X2, 0(DI)
	ADDQ       $16, SI
	ADDQ       $16, DI
	ADDQ       $32, R8
	ADDQ       $32, R9
	DECQ       CX
	JNZ        adamloop
	VZEROUPPER
	RET

// func axpy32AVX2(dst, src *float32, n int, f float32, add bool)
//
// dst[i] = f·src[i], or dst[i] += f·src[i] with add (VMULPS, then VADDPS:
// not fused), for i < n, n a positive multiple of 8; 32 at a time while
// they last.
TEXT ·axpy32AVX2(SB), NOSPLIT, $0-29
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS f+24(FP), Y15
	MOVBLZX      add+28(FP), AX
	TESTQ        AX, AX
	JNZ          addloop32

setloop32:
	CMPQ    CX, $32
	JL      setloop8
	VMULPS  0(SI), Y15, Y0
	VMULPS  32(SI), Y15, Y1
	VMULPS  64(SI), Y15, Y2
	VMULPS  96(SI), Y15, Y3
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ    $128, SI
	ADDQ    $128, DI
	SUBQ    $32, CX
	JMP     setloop32

setloop8:
	TESTQ   CX, CX
	JZ      done
	VMULPS  0(SI), Y15, Y0
	VMOVUPS Y0, 0(DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     setloop8

addloop32:
	CMPQ    CX, $32
	JL      addloop8
	VMULPS  0(SI), Y15, Y0
	VMULPS  32(SI), Y15, Y1
	VMULPS  64(SI), Y15, Y2
	VMULPS  96(SI), Y15, Y3
	VADDPS  0(DI), Y0, Y0
	VADDPS  32(DI), Y1, Y1
	VADDPS  64(DI), Y2, Y2
	VADDPS  96(DI), Y3, Y3
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ    $128, SI
	ADDQ    $128, DI
	SUBQ    $32, CX
	JMP     addloop32

addloop8:
	TESTQ   CX, CX
	JZ      done
	VMULPS  0(SI), Y15, Y0
	VADDPS  0(DI), Y0, Y0
	VMOVUPS Y0, 0(DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     addloop8

done:
	VZEROUPPER
	RET

// func sumSquares32AVX2(x *float32, n int, part *[32]float64)
//
// part[l] = Σ_b float64(x[32b+l])² for l < 32, n a positive multiple of 32,
// from +0: eight YMM accumulators of four lanes (VCVTPS2PD, then a fused
// multiply-add, exact as a square plus a sum since the squares are exact).
TEXT ·sumSquares32AVX2(SB), NOSPLIT, $0-24
	MOVQ   x+0(FP), SI
	MOVQ   n+8(FP), CX
	MOVQ   part+16(FP), DI
	SHRQ   $5, CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7

sqloop:
	VCVTPS2PD   0(SI), Y8
	VCVTPS2PD   16(SI), Y9
	VCVTPS2PD   32(SI), Y10
	VCVTPS2PD   48(SI), Y11
	VCVTPS2PD   64(SI), Y12
	VCVTPS2PD   80(SI), Y13
	VCVTPS2PD   96(SI), Y14
	VCVTPS2PD   112(SI), Y15
	VFMADD231PD Y8, Y8, Y0
	VFMADD231PD Y9, Y9, Y1
	VFMADD231PD Y10, Y10, Y2
	VFMADD231PD Y11, Y11, Y3
	VFMADD231PD Y12, Y12, Y4
	VFMADD231PD Y13, Y13, Y5
	VFMADD231PD Y14, Y14, Y6
	VFMADD231PD Y15, Y15, Y7
	ADDQ        $128, SI
	DECQ        CX
	JNZ         sqloop
	VMOVUPD     Y0, 0(DI)
	VMOVUPD     Y1, 32(DI)
	VMOVUPD     Y2, 64(DI)
	VMOVUPD     Y3, 96(DI)
	VMOVUPD     Y4, 128(DI)
	VMOVUPD     Y5, 160(DI)
	VMOVUPD     Y6, 192(DI)
	VMOVUPD     Y7, 224(DI)
	VZEROUPPER
	RET

// func expAVX2(dst, src *float64, n int)
//
// Exp on n elements (a positive multiple of 4), four lanes at a time,
// exp1's operations in its order: clamp, n = round(x·log₂e) (VROUNDPD,
// nearest even), r by two VFNMADD231PD, Horner by VFMADD213PD over
// ·expPoly4, and NaN lanes given back x. AVX2 has no VSCALEFPD: 2ⁿ·p is
// (p·2^h)·2^(n−h) with h = ⌊n/2⌋, both powers normal (n is in [−1076,
// 1024]) and p·2^h exact, so the one rounding is that of the second
// product, as math.Ldexp's (and exp1's) result. 2^h is built from the
// bits of h + 1023 + 2⁵², whose low bits hold h + 1023, shifted left 52.
TEXT ·expAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $2, CX
	MOVQ $·expPoly4(SB), AX
	MOVQ $0x4086300000000000, DX // 710
	MOVQ DX, X0
	VBROADCASTSD X0, Y15
	MOVQ $0xc087500000000000, DX // −746
	MOVQ DX, X0
	VBROADCASTSD X0, Y14
	MOVQ $0x3ff71547652b82fe, DX // log₂e
	MOVQ DX, X0
	VBROADCASTSD X0, Y13
	MOVQ $0x3fe62e42fee00000, DX // ln2Hi
	MOVQ DX, X0
	VBROADCASTSD X0, Y12
	MOVQ $0x3dea39ef35793c76, DX // ln2Lo
	MOVQ DX, X0
	VBROADCASTSD X0, Y11
	MOVQ $0x3fe0000000000000, DX // ½
	MOVQ DX, X0
	VBROADCASTSD X0, Y10
	MOVQ $0x43300000000003ff, DX // 2⁵² + 1023
	MOVQ DX, X0
	VBROADCASTSD X0, Y9

exploop:
	VMOVUPD      0(SI), Y0
	VCMPPD       $3, Y0, Y0, Y8 // unordered: NaN lanes
	VMINPD       Y15, Y0, Y1
	VMAXPD       Y14, Y1, Y1    // x clamped
	VMULPD       Y13, Y1, Y2
	VROUNDPD     $0, Y2, Y2     // n
	VFNMADD231PD Y12, Y2, Y1    // r = x − n·ln2Hi
	VFNMADD231PD Y11, Y2, Y1    // r −= n·ln2Lo
	VMOVUPD      0(AX), Y3
	VFMADD213PD  32(AX), Y1, Y3 // p = p·r + c
	VFMADD213PD  64(AX), Y1, Y3
	VFMADD213PD  96(AX), Y1, Y3
	VFMADD213PD  128(AX), Y1, Y3
	VFMADD213PD  160(AX), Y1, Y3
	VFMADD213PD  192(AX), Y1, Y3
	VFMADD213PD  224(AX), Y1, Y3
	VFMADD213PD  256(AX), Y1, Y3
	VFMADD213PD  288(AX), Y1, Y3
	VFMADD213PD  320(AX), Y1, Y3
	VFMADD213PD  352(AX), Y1, Y3
	VFMADD213PD  384(AX), Y1, Y3
	VFMADD213PD  416(AX), Y1, Y3
	VMULPD       Y10, Y2, Y4    // n/2
	VROUNDPD     $1, Y4, Y4     // h = ⌊n/2⌋
	VSUBPD       Y4, Y2, Y5     // n − h
	VADDPD       Y9, Y4, Y4
	VADDPD       Y9, Y5, Y5
	VPSLLQ       $52, Y4, Y4    // 2^h
	VPSLLQ       $52, Y5, Y5    // 2^(n−h)
	VMULPD       Y4, Y3, Y3
	VMULPD       Y5, Y3, Y3     // p·2ⁿ
	VBLENDVPD    Y8, Y0, Y3, Y3 // NaN stays NaN
	VMOVUPD      Y3, 0(DI)
	ADDQ         $32, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          exploop
	VZEROUPPER
	RET

// func logAVX2(dst, src *float64, n int)
//
// Log on n elements (a positive multiple of 4), four lanes at a time,
// log1's operations in its order. AVX2 has no VGETMANTPD or VGETEXPPD: a
// subnormal x is first scaled by 2⁵⁴ (exact) and k lowered by 54; then k is
// the exponent field (shifted right 52, put in the low bits of 2⁵² and
// 2⁵² + 1023 subtracted) and m the mantissa bits with the exponent of 1,
// which is m and k of math.Frexp. The constants are ·logConst4 (offsets in
// log.go) and ·logPoly4; the lanes that are not finite and positive are
// set to −Inf (±0), +Inf or NaN at the end.
TEXT ·logAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $2, CX
	MOVQ $·logConst4(SB), AX
	MOVQ $·logPoly4(SB), BX

logloop:
	VMOVUPD     0(SI), Y0
	VCMPPD      $0x11, 0(AX), Y0, Y1 // x < 2⁻¹⁰²² (LT_OQ)
	VMULPD      32(AX), Y0, Y2
	VBLENDVPD   Y1, Y2, Y0, Y2       // x, or x·2⁵⁴ if subnormal
	VANDPD      64(AX), Y1, Y3       // 54 or 0
	VPSRLQ      $52, Y2, Y4
	VPOR        96(AX), Y4, Y4
	VSUBPD      128(AX), Y4, Y4      // exponent − 1023
	VSUBPD      Y3, Y4, Y4           // k
	VANDPD      160(AX), Y2, Y5
	VORPD       192(AX), Y5, Y5      // m in [1, 2)
	VCMPPD      $0x1e, 224(AX), Y5, Y6 // m > √2 (GT_OQ)
	VMULPD      256(AX), Y5, Y7
	VBLENDVPD   Y6, Y7, Y5, Y5       // m·½ where m > √2
	VANDPD      192(AX), Y6, Y7
	VADDPD      Y7, Y4, Y4           // k+1 there
	VSUBPD      192(AX), Y5, Y5      // f = m − 1
	VADDPD      288(AX), Y5, Y6      // 2 + f
	VDIVPD      Y6, Y5, Y6           // s = f/(2 + f)
	VMULPD      Y6, Y6, Y7           // z = s²
	VMOVUPD     0(BX), Y8
	VFMADD213PD 32(BX), Y7, Y8       // p = p·z + c
	VFMADD213PD 64(BX), Y7, Y8
	VFMADD213PD 96(BX), Y7, Y8
	VFMADD213PD 128(BX), Y7, Y8
	VFMADD213PD 160(BX), Y7, Y8
	VFMADD213PD 192(BX), Y7, Y8
	VFMADD213PD 224(BX), Y7, Y8
	VFMADD213PD 256(BX), Y7, Y8
	VFMADD213PD 288(BX), Y7, Y8
	VFMADD213PD 320(BX), Y7, Y8
	VMULPD      Y7, Y8, Y8           // R = p·z
	VMULPD      256(AX), Y5, Y9      // ½f
	VMULPD      Y5, Y9, Y9           // hfsq = ½f·f
	VADDPD      Y8, Y9, Y10          // hfsq + R
	VMULPD      320(AX), Y4, Y11     // k·ln2Lo
	VFMADD231PD Y10, Y6, Y11         // a = s·(hfsq + R) + k·ln2Lo
	VSUBPD      Y11, Y9, Y11         // hfsq − a
	VSUBPD      Y11, Y5, Y11         // f − (hfsq − a)
	VFMADD231PD 352(AX), Y4, Y11     // k·ln2Hi + …
	VXORPD      Y12, Y12, Y12
	VCMPPD      $0x1e, Y12, Y0, Y13  // x > 0
	VCMPPD      $0x11, 384(AX), Y0, Y14 // x < +Inf (LT_OQ)
	VANDPD      Y14, Y13, Y13
	VMOVUPD     416(AX), Y15
	VBLENDVPD   Y13, Y11, Y15, Y11   // NaN unless finite and positive
	VCMPPD      $0x00, Y12, Y0, Y13  // x == ±0 (EQ_OQ)
	VBLENDVPD   Y13, 448(AX), Y11, Y11 // −Inf
	VCMPPD      $0x00, 384(AX), Y0, Y13 // x == +Inf
	VBLENDVPD   Y13, 384(AX), Y11, Y11 // +Inf
	VMOVUPD     Y11, 0(DI)
	ADDQ        $32, SI
	ADDQ        $32, DI
	DECQ        CX
	JNZ         logloop
	VZEROUPPER
	RET
