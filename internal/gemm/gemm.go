package gemm

import (
	"fmt"
	"sync"

	"gonum.org/v1/gonum/blas"
	gonumblas "gonum.org/v1/gonum/blas/gonum"
)

// float is the element type of a product.
type float interface{ ~float32 | ~float64 }

// Block sizes of the packed product, in elements. A kcBlock×nr panel of B
// stays in L1 while a kcBlock×mcBlock block of A stays in L2; the
// kcBlock×ncBlock block of B is meant for L2/L3.
const (
	kcBlock = 256
	mcBlock = 144 // rounded down to a multiple of mr
	ncBlock = 2048
	// directACols is the widest product whose A (when its columns are
	// contiguous, as in the weight gradient Xᵀ·dY) is read in place rather
	// than packed. Measured (BenchmarkSgemmShard and m×256·256×n products,
	// m = 8 to 1024, on a Zen 4): in place is faster at every n ≤ 256 with
	// the AVX2 6×16 tile (128×256·256×128: 77 → 97 cpu-GFLOP/s) and the
	// AVX-512 tiles, and mixed beyond (±4 % at n = 512 and 1024).
	directACols = 256
)

// kernel is a register-blocked micro-kernel with its tile size.
type kernel[T float] struct {
	mr, nr int
	// transpose sets dst[p*ld+j] = src[j*ss+p] for j < w ≤ ld, p < kc:
	// the packing of row-major A or column-major B (transposeInto or a
	// faster one).
	transpose func(dst []T, ld int, src []T, ss, w, kc int)
	// packRows, if not nil, sets dst[p*nr+j] = src[p*rs+j] for j < cols ≤
	// nr and 0 for cols ≤ j < nr, p < kc: packB's copy of one panel of
	// contiguous rows, faster than a copy and a clear a row.
	packRows func(dst []T, src []T, rs, kc, cols int)
	// speed is the kernel's relative rate of tile arithmetic (about 4 for
	// the AVX2 tile, 6 for the AVX-512 one with one accumulator a row, 8
	// with two; measured by BenchmarkTile), for choosing between kernels.
	speed int
	// tile computes, for 0 ≤ i < mr and 0 ≤ j < nr,
	//
	//	c[i*ldc+j] = alpha·Σ_{p<kc} a[p*lda+i]·b[p*ldb+j] + beta·c[i*ldc+j]
	//
	// reading c only when beta != 0. a holds at least (kc-1)·lda + mr
	// elements and b (kc-1)·ldb + nr (lda = mr and ldb = nr for packed
	// panels); kc ≥ 1.
	tile func(kc int, a []T, lda int, b []T, ldb int, c []T, ldc int, alpha, beta T)
	// edge, if not nil, is tile restricted to i < rows ≤ mr and j < cols
	// ≤ nr: the same sums, written (and, when beta != 0, read) only
	// there, so that a partial tile of a row-major C needs no temporary
	// tile and write-back. c holds at least (rows-1)·ldc + cols elements.
	edge func(kc int, a []T, lda int, b []T, ldb int, c []T, ldc int, alpha, beta T, rows, cols int)
}

// buffers are the packing buffers of one call, reused through a sync.Pool.
type buffers[T float] struct {
	a, b, t []T
}

func grow[T float](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

var (
	pool32 = sync.Pool{New: func() any { return new(buffers[float32]) }}
	pool64 = sync.Pool{New: func() any { return new(buffers[float64]) }}
)

// Sgemm computes C = alpha·op(A)·op(B) + beta·C for row-major float32
// matrices, where op(A) is m×k (A is m×k, or k×m when transA), op(B) is k×n
// (B is k×n, or n×k when transB) and C is m×n; lda, ldb and ldc are the row
// strides of a, b and c. The arguments mean what they mean for gonum's
// blas32 Sgemm. When beta == 0, C is overwritten without being read.
// Sgemm panics on invalid sizes, strides or slice lengths.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkArgs(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	if useGonum {
		gonumblas.Implementation{}.Sgemm(blasTrans(transA), blasTrans(transB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if useGemv(m, n, k) && alpha != 0 {
		sgemv(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	bufs := pool32.Get().(*buffers[float32])
	run(pick(sgemmKernels, m, n), bufs, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	pool32.Put(bufs)
}

// Dgemm computes C = alpha·op(A)·op(B) + beta·C for row-major float64
// matrices, with the argument meaning of Sgemm (and of gonum's blas64
// Dgemm).
func Dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	checkArgs(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	if useGonum {
		gonumblas.Implementation{}.Dgemm(blasTrans(transA), blasTrans(transB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if useGemv(m, n, k) && alpha != 0 {
		dgemv(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	bufs := pool64.Get().(*buffers[float64])
	run(pick(dgemmKernels, m, n), bufs, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	pool64.Put(bufs)
}

// blasTrans is the gonum flag for a transpose flag.
func blasTrans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

// checkArgs panics, as gonum's BLAS does, when the sizes, strides or slice
// lengths cannot describe the product.
func checkArgs(transA, transB bool, m, n, k, lenA, lda, lenB, ldb, lenC, ldc int) {
	if m < 0 {
		panic(fmt.Sprintf("gemm: m < 0: %d", m))
	}
	if n < 0 {
		panic(fmt.Sprintf("gemm: n < 0: %d", n))
	}
	if k < 0 {
		panic(fmt.Sprintf("gemm: k < 0: %d", k))
	}
	rowsA, colsA := m, k
	if transA {
		rowsA, colsA = k, m
	}
	rowsB, colsB := k, n
	if transB {
		rowsB, colsB = n, k
	}
	if lda < max(1, colsA) {
		panic(fmt.Sprintf("gemm: lda %d < max(1, %d)", lda, colsA))
	}
	if ldb < max(1, colsB) {
		panic(fmt.Sprintf("gemm: ldb %d < max(1, %d)", ldb, colsB))
	}
	if ldc < max(1, n) {
		panic(fmt.Sprintf("gemm: ldc %d < max(1, %d)", ldc, n))
	}
	if m == 0 || n == 0 {
		return
	}
	if k > 0 {
		if need := lda*(rowsA-1) + colsA; lenA < need {
			panic(fmt.Sprintf("gemm: len(a) %d < %d", lenA, need))
		}
		if need := ldb*(rowsB-1) + colsB; lenB < need {
			panic(fmt.Sprintf("gemm: len(b) %d < %d", lenB, need))
		}
	}
	if need := ldc*(m-1) + n; lenC < need {
		panic(fmt.Sprintf("gemm: len(c) %d < %d", lenC, need))
	}
}

// run maps the BLAS arguments to element strides, chooses whether to
// compute C or Cᵀ, and calls the blocked product.
func run[T float](kern *kernel[T], bufs *buffers[T], transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scale(m, n, beta, c, ldc)
		return
	}
	// op(A)[i, p] = a[i*rsA + p*csA], op(B)[p, j] = b[p*rsB + j*csB].
	rsA, csA := lda, 1
	if transA {
		rsA, csA = 1, lda
	}
	rsB, csB := ldb, 1
	if transB {
		rsB, csB = 1, ldb
	}
	if swapCost(kern.mr, kern.nr, m, n) {
		// Cᵀ = op(B)ᵀ·op(A)ᵀ: Cᵀ[j, i] = c[i*ldc + j] has strides (1, ldc).
		blocked(kern, bufs, n, m, k, alpha, b, csB, rsB, a, csA, rsA, beta, c, 1, ldc)
		return
	}
	blocked(kern, bufs, m, n, k, alpha, a, rsA, csA, b, rsB, csB, beta, c, ldc, 1)
}

// pick returns the kernel that needs the least time for the padded tiles
// of an m×n product in the orientation run would choose for it.
func pick[T float](kernels []kernel[T], m, n int) *kernel[T] {
	best, bestCost := &kernels[0], -1
	for i := range kernels {
		kern := &kernels[i]
		cost := roundUp(m, kern.mr) * roundUp(n, kern.nr)
		if swapCost(kern.mr, kern.nr, m, n) {
			cost = roundUp(n, kern.mr) * roundUp(m, kern.nr) * 4 / 3
		}
		cost /= kern.speed
		if bestCost < 0 || cost < bestCost {
			best, bestCost = kern, cost
		}
	}
	return best
}

// swapCost reports whether computing Cᵀ pads the m×n product to fewer
// tile elements than computing C, by a margin that pays for the strided
// write-back of the transposed tiles.
func swapCost(mr, nr, m, n int) bool {
	direct := roundUp(m, mr) * roundUp(n, nr)
	swapped := roundUp(n, mr) * roundUp(m, nr)
	return 4*swapped < 3*direct
}

func roundUp(x, r int) int { return (x + r - 1) / r * r }

// scale sets C = beta·C, writing zeros when beta == 0 so that NaNs in C do
// not survive.
func scale[T float](m, n int, beta T, c []T, ldc int) {
	if beta == 1 {
		return
	}
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// blocked computes C = alpha·A·B + beta·C where A[i, p] = a[i*rsA+p*csA],
// B[p, j] = b[p*rsB+j*csB] and C[i, j] = c[i*rsC+j*csC], for m, n, k ≥ 1.
func blocked[T float](kern *kernel[T], bufs *buffers[T], m, n, k int, alpha T, a []T, rsA, csA int, b []T, rsB, csB int, beta T, c []T, rsC, csC int) {
	mr, nr := kern.mr, kern.nr
	mcMax := max(mr, mcBlock/mr*mr)
	kcMax := min(k, kcBlock)
	ncMax := min(roundUp(n, nr), ncBlock)
	bufs.a = grow(bufs.a, roundUp(min(m, mcMax), mr)*kcMax)
	bufs.b = grow(bufs.b, ncMax*kcMax)
	bufs.t = grow(bufs.t, mr*nr)
	tmp := bufs.t
	// When B's rows are contiguous and each panel of B would serve at most
	// two panels of A, copying B costs about as much as using it: its full
	// panels are then read in place with row stride rsB, and only a
	// partial last panel is packed.
	directB := csB == 1 && m <= 2*mr
	// Likewise for A when its columns are contiguous and n ≤ directACols:
	// packing such an A copies mr elements from each of kc rows, which
	// costs more than the tiles' strided reads of it in place.
	directA := rsA == 1 && n <= directACols

	for jc := 0; jc < n; jc += ncBlock {
		nc := min(ncBlock, n-jc)
		for pc := 0; pc < k; pc += kcBlock {
			kc := min(kcBlock, k-pc)
			if directB {
				if j0 := nc / nr * nr; j0 < nc {
					packB(kern, bufs.b[j0*kc:], b[pc*rsB+jc+j0:], rsB, csB, kc, nc-j0, nr)
				}
			} else {
				packB(kern, bufs.b, b[pc*rsB+jc*csB:], rsB, csB, kc, nc, nr)
			}
			bt := beta
			if pc > 0 {
				bt = 1
			}
			for ic := 0; ic < m; ic += mcMax {
				mc := min(mcMax, m-ic)
				if directA {
					if i0 := mc / mr * mr; i0 < mc {
						packA(kern.transpose, bufs.a[i0*kc:], a[ic+i0+pc*csA:], rsA, csA, mc-i0, kc, mr)
					}
				} else {
					packA(kern.transpose, bufs.a, a[ic*rsA+pc*csA:], rsA, csA, mc, kc, mr)
				}
				for jr := 0; jr < nc; jr += nr {
					nrr := min(nr, nc-jr)
					bp, ldb := bufs.b[jr*kc:(jr+nr)*kc], nr
					if directB && nrr == nr {
						o := pc*rsB + jc + jr
						bp, ldb = b[o:o+(kc-1)*rsB+nr], rsB
					}
					for ir := 0; ir < mc; ir += mr {
						mrr := min(mr, mc-ir)
						ap, lda := bufs.a[ir*kc:(ir+mr)*kc], mr
						if directA && mrr == mr {
							o := ic + ir + pc*csA
							ap, lda = a[o:o+(kc-1)*csA+mr], csA
						}
						off := (ic+ir)*rsC + (jc+jr)*csC
						if mrr == mr && nrr == nr && csC == 1 {
							kern.tile(kc, ap, lda, bp, ldb, c[off:off+(mr-1)*rsC+nr], rsC, alpha, bt)
							continue
						}
						if csC == 1 && kern.edge != nil {
							kern.edge(kc, ap, lda, bp, ldb, c[off:off+(mrr-1)*rsC+nrr], rsC, alpha, bt, mrr, nrr)
							continue
						}
						kern.tile(kc, ap, lda, bp, ldb, tmp, nr, 1, 0)
						writeBack(mrr, nrr, alpha, tmp, nr, bt, c[off:], rsC, csC)
					}
				}
			}
		}
	}
}

// writeBack sets C[i, j] = alpha·t[i*ldt+j] + beta·C[i, j] for i < mr,
// j < nr, with C[i, j] = c[i*rsC+j*csC], not reading C when beta == 0.
func writeBack[T float](mr, nr int, alpha T, t []T, ldt int, beta T, c []T, rsC, csC int) {
	for i := range mr {
		ti := t[i*ldt : i*ldt+nr]
		ci := c[i*rsC:]
		switch beta {
		case 0:
			for j, v := range ti {
				ci[j*csC] = alpha * v
			}
		case 1:
			for j, v := range ti {
				ci[j*csC] += alpha * v
			}
		default:
			for j, v := range ti {
				ci[j*csC] = alpha*v + beta*ci[j*csC]
			}
		}
	}
}

// packA copies the mc×kc block A[i, p] = a[i*rs+p*cs] into panels of mr
// rows, dst[(i/mr)*mr*kc + p*mr + i%mr], padding the last panel with zeros.
func packA[T float](transpose func(dst []T, ld int, src []T, ss, w, kc int), dst, a []T, rs, cs, mc, kc, mr int) {
	for i0 := 0; i0 < mc; i0 += mr {
		panel := dst[i0*kc : (i0+mr)*kc]
		rows := min(mr, mc-i0)
		switch {
		case rs == 1:
			// Columns of the block are contiguous.
			for p := range kc {
				col := a[i0+p*cs : i0+p*cs+rows]
				d := panel[p*mr : p*mr+mr]
				copy(d, col)
				clear(d[rows:])
			}
		case cs == 1:
			// Rows of the block are contiguous: a transpose.
			transpose(panel, mr, a[i0*rs:], rs, rows, kc)
			zeroTail(panel, mr, rows, kc)
		default:
			for i := range rows {
				row := a[(i0+i)*rs:]
				for p := range kc {
					panel[p*mr+i] = row[p*cs]
				}
			}
			zeroTail(panel, mr, rows, kc)
		}
	}
}

// packB copies the kc×nc block B[p, j] = b[p*rs+j*cs] into panels of nr
// columns, dst[(j/nr)*nr*kc + p*nr + j%nr], padding the last panel with
// zeros.
func packB[T float](kern *kernel[T], dst, b []T, rs, cs, kc, nc, nr int) {
	transpose := kern.transpose
	for j0 := 0; j0 < nc; j0 += nr {
		panel := dst[j0*kc : (j0+nr)*kc]
		cols := min(nr, nc-j0)
		switch {
		case cs == 1 && kern.packRows != nil:
			kern.packRows(panel, b[j0:], rs, kc, cols)
		case cs == 1:
			for p := range kc {
				row := b[p*rs+j0 : p*rs+j0+cols]
				d := panel[p*nr : p*nr+nr]
				copy(d, row)
				clear(d[cols:])
			}
		case rs == 1:
			// Columns of the block are contiguous: a transpose.
			transpose(panel, nr, b[j0*cs:], cs, cols, kc)
			zeroTail(panel, nr, cols, kc)
		default:
			for j := range cols {
				col := b[(j0+j)*cs:]
				for p := range kc {
					panel[p*nr+j] = col[p*rs]
				}
			}
			zeroTail(panel, nr, cols, kc)
		}
	}
}

// transposeInto sets dst[p*ld+j] = src[j*ss+p] for j < w ≤ ld, p < kc,
// four source lines at a time.
func transposeInto[T float](dst []T, ld int, src []T, ss, w, kc int) {
	j := 0
	for ; j+4 <= w; j += 4 {
		s0 := src[j*ss : j*ss+kc]
		s1 := src[(j+1)*ss : (j+1)*ss+kc]
		s2 := src[(j+2)*ss : (j+2)*ss+kc]
		s3 := src[(j+3)*ss : (j+3)*ss+kc]
		s1, s2, s3 = s1[:len(s0)], s2[:len(s0)], s3[:len(s0)]
		for p := range s0 {
			d := dst[p*ld+j : p*ld+j+4 : p*ld+j+4]
			d[0], d[1], d[2], d[3] = s0[p], s1[p], s2[p], s3[p]
		}
	}
	for ; j < w; j++ {
		s0 := src[j*ss : j*ss+kc]
		for p, v := range s0 {
			dst[p*ld+j] = v
		}
	}
}

// zeroTail clears dst[p*ld+j] for w ≤ j < ld, p < kc: the padding of a
// partial panel.
func zeroTail[T float](dst []T, ld, w, kc int) {
	if w == ld {
		return
	}
	for p := range kc {
		clear(dst[p*ld+w : p*ld+ld])
	}
}
