// Package gemm computes row-major general matrix products
//
//	C ← α·op(A)·op(B) + β·C
//
// where op(X) is X or Xᵀ, op(A) is m×k, op(B) is k×n and C is m×n, with the
// same argument meaning as gonum's blas32.Sgemm and blas64.Dgemm: element
// (i, j) of a row-major matrix X with leading dimension ldx is x[i*ldx+j].
//
// The product is a packed, blocked GEMM in the style of Goto and van de Geijn
// ("Anatomy of high-performance matrix multiplication", ACM TOMS 34(3), 2008)
// and BLIS (Van Zee and van de Geijn, ACM TOMS 41(3), 2015). For blocks of
// kc ≤ 256 inner indices, op(B) is copied into column panels of nr columns
// and op(A) into row panels of mr rows,
//
//	Bpack[panel][p*nr + j] = op(B)[pc+p, jc+j]   (kc×nr per panel)
//	Apack[panel][p*mr + i] = op(A)[ic+i, pc+p]   (kc×mr per panel)
//
// so that the transposes cost nothing extra, and a register-blocked
// micro-kernel accumulates one mr×nr tile of C as kc rank-1 updates,
//
//	C[i, j] ← α·Σ_p Apack[p*mr+i]·Bpack[p*nr+j] + β·C[i, j].
//
// On amd64 the micro-kernels are Go assembly: with AVX2 and FMA a 6×16
// float32 (6×8 float64) tile in twelve YMM accumulators, and when the CPU
// also has AVX-512F a 12×16 float32 (12×8 float64) tile with one ZMM
// accumulator a row and the A operand broadcast from memory, and 8×32 and
// 12×32 float32 tiles with two ZMM accumulators a row, which need fewer
// loads per FMA (about 1.3× the rate of the 12×16 tile). The AVX2 and the
// 8×32 AVX-512 kernels have edge tiles that read and write a partial tile
// of C through lane masks, and pack row-major panels of B with masked
// loads. On arm64 an 8×8 float32 tile in sixteen NEON accumulators
// (VLD1R broadcasts of A, VFMLA) joins the pure-Go 4×4 kernel, which is
// used alone on other architectures and for float64 on arm64. The assembly
// kernels sum each element's kc products in order with fused
// multiply-adds, so the choice among them does not change a result. Each
// call picks the kernel and orientation (below) that pad the product least
// per unit of speed. On amd64 CPUs without AVX2 and FMA, where the Go
// kernel is slower than gonum's SSE assembly, the product goes to gonum.
// Row-major A and column-major B are packed through 4×4 XMM and 8×8 YMM
// transposes on amd64. The CPU features are read once at start-up from
// golang.org/x/sys/cpu, which honours GODEBUG=cpu.avx512f=off (the AVX2
// kernels only) and cpu.avx2=off (gonum); there is no other package state
// except a sync.Pool of packing buffers, so that a call does not allocate
// in steady state.
//
// When n is small and m large (for example 1024×128·128×10), a tile that is
// wide along n wastes most of its lanes, so the package computes the
// transposed product Cᵀ = op(B)ᵀ·op(A)ᵀ instead, which is the same
// arithmetic with the roles of m and n exchanged. When a packed panel of B
// would serve at most two row panels of A (m ≤ 2·mr) and B's rows are
// contiguous, the kernel reads B in place instead of copying it, and
// likewise for A when n ≤ 256 and A's columns are contiguous: this is what
// makes the weight-gradient products Xᵀ·dY with a long k fast.
//
// Products with m = 1 or n = 1 are matrix-vector products, for which every
// tile is almost all padding; they go to gonum's Sgemv and Dgemv.
//
// As in BLAS, β = 0 overwrites C without reading it (a NaN in C does not
// propagate), k = 0 or α = 0 only scales C by β, and summation order differs
// from gonum's, so results agree with it to rounding, not bit for bit (the
// tests allow 1e-5 of Σ_p |α·op(A)[i,p]·op(B)[p,j]| + |β·C[i,j]| for
// float32, 1e-13 for float64).
//
// Invalid arguments (negative sizes, a leading dimension smaller than a row,
// a slice too short for its matrix) are programmer errors, as in gonum's
// BLAS, and panic with a message naming the argument.
package gemm
