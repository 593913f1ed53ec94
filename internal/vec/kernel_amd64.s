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

// func adam32AVX512(p, grad *float32, m, v *float64, n int, c *AdamConsts)
//
// Adam32 on n elements (a positive multiple of 8), eight float64 lanes at a
// time, each operation of adamGo in its order, none fused. The constants
// are c's fields in order: GScale, Beta1, OmB1, Beta2, OmB2, Decay, SqrtBC2,
// StepSize, Eps.
TEXT ·adam32AVX512(SB), NOSPLIT, $0-48
	MOVQ p+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ m+16(FP), R8
	MOVQ v+24(FP), R9
	MOVQ n+32(FP), CX
	MOVQ c+40(FP), AX
	SHRQ $3, CX
	VBROADCASTSD 0(AX), Z16  // GScale
	VBROADCASTSD 8(AX), Z17  // Beta1
	VBROADCASTSD 16(AX), Z18 // OmB1
	VBROADCASTSD 24(AX), Z19 // Beta2
	VBROADCASTSD 32(AX), Z20 // OmB2
	VBROADCASTSD 40(AX), Z21 // Decay
	VBROADCASTSD 48(AX), Z22 // SqrtBC2
	VBROADCASTSD 56(AX), Z23 // StepSize
	VBROADCASTSD 64(AX), Z24 // Eps

adamloop:
	VCVTPS2PD 0(SI), Z0   // g
	VMULPD    Z16, Z0, Z0 // gj = g·GScale
	VMOVUPD   0(R8), Z1
	VMULPD    Z1, Z17, Z1 // Beta1·m
	VMULPD    Z0, Z18, Z2 // OmB1·gj
	VADDPD    Z2, Z1, Z1  // m
	VMOVUPD   Z1, 0(R8)
	VMOVUPD   0(R9), Z3
	VMULPD    Z3, Z19, Z3 // Beta2·v
	VMULPD    Z0, Z20, Z4 // OmB2·gj
	VMULPD    Z0, Z4, Z4  // ·gj
	VADDPD    Z4, Z3, Z3  // v
	VMOVUPD   Z3, 0(R9)
	VSQRTPD   Z3, Z5
	VDIVPD    Z22, Z5, Z5 // √v/SqrtBC2
	VADDPD    Z24, Z5, Z5 // + Eps
	VMULPD    Z1, Z23, Z6 // StepSize·m
	VDIVPD    Z5, Z6, Z6  // (StepSize·m)/(…)
	VCVTPS2PD 0(DI), Z7   // p
	VMULPD    Z21, Z7, Z7 // p·Decay
	VSUBPD    Z6, Z7, Z7
	VCVTPD2PS Z7, Y7
	VMOVUPS   Y7, 0(DI)
	ADDQ      $32, SI
	ADDQ      $32, DI
	ADDQ      $64, R8
	ADDQ      $64, R9
	DECQ      CX
	JNZ       adamloop
	VZEROUPPER
	RET

// func expAVX512(dst, src *float64, n int)
//
// Exp on n elements (a positive multiple of 8), eight lanes at a time, exp1's
// operations in its order: clamp, n = round(x·log₂e) (VRNDSCALEPD, nearest
// even), r by two VFNMADD231PD, Horner by VFMADD213PD over ·expPoly, 2ⁿ·p by
// VSCALEFPD (one rounding, like math.Ldexp), and NaN lanes given back x.
TEXT ·expAVX512(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $3, CX
	MOVQ $·expPoly(SB), AX
	VBROADCASTSD 0(AX), Z16
	VBROADCASTSD 8(AX), Z17
	VBROADCASTSD 16(AX), Z18
	VBROADCASTSD 24(AX), Z19
	VBROADCASTSD 32(AX), Z20
	VBROADCASTSD 40(AX), Z21
	VBROADCASTSD 48(AX), Z22
	VBROADCASTSD 56(AX), Z23
	VBROADCASTSD 64(AX), Z24
	VBROADCASTSD 72(AX), Z25
	VBROADCASTSD 80(AX), Z26
	VBROADCASTSD 88(AX), Z27
	VBROADCASTSD 96(AX), Z28 // 1
	MOVQ $0x4086300000000000, DX // 710
	MOVQ DX, X0
	VBROADCASTSD X0, Z10
	MOVQ $0xc087500000000000, DX // −746
	MOVQ DX, X0
	VBROADCASTSD X0, Z11
	MOVQ $0x3ff71547652b82fe, DX // log₂e
	MOVQ DX, X0
	VBROADCASTSD X0, Z12
	MOVQ $0x3fe62e42fee00000, DX // ln2Hi
	MOVQ DX, X0
	VBROADCASTSD X0, Z13
	MOVQ $0x3dea39ef35793c76, DX // ln2Lo
	MOVQ DX, X0
	VBROADCASTSD X0, Z14

exploop:
	VMOVUPD      0(SI), Z0
	VCMPPD       $3, Z0, Z0, K1 // unordered: NaN lanes
	VMINPD       Z10, Z0, Z1
	VMAXPD       Z11, Z1, Z1    // x clamped
	VMULPD       Z12, Z1, Z2
	VRNDSCALEPD  $0, Z2, Z2     // n
	VFNMADD231PD Z13, Z2, Z1    // r = x − n·ln2Hi
	VFNMADD231PD Z14, Z2, Z1    // r −= n·ln2Lo
	VMOVAPD      Z16, Z3
	VFMADD213PD  Z17, Z1, Z3    // p = p·r + c
	VFMADD213PD  Z18, Z1, Z3
	VFMADD213PD  Z19, Z1, Z3
	VFMADD213PD  Z20, Z1, Z3
	VFMADD213PD  Z21, Z1, Z3
	VFMADD213PD  Z22, Z1, Z3
	VFMADD213PD  Z23, Z1, Z3
	VFMADD213PD  Z24, Z1, Z3
	VFMADD213PD  Z25, Z1, Z3
	VFMADD213PD  Z26, Z1, Z3
	VFMADD213PD  Z27, Z1, Z3
	VFMADD213PD  Z28, Z1, Z3
	VFMADD213PD  Z28, Z1, Z3
	VSCALEFPD    Z2, Z3, Z3     // p·2ⁿ
	VMOVAPD      Z0, K1, Z3     // NaN stays NaN
	VMOVUPD      Z3, 0(DI)
	ADDQ         $64, SI
	ADDQ         $64, DI
	DECQ         CX
	JNZ          exploop
	VZEROUPPER
	RET

// func axpy32AVX512(dst, src *float32, n int, f float32, add bool)
//
// dst[i] = f·src[i], or dst[i] += f·src[i] with add (VMULPS, then VADDPS:
// not fused), for i < n, n a positive multiple of 16; 64 at a time while
// they last.
TEXT ·axpy32AVX512(SB), NOSPLIT, $0-29
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS f+24(FP), Z15
	MOVBLZX      add+28(FP), AX
	TESTQ        AX, AX
	JNZ          addloop64

setloop64:
	CMPQ    CX, $64
	JL      setloop16
	VMULPS  0(SI), Z15, Z0
	VMULPS  64(SI), Z15, Z1
	VMULPS  128(SI), Z15, Z2
	VMULPS  192(SI), Z15, Z3
	VMOVUPS Z0, 0(DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ    $256, SI
	ADDQ    $256, DI
	SUBQ    $64, CX
	JMP     setloop64

setloop16:
	TESTQ   CX, CX
	JZ      done
	VMULPS  0(SI), Z15, Z0
	VMOVUPS Z0, 0(DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	SUBQ    $16, CX
	JMP     setloop16

addloop64:
	CMPQ    CX, $64
	JL      addloop16
	VMULPS  0(SI), Z15, Z0
	VMULPS  64(SI), Z15, Z1
	VMULPS  128(SI), Z15, Z2
	VMULPS  192(SI), Z15, Z3
	VADDPS  0(DI), Z0, Z0
	VADDPS  64(DI), Z1, Z1
	VADDPS  128(DI), Z2, Z2
	VADDPS  192(DI), Z3, Z3
	VMOVUPS Z0, 0(DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ    $256, SI
	ADDQ    $256, DI
	SUBQ    $64, CX
	JMP     addloop64

addloop16:
	TESTQ   CX, CX
	JZ      done
	VMULPS  0(SI), Z15, Z0
	VADDPS  0(DI), Z0, Z0
	VMOVUPS Z0, 0(DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	SUBQ    $16, CX
	JMP     addloop16

done:
	VZEROUPPER
	RET

// func logAVX512(dst, src *float64, n int)
//
// Log on n elements (a positive multiple of 8), eight lanes at a time,
// log1's operations in its order: m and k by VGETMANTPD ([1, 2)) and
// VGETEXPPD (exact, subnormals included), halved m and k+1 where m > √2,
// R by VFMADD213PD over ·logPoly, the result by two VFMADD, and the lanes
// that are not finite and positive set to −Inf (±0), +Inf or NaN.
TEXT ·logAVX512(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $3, CX
	MOVQ $·logPoly(SB), AX
	VBROADCASTSD 0(AX), Z16
	VBROADCASTSD 8(AX), Z17
	VBROADCASTSD 16(AX), Z18
	VBROADCASTSD 24(AX), Z19
	VBROADCASTSD 32(AX), Z20
	VBROADCASTSD 40(AX), Z21
	VBROADCASTSD 48(AX), Z22
	VBROADCASTSD 56(AX), Z23
	VBROADCASTSD 64(AX), Z24
	VBROADCASTSD 72(AX), Z25
	VBROADCASTSD 80(AX), Z26
	MOVQ $0x3ff6a09e667f3bcd, DX // √2
	MOVQ DX, X0
	VBROADCASTSD X0, Z10
	MOVQ $0x3fe0000000000000, DX // ½
	MOVQ DX, X0
	VBROADCASTSD X0, Z11
	MOVQ $0x3ff0000000000000, DX // 1
	MOVQ DX, X0
	VBROADCASTSD X0, Z12
	MOVQ $0x4000000000000000, DX // 2
	MOVQ DX, X0
	VBROADCASTSD X0, Z27
	MOVQ $0x3fe62e42fee00000, DX // ln2Hi
	MOVQ DX, X0
	VBROADCASTSD X0, Z13
	MOVQ $0x3dea39ef35793c76, DX // ln2Lo
	MOVQ DX, X0
	VBROADCASTSD X0, Z14
	MOVQ $0x7ff0000000000000, DX // +Inf
	MOVQ DX, X0
	VBROADCASTSD X0, Z15
	MOVQ $0xfff0000000000000, DX // −Inf
	MOVQ DX, X0
	VBROADCASTSD X0, Z28
	MOVQ $0x7ff8000000000001, DX // NaN, math.NaN()
	MOVQ DX, X0
	VBROADCASTSD X0, Z29
	VXORPD Z30, Z30, Z30         // 0

logloop:
	VMOVUPD     0(SI), Z0
	VGETMANTPD  $0, Z0, Z2          // m in [1, 2)
	VGETEXPPD   Z0, Z1              // k
	VCMPPD      $0x1e, Z10, Z2, K2  // m > √2 (GT_OQ)
	VMULPD      Z11, Z2, K2, Z2     // m·½
	VADDPD      Z12, Z1, K2, Z1     // k+1
	VSUBPD      Z12, Z2, Z2         // f = m − 1
	VADDPD      Z27, Z2, Z3         // 2 + f
	VDIVPD      Z3, Z2, Z3          // s = f/(2 + f)
	VMULPD      Z3, Z3, Z4          // z = s²
	VMOVAPD     Z16, Z5
	VFMADD213PD Z17, Z4, Z5         // p = p·z + c
	VFMADD213PD Z18, Z4, Z5
	VFMADD213PD Z19, Z4, Z5
	VFMADD213PD Z20, Z4, Z5
	VFMADD213PD Z21, Z4, Z5
	VFMADD213PD Z22, Z4, Z5
	VFMADD213PD Z23, Z4, Z5
	VFMADD213PD Z24, Z4, Z5
	VFMADD213PD Z25, Z4, Z5
	VFMADD213PD Z26, Z4, Z5
	VMULPD      Z4, Z5, Z5          // R = p·z
	VMULPD      Z11, Z2, Z6         // ½f
	VMULPD      Z2, Z6, Z6          // hfsq = ½f·f
	VADDPD      Z5, Z6, Z7          // hfsq + R
	VMULPD      Z14, Z1, Z8         // k·ln2Lo
	VFMADD231PD Z7, Z3, Z8          // a = s·(hfsq + R) + k·ln2Lo
	VSUBPD      Z8, Z6, Z8          // hfsq − a
	VSUBPD      Z8, Z2, Z8          // f − (hfsq − a)
	VFMADD231PD Z13, Z1, Z8         // k·ln2Hi + …
	VCMPPD      $0x1e, Z30, Z0, K3  // x > 0
	VCMPPD      $0x11, Z15, Z0, K4  // x < +Inf (LT_OQ)
	KANDW       K3, K4, K3
	KNOTW       K3, K3              // lanes to fix
	VMOVAPD     Z29, K3, Z8         // NaN
	VCMPPD      $0x00, Z30, Z0, K5  // x == ±0 (EQ_OQ)
	VMOVAPD     Z28, K5, Z8         // −Inf
	VCMPPD      $0x00, Z15, Z0, K6  // x == +Inf
	VMOVAPD     Z15, K6, Z8         // +Inf
	VMOVUPD     Z8, 0(DI)
	ADDQ        $64, SI
	ADDQ        $64, DI
	DECQ        CX
	JNZ         logloop
	VZEROUPPER
	RET

// func sumSquares32AVX512(x *float32, n int, part *[32]float64)
//
// part[l] = Σ_b float64(x[32b+l])² for l < 32, n a positive multiple of 32,
// from +0: four ZMM accumulators of eight lanes (VCVTPS2PD, then a fused
// multiply-add, exact as a square plus a sum since the squares are exact).
TEXT ·sumSquares32AVX512(SB), NOSPLIT, $0-24
	MOVQ   x+0(FP), SI
	MOVQ   n+8(FP), CX
	MOVQ   part+16(FP), DI
	SHRQ   $5, CX
	VXORPD Z0, Z0, Z0
	VXORPD Z1, Z1, Z1
	VXORPD Z2, Z2, Z2
	VXORPD Z3, Z3, Z3

sqloop:
	VCVTPS2PD   0(SI), Z4
	VCVTPS2PD   32(SI), Z5
	VCVTPS2PD   64(SI), Z6
	VCVTPS2PD   96(SI), Z7
	VFMADD231PD Z4, Z4, Z0
	VFMADD231PD Z5, Z5, Z1
	VFMADD231PD Z6, Z6, Z2
	VFMADD231PD Z7, Z7, Z3
	ADDQ        $128, SI
	DECQ        CX
	JNZ         sqloop
	VMOVUPD     Z0, 0(DI)
	VMOVUPD     Z1, 64(DI)
	VMOVUPD     Z2, 128(DI)
	VMOVUPD     Z3, 192(DI)
	VZEROUPPER
	RET

// func reluGradColSum32AVX512(dz, grad, out, db *float32, rows, c64, stride int)
//
// reluGradColSum32AVX2 with ZMM registers on the first c64 columns (a
// positive multiple of 64): blocks of 64 columns, each block's sums held in
// four registers over all rows; the factor 1 or 0 by a zero-masked move of
// 1.0 under the mask of 0 < out (LT_OQ: false for NaN), then multiplied by
// grad, as the AVX2 kernel does.
TEXT ·reluGradColSum32AVX512(SB), NOSPLIT, $0-56
	MOVQ dz+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ out+16(FP), DX
	MOVQ db+24(FP), R8
	MOVQ rows+32(FP), R9
	MOVQ c64+40(FP), R10
	MOVQ stride+48(FP), R11
	SHLQ $2, R10
	SHLQ $2, R11
	VXORPS       Z15, Z15, Z15
	MOVL         $0x3f800000, AX
	MOVQ         AX, X14
	VBROADCASTSS X14, Z14
	XORQ         BX, BX // byte offset of the block's first column

zblock64:
	MOVQ R10, AX
	SUBQ BX, AX
	CMPQ AX, $256
	JLT  zdone
	VXORPS Z4, Z4, Z4
	VXORPS Z5, Z5, Z5
	VXORPS Z6, Z6, Z6
	VXORPS Z7, Z7, Z7
	MOVQ   BX, R12
	MOVQ   R9, CX

zrows64:
	VCMPPS    $0x11, 0(DX)(R12*1), Z15, K1
	VCMPPS    $0x11, 64(DX)(R12*1), Z15, K2
	VCMPPS    $0x11, 128(DX)(R12*1), Z15, K3
	VCMPPS    $0x11, 192(DX)(R12*1), Z15, K4
	VMOVAPS.Z Z14, K1, Z0
	VMOVAPS.Z Z14, K2, Z1
	VMOVAPS.Z Z14, K3, Z2
	VMOVAPS.Z Z14, K4, Z3
	VMULPS    0(SI)(R12*1), Z0, Z0
	VMULPS    64(SI)(R12*1), Z1, Z1
	VMULPS    128(SI)(R12*1), Z2, Z2
	VMULPS    192(SI)(R12*1), Z3, Z3
	VMOVUPS   Z0, 0(DI)(R12*1)
	VMOVUPS   Z1, 64(DI)(R12*1)
	VMOVUPS   Z2, 128(DI)(R12*1)
	VMOVUPS   Z3, 192(DI)(R12*1)
	VADDPS    Z0, Z4, Z4
	VADDPS    Z1, Z5, Z5
	VADDPS    Z2, Z6, Z6
	VADDPS    Z3, Z7, Z7
	ADDQ      R11, R12
	DECQ      CX
	JNZ       zrows64
	VMOVUPS   Z4, 0(R8)(BX*1)
	VMOVUPS   Z5, 64(R8)(BX*1)
	VMOVUPS   Z6, 128(R8)(BX*1)
	VMOVUPS   Z7, 192(R8)(BX*1)
	ADDQ      $256, BX
	JMP       zblock64

zdone:
	VZEROUPPER
	RET
