#include "textflag.h"

// Row r of the 6×16 tile: broadcast a[r] into BR, accumulate into ACC0:ACC1.
#define ROW6(off, BR, ACC0, ACC1) \
	VBROADCASTSS off(SI), BR \
	VFMADD231PS  Y0, BR, ACC0 \
	VFMADD231PS  Y1, BR, ACC1

// Store row ACC0:ACC1 to (DX) as alpha·acc + beta·C (Y1 = beta).
#define STOREBETA(ACC0, ACC1) \
	VFMADD231PS 0(DX), Y1, ACC0 \
	VMOVUPS     ACC0, 0(DX) \
	VFMADD231PS 32(DX), Y1, ACC1 \
	VMOVUPS     ACC1, 32(DX) \
	ADDQ        R8, DX

#define STORE0(ACC0, ACC1) \
	VMOVUPS ACC0, 0(DX) \
	VMOVUPS ACC1, 32(DX) \
	ADDQ    R8, DX

// func sgemm6x16AVX2(kc int, a, b, c *float32, ldc int, alpha, beta float32)
//
// c[i*ldc+j] = alpha·Σ_{p<kc} a[6p+i]·b[16p+j] + beta·c[i*ldc+j], i < 6, j < 16;
// c is not read when beta == 0. kc ≥ 1.
TEXT ·sgemm6x16AVX2(SB), NOSPLIT, $0-48
	MOVQ kc+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), R8
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

loop:
	VMOVUPS 0(DI), Y0
	VMOVUPS 32(DI), Y1
	ROW6(0, Y2, Y4, Y5)
	ROW6(4, Y3, Y6, Y7)
	ROW6(8, Y2, Y8, Y9)
	ROW6(12, Y3, Y10, Y11)
	ROW6(16, Y2, Y12, Y13)
	ROW6(20, Y3, Y14, Y15)
	ADDQ $24, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  loop

	VBROADCASTSS alpha+40(FP), Y0
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

	MOVL beta+44(FP), AX
	ANDL $0x7fffffff, AX
	JZ   overwrite

	VBROADCASTSS beta+44(FP), Y1
	STOREBETA(Y4, Y5)
	STOREBETA(Y6, Y7)
	STOREBETA(Y8, Y9)
	STOREBETA(Y10, Y11)
	STOREBETA(Y12, Y13)
	STOREBETA(Y14, Y15)
	VZEROUPPER
	RET

overwrite:
	STORE0(Y4, Y5)
	STORE0(Y6, Y7)
	STORE0(Y8, Y9)
	STORE0(Y10, Y11)
	STORE0(Y12, Y13)
	STORE0(Y14, Y15)
	VZEROUPPER
	RET

// The float64 6×8 tile: the same scheme with four doubles a register.
#define ROW6D(off, BR, ACC0, ACC1) \
	VBROADCASTSD off(SI), BR \
	VFMADD231PD  Y0, BR, ACC0 \
	VFMADD231PD  Y1, BR, ACC1

#define STOREBETAD(ACC0, ACC1) \
	VFMADD231PD 0(DX), Y1, ACC0 \
	VMOVUPD     ACC0, 0(DX) \
	VFMADD231PD 32(DX), Y1, ACC1 \
	VMOVUPD     ACC1, 32(DX) \
	ADDQ        R8, DX

#define STORE0D(ACC0, ACC1) \
	VMOVUPD ACC0, 0(DX) \
	VMOVUPD ACC1, 32(DX) \
	ADDQ    R8, DX

// func dgemm6x8AVX2(kc int, a, b, c *float64, ldc int, alpha, beta float64)
//
// c[i*ldc+j] = alpha·Σ_{p<kc} a[6p+i]·b[8p+j] + beta·c[i*ldc+j], i < 6, j < 8;
// c is not read when beta == 0. kc ≥ 1.
TEXT ·dgemm6x8AVX2(SB), NOSPLIT, $0-56
	MOVQ kc+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), R8
	SHLQ $3, R8

	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	VXORPD Y8, Y8, Y8
	VXORPD Y9, Y9, Y9
	VXORPD Y10, Y10, Y10
	VXORPD Y11, Y11, Y11
	VXORPD Y12, Y12, Y12
	VXORPD Y13, Y13, Y13
	VXORPD Y14, Y14, Y14
	VXORPD Y15, Y15, Y15

loop:
	VMOVUPS 0(DI), Y0
	VMOVUPS 32(DI), Y1
	ROW6D(0, Y2, Y4, Y5)
	ROW6D(8, Y3, Y6, Y7)
	ROW6D(16, Y2, Y8, Y9)
	ROW6D(24, Y3, Y10, Y11)
	ROW6D(32, Y2, Y12, Y13)
	ROW6D(40, Y3, Y14, Y15)
	ADDQ $48, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  loop

	VBROADCASTSD alpha+40(FP), Y0
	VMULPD       Y0, Y4, Y4
	VMULPD       Y0, Y5, Y5
	VMULPD       Y0, Y6, Y6
	VMULPD       Y0, Y7, Y7
	VMULPD       Y0, Y8, Y8
	VMULPD       Y0, Y9, Y9
	VMULPD       Y0, Y10, Y10
	VMULPD       Y0, Y11, Y11
	VMULPD       Y0, Y12, Y12
	VMULPD       Y0, Y13, Y13
	VMULPD       Y0, Y14, Y14
	VMULPD       Y0, Y15, Y15

	MOVQ beta+48(FP), AX
	SHLQ $1, AX
	JZ   overwrited

	VBROADCASTSD beta+48(FP), Y1
	STOREBETAD(Y4, Y5)
	STOREBETAD(Y6, Y7)
	STOREBETAD(Y8, Y9)
	STOREBETAD(Y10, Y11)
	STOREBETAD(Y12, Y13)
	STOREBETAD(Y14, Y15)
	VZEROUPPER
	RET

overwrited:
	STORE0D(Y4, Y5)
	STORE0D(Y6, Y7)
	STORE0D(Y8, Y9)
	STORE0D(Y10, Y11)
	STORE0D(Y12, Y13)
	STORE0D(Y14, Y15)
	VZEROUPPER
	RET
