package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	gonumblas "gonum.org/v1/gonum/blas/gonum"
)

// shape is an m×k·k×n product.
type shape struct{ m, k, n int }

func (s shape) String() string { return fmt.Sprintf("%dx%dx%d", s.m, s.k, s.n) }

// testShapes covers single elements and matrix-vector products, edges that
// are not multiples of any tile (6×16, 12×16, 8×32, 12×32, 6×8, 12×8, 4×4), more than one
// kc (256), mc (144) or nc (2048) block both with panels read in place
// (m ≤ 2·mr or n ≤ 256) and packed, both orientations (see TestSwapCost)
// and the MDN's shapes.
var testShapes = []shape{
	{1, 1, 1}, {7, 3, 5}, {17, 33, 9}, {5, 13, 1}, {13, 5, 17}, {1, 7, 40},
	{40, 7, 1}, {1, 300, 9}, {9, 300, 1}, {6, 2, 16}, {12, 4, 16}, {23, 19, 31}, {12, 300, 32},
	{150, 20, 7}, {3, 4, 2100}, {2100, 4, 3}, {37, 600, 3}, {30, 5, 2100},
	{150, 300, 40},
	{512, 1, 50}, {512, 50, 50}, {512, 50, 3}, {512, 50, 6},
	{1024, 8, 128}, {1024, 128, 128}, {1024, 128, 10}, {1024, 128, 15},
	{50, 512, 50}, {128, 1024, 128},
	{256, 128, 128}, {128, 256, 20}, {9, 40, 33}, {25, 70, 65},
}

// scales are (alpha, beta) pairs: plain product, accumulate, general, and
// alpha = 0, which must only scale C.
var scales = [][2]float64{{1, 0}, {1, 1}, {-0.5, 2}, {2.5, -1}, {0, 0.5}}

// operands holds random op(A), op(B) and C with row strides padded beyond
// the row length, so that reading or writing outside the matrices shows.
type operands struct {
	tA, tB        bool
	lda, ldb, ldc int
	a, b, c       []float64
}

func newOperands(rng *rand.Rand, s shape, tA, tB bool) operands {
	rowsA, colsA := s.m, s.k
	if tA {
		rowsA, colsA = s.k, s.m
	}
	rowsB, colsB := s.k, s.n
	if tB {
		rowsB, colsB = s.n, s.k
	}
	o := operands{tA: tA, tB: tB, lda: colsA + 3, ldb: colsB + 1, ldc: s.n + 2}
	fill := func(n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = 2*rng.Float64() - 1
		}
		return x
	}
	o.a = fill(rowsA * o.lda)
	o.b = fill(rowsB * o.ldb)
	o.c = fill(s.m * o.ldc)
	return o
}

// absProduct returns Σ_p |op(A)[i,p]|·|op(B)[p,j]| for each C[i, j].
func (o operands) absProduct(s shape) []float64 {
	ap := make([]float64, s.m*s.n)
	for i := range s.m {
		for j := range s.n {
			var sum float64
			for p := range s.k {
				var ai, bj float64
				if o.tA {
					ai = o.a[p*o.lda+i]
				} else {
					ai = o.a[i*o.lda+p]
				}
				if o.tB {
					bj = o.b[j*o.ldb+p]
				} else {
					bj = o.b[p*o.ldb+j]
				}
				sum += math.Abs(ai * bj)
			}
			ap[i*s.n+j] = sum
		}
	}
	return ap
}

// errScale is |alpha|·Σ_p |op(A)[i,p]|·|op(B)[p,j]| + |beta|·|C[i,j]|, the
// scale of the rounding error of any summation order (Higham, Accuracy and
// Stability of Numerical Algorithms, §3.5), with ap from absProduct.
func (o operands) errScale(s shape, ap []float64, alpha, beta float64, i, j int) float64 {
	return math.Abs(alpha)*ap[i*s.n+j] + math.Abs(beta*o.c[i*o.ldc+j])
}

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

func to32(x []float64) []float32 {
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = float32(v)
	}
	return y
}

// impl is one way to compute a product: the public function, or the
// blocked product with one particular kernel of a tier (named
// tier/kernelMRxNR), which skip, when not empty, says this CPU cannot run.
type impl[T float] struct {
	name, skip string
	f          func(transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int)
}

func implsOf[T float](public func(transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int), kernels func(kernelTier) []kernel[T]) []impl[T] {
	is := []impl[T]{{name: "public", f: public}}
	for _, kt := range kernelTiers() {
		for _, kern := range kernels(kt) {
			is = append(is, impl[T]{name: fmt.Sprintf("%s/kernel%dx%d", kt.name, kern.mr, kern.nr), skip: kt.skip(),
				f: func(transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
					run(&kern, new(buffers[T]), transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
				}})
		}
	}
	return is
}

func impls32() []impl[float32] {
	return implsOf(Sgemm, func(kt kernelTier) []kernel[float32] { return kt.k32 })
}
func impls64() []impl[float64] {
	return implsOf(Dgemm, func(kt kernelTier) []kernel[float64] { return kt.k64 })
}

// kernelTier is the kernels of one tier (AVX-512, AVX2, NEON, Go) and
// whether this CPU runs them.
type kernelTier struct {
	name string
	have bool
	k32  []kernel[float32]
	k64  []kernel[float64]
}

// skip is the reason a test of the tier's kernels is skipped, or "".
func (kt kernelTier) skip() string {
	if kt.have {
		return ""
	}
	return fmt.Sprintf("no %s on this CPU (or GODEBUG turned it off)", kt.name)
}

// forKernelTiers runs f as a subtest named after each tier, and skips,
// visibly, the tiers this CPU lacks.
func forKernelTiers(t *testing.T, f func(t *testing.T, kt kernelTier)) {
	t.Helper()
	for _, kt := range kernelTiers() {
		t.Run(kt.name, func(t *testing.T) {
			if s := kt.skip(); s != "" {
				t.Skip(s)
			}
			f(t, kt)
		})
	}
}

var transCases = []struct {
	name   string
	tA, tB bool
}{{"NN", false, false}, {"TN", true, false}, {"NT", false, true}, {"TT", true, true}}

// TestSgemmMatchesGonum compares Sgemm (which sends m = 1 or n = 1 to
// gonum's Sgemv) and every float32 kernel this CPU runs against
// gonum's Sgemm on random matrices. Summation orders differ, so the
// allowed error is 1e-5 times the bound of Σ|terms| (a few float32 ulps of
// the magnitude of the sum, well above the ~k·6e-8 worst case for k ≤ 1024
// only for pathological inputs, which uniform random ones are not).
// Elements of C outside the m×n matrix (the ldc padding) must be unchanged.
func TestSgemmMatchesGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, impl := range impls32() {
		t.Run(impl.name, func(t *testing.T) {
			if impl.skip != "" {
				t.Skip(impl.skip)
			}
			testSgemm(t, rng, impl)
		})
	}
}

func testSgemm(t *testing.T, rng *rand.Rand, impl impl[float32]) {
	for _, s := range testShapes {
		for _, tc := range transCases {
			t.Run(fmt.Sprintf("%v/%s", s, tc.name), func(t *testing.T) {
				o := newOperands(rng, s, tc.tA, tc.tB)
				a, b := to32(o.a), to32(o.b)
				ap := o.absProduct(s)
				for _, ab := range scales {
					alpha, beta := float32(ab[0]), float32(ab[1])
					want := to32(o.c)
					gonumblas.Implementation{}.Sgemm(trans(tc.tA), trans(tc.tB), s.m, s.n, s.k, alpha, a, o.lda, b, o.ldb, beta, want, o.ldc)
					got := to32(o.c)
					impl.f(tc.tA, tc.tB, s.m, s.n, s.k, alpha, a, o.lda, b, o.ldb, beta, got, o.ldc)
					for i := range s.m {
						for j := range o.ldc {
							g, w := got[i*o.ldc+j], want[i*o.ldc+j]
							if j >= s.n {
								if g != float32(o.c[i*o.ldc+j]) {
									t.Fatalf("alpha=%v beta=%v: padding C[%d,%d]: got %v, want %v (untouched)", alpha, beta, i, j, g, o.c[i*o.ldc+j])
								}
								continue
							}
							if d, e := math.Abs(float64(g-w)), o.errScale(s, ap, ab[0], ab[1], i, j); d > 1e-5*e+1e-30 {
								t.Fatalf("alpha=%v beta=%v: C[%d,%d]: got %v, want %v (gonum), |diff| %g > 1e-5·%g", alpha, beta, i, j, g, w, d, e)
							}
						}
					}
				}
			})
		}
	}
}

// TestDgemmMatchesGonum does the same for float64 with a tolerance of 1e-13
// of the error scale (float64 ulp 1.1e-16 times k ≤ 1024 is 1.1e-13 in the
// worst case of round-off all in one direction).
func TestDgemmMatchesGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, impl := range impls64() {
		t.Run(impl.name, func(t *testing.T) {
			if impl.skip != "" {
				t.Skip(impl.skip)
			}
			testDgemm(t, rng, impl)
		})
	}
}

func testDgemm(t *testing.T, rng *rand.Rand, impl impl[float64]) {
	for _, s := range testShapes {
		for _, tc := range transCases {
			t.Run(fmt.Sprintf("%v/%s", s, tc.name), func(t *testing.T) {
				o := newOperands(rng, s, tc.tA, tc.tB)
				ap := o.absProduct(s)
				for _, ab := range scales {
					alpha, beta := ab[0], ab[1]
					want := append([]float64(nil), o.c...)
					gonumblas.Implementation{}.Dgemm(trans(tc.tA), trans(tc.tB), s.m, s.n, s.k, alpha, o.a, o.lda, o.b, o.ldb, beta, want, o.ldc)
					got := append([]float64(nil), o.c...)
					impl.f(tc.tA, tc.tB, s.m, s.n, s.k, alpha, o.a, o.lda, o.b, o.ldb, beta, got, o.ldc)
					for i := range s.m {
						for j := range o.ldc {
							g, w := got[i*o.ldc+j], want[i*o.ldc+j]
							if j >= s.n {
								if g != o.c[i*o.ldc+j] {
									t.Fatalf("alpha=%v beta=%v: padding C[%d,%d]: got %v, want %v (untouched)", alpha, beta, i, j, g, o.c[i*o.ldc+j])
								}
								continue
							}
							if d := math.Abs(g - w); d > 1e-13*o.errScale(s, ap, alpha, beta, i, j)+1e-300 {
								t.Fatalf("alpha=%v beta=%v: C[%d,%d]: got %v, want %v (gonum), |diff| %g", alpha, beta, i, j, g, w, d)
							}
						}
					}
				}
			})
		}
	}
}

// TestPublicAPI checks Sgemm and Dgemm themselves (the kernel this CPU
// picks) on a 2×3·3×2 product worked by hand:
//
//	[1 2 3]   [1 2]   [22 28]
//	[4 5 6] · [3 4] = [49 64]
//	          [5 6]
//
// with alpha = 2, beta = -1 and C = [[1 1] [1 1]]: 2·AB − 1.
func TestPublicAPI(t *testing.T) {
	a := []float64{1, 2, 3, 4, 5, 6}
	b := []float64{1, 2, 3, 4, 5, 6}
	want := []float64{43, 55, 97, 127}
	// aT and bT hold the same matrices transposed, for the trans flags.
	aT := []float64{1, 4, 2, 5, 3, 6}
	bT := []float64{1, 3, 5, 2, 4, 6}
	for _, tc := range transCases {
		t.Run(tc.name, func(t *testing.T) {
			aa, lda := a, 3
			if tc.tA {
				aa, lda = aT, 2
			}
			bb, ldb := b, 2
			if tc.tB {
				bb, ldb = bT, 3
			}
			c64 := []float64{1, 1, 1, 1}
			Dgemm(tc.tA, tc.tB, 2, 2, 3, 2, aa, lda, bb, ldb, -1, c64, 2)
			c32 := []float32{1, 1, 1, 1}
			Sgemm(tc.tA, tc.tB, 2, 2, 3, 2, to32(aa), lda, to32(bb), ldb, -1, c32, 2)
			for i, w := range want {
				if c64[i] != w {
					t.Errorf("Dgemm C[%d]: got %v, want %v", i, c64[i], w)
				}
				if float64(c32[i]) != w {
					t.Errorf("Sgemm C[%d]: got %v, want %v", i, c32[i], w)
				}
			}
		})
	}
}

// TestBetaZeroOverwritesNaN checks the BLAS rule that beta = 0 writes C
// without reading it: C full of NaN and ±Inf gives exactly A·B, here with
// A all ones and B all twos, so every element is 2k.
func TestBetaZeroOverwritesNaN(t *testing.T) {
	for _, s := range []shape{{1, 1, 1}, {1, 7, 9}, {9, 7, 1}, {6, 5, 16}, {7, 3, 5}, {1024, 128, 10}, {64, 300, 40}} {
		for _, tc := range transCases {
			t.Run(fmt.Sprintf("%v/%s", s, tc.name), func(t *testing.T) {
				a32, b32 := make([]float32, s.m*s.k), make([]float32, s.k*s.n)
				a64, b64 := make([]float64, s.m*s.k), make([]float64, s.k*s.n)
				for i := range a32 {
					a32[i], a64[i] = 1, 1
				}
				for i := range b32 {
					b32[i], b64[i] = 2, 2
				}
				lda, ldb := s.k, s.n
				if tc.tA {
					lda = s.m
				}
				if tc.tB {
					ldb = s.k
				}
				c32, c64 := make([]float32, s.m*s.n), make([]float64, s.m*s.n)
				for i := range c32 {
					c32[i] = float32(math.NaN())
					c64[i] = [3]float64{math.NaN(), math.Inf(1), math.Inf(-1)}[i%3]
				}
				Sgemm(tc.tA, tc.tB, s.m, s.n, s.k, 1, a32, lda, b32, ldb, 0, c32, s.n)
				Dgemm(tc.tA, tc.tB, s.m, s.n, s.k, 1, a64, lda, b64, ldb, 0, c64, s.n)
				want := 2 * float64(s.k)
				for i := range c32 {
					if float64(c32[i]) != want || c64[i] != want {
						t.Fatalf("C[%d]: got %v (float32), %v (float64), want %v", i, c32[i], c64[i], want)
					}
				}
			})
		}
	}
}

// TestDegenerate covers k = 0 and alpha = 0 (C = beta·C, and zeros for
// beta = 0 even over NaN) and m = 0 or n = 0 (nothing written, nil slices
// allowed).
func TestDegenerate(t *testing.T) {
	nan := float32(math.NaN())
	cases := []struct {
		name        string
		m, n, k     int
		alpha, beta float32
		c, want     []float32
	}{
		{"k=0 beta=3", 2, 2, 0, 1, 3, []float32{1, 2, 3, 4}, []float32{3, 6, 9, 12}},
		{"k=0 beta=0", 2, 2, 0, 1, 0, []float32{nan, 2, nan, 4}, []float32{0, 0, 0, 0}},
		{"alpha=0 beta=1", 2, 2, 3, 0, 1, []float32{1, 2, 3, 4}, []float32{1, 2, 3, 4}},
		{"alpha=0 beta=0", 2, 2, 3, 0, 0, []float32{nan, 2, 3, nan}, []float32{0, 0, 0, 0}},
		{"m=0", 0, 2, 3, 1, 0, nil, nil},
		{"n=0", 2, 0, 3, 1, 0, nil, nil},
	}
	a := []float32{1, 2, 3, 4, 5, 6}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := append([]float32(nil), tc.c...)
			ldb := max(tc.n, 1)
			b := make([]float32, max(tc.k, 1)*ldb)
			Sgemm(false, false, tc.m, tc.n, tc.k, tc.alpha, a, max(tc.k, 1), b, ldb, tc.beta, c, max(tc.n, 1))
			for i := range tc.want {
				if c[i] != tc.want[i] {
					t.Errorf("C[%d]: got %v, want %v", i, c[i], tc.want[i])
				}
			}
		})
	}
}

// TestBadArguments checks that impossible sizes, strides and lengths panic
// with a message naming the argument, as gonum's BLAS does.
func TestBadArguments(t *testing.T) {
	s := make([]float32, 100)
	cases := []struct {
		name    string
		call    func()
		message string
	}{
		{"negative m", func() { Sgemm(false, false, -1, 2, 2, 1, s, 2, s, 2, 0, s, 2) }, "gemm: m < 0: -1"},
		{"negative k", func() { Sgemm(false, false, 2, 2, -3, 1, s, 2, s, 2, 0, s, 2) }, "gemm: k < 0: -3"},
		{"lda short", func() { Sgemm(false, false, 2, 2, 3, 1, s, 2, s, 2, 0, s, 2) }, "gemm: lda 2 < max(1, 3)"},
		{"lda short trans", func() { Sgemm(true, false, 4, 2, 3, 1, s, 3, s, 2, 0, s, 2) }, "gemm: lda 3 < max(1, 4)"},
		{"ldb short trans", func() { Sgemm(false, true, 2, 2, 3, 1, s, 3, s, 2, 0, s, 2) }, "gemm: ldb 2 < max(1, 3)"},
		{"ldc short", func() { Sgemm(false, false, 2, 5, 3, 1, s, 3, s, 5, 0, s, 4) }, "gemm: ldc 4 < max(1, 5)"},
		{"a short", func() { Sgemm(false, false, 20, 2, 6, 1, s, 6, s, 2, 0, s, 2) }, "gemm: len(a) 100 < 120"},
		{"c short", func() { Sgemm(false, false, 2, 60, 1, 1, s, 1, s, 60, 0, s, 60) }, "gemm: len(c) 100 < 120"},
		{"b short float64", func() { Dgemm(false, false, 1, 1, 3, 1, []float64{1, 2, 3}, 3, []float64{1, 2}, 1, 0, []float64{0}, 1) }, "gemm: len(b) 2 < 3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r != tc.message {
					t.Errorf("got panic %v, want %q", r, tc.message)
				}
			}()
			tc.call()
		})
	}
}

// TestSwapCost checks the orientation rule for a 6×16 tile, so that the
// test shapes reach both: Cᵀ is computed when its padded tiles,
// roundUp(n, 6)·roundUp(m, 16), are under 3/4 of C's, roundUp(m, 6)·roundUp(n, 16).
func TestSwapCost(t *testing.T) {
	cases := []struct {
		s    shape
		want bool // padded sizes C, Cᵀ in the comment
	}{
		{shape{1024, 128, 10}, true},   // 1026·16 = 16416, 12·1024 = 12288
		{shape{512, 50, 3}, true},      // 516·16 = 8256, 6·512 = 3072
		{shape{2100, 4, 3}, true},      // 2100·16 = 33600, 6·2112 = 12672
		{shape{512, 50, 50}, false},    // 516·64 = 33024, 54·512 = 27648
		{shape{1024, 128, 128}, false}, // 1026·128, 128·1024
		{shape{3, 4, 2100}, false},     // 6·2112, 2100·16
	}
	for _, tc := range cases {
		t.Run(tc.s.String(), func(t *testing.T) {
			if got := swapCost(6, 16, tc.s.m, tc.s.n); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestNoAllocs checks that packing buffers are reused: a steady-state call
// allocates nothing.
func TestNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	if useGonum {
		t.Skip("no AVX2 and FMA on this CPU (or GODEBUG turned them off): products go to gonum, which allocates")
	}
	for _, s := range []shape{{512, 50, 50}, {1024, 128, 10}, {7, 3, 5}} {
		t.Run(s.String(), func(t *testing.T) {
			a, b, c := make([]float32, s.m*s.k), make([]float32, s.k*s.n), make([]float32, s.m*s.n)
			a64, b64, c64 := make([]float64, s.m*s.k), make([]float64, s.k*s.n), make([]float64, s.m*s.n)
			if got := testing.AllocsPerRun(20, func() { Sgemm(false, true, s.m, s.n, s.k, 1, a, s.k, b, s.k, 0, c, s.n) }); got != 0 {
				t.Errorf("Sgemm: got %v allocations, want 0", got)
			}
			if got := testing.AllocsPerRun(20, func() { Dgemm(true, false, s.m, s.n, s.k, 1, a64, s.m, b64, s.n, 1, c64, s.n) }); got != 0 {
				t.Errorf("Dgemm: got %v allocations, want 0", got)
			}
		})
	}
}

// TestTranspose checks the packing transpose of every float32 kernel of
// every tier this CPU has against the definition dst[p*ld+j] =
// src[j*ss+p] on widths and lengths around the 4×4 and 8×8 blocks, with
// the rest of dst left alone.
func TestTranspose(t *testing.T) { forKernelTiers(t, testTranspose) }

func testTranspose(t *testing.T, kt kernelTier) {
	for ki, kern := range kt.k32 {
		for _, w := range []int{1, 3, 4, 5, 6, 7, 8, 11, 12, 14, 16} {
			for _, kc := range []int{1, 3, 4, 7, 8, 33} {
				t.Run(fmt.Sprintf("kernel%d/w=%d/kc=%d", ki, w, kc), func(t *testing.T) {
					ld, ss := w+2, kc+3
					src := make([]float32, w*ss)
					for i := range src {
						src[i] = float32(i)
					}
					dst := make([]float32, kc*ld)
					for i := range dst {
						dst[i] = -1
					}
					kern.transpose(dst, ld, src, ss, w, kc)
					for p := range kc {
						for j := range ld {
							want := float32(-1) // untouched padding
							if j < w {
								want = src[j*ss+p]
							}
							if got := dst[p*ld+j]; got != want {
								t.Fatalf("dst[%d*%d+%d]: got %v, want %v", p, ld, j, got, want)
							}
						}
					}
				})
			}
		}
	}
}

// TestConcurrentCalls runs products from several goroutines at once, each
// with its own operands, and checks each against the same product done
// alone: calls must not share packing buffers.
func TestConcurrentCalls(t *testing.T) {
	const workers = 4
	s := shape{150, 60, 40}
	rng := rand.New(rand.NewPCG(11, 12))
	type job struct {
		tA, tB          bool
		lda, ldb        int
		a, b, want, got []float32
	}
	jobs := make([]job, workers)
	for w := range jobs {
		tA, tB := w%2 == 1, w/2 == 1
		o := newOperands(rng, s, tA, tB)
		j := job{tA: tA, tB: tB, lda: o.lda, ldb: o.ldb, a: to32(o.a), b: to32(o.b), want: make([]float32, s.m*s.n), got: make([]float32, s.m*s.n)}
		Sgemm(tA, tB, s.m, s.n, s.k, 1, j.a, j.lda, j.b, j.ldb, 0, j.want, s.n)
		jobs[w] = j
	}
	done := make(chan struct{})
	for _, j := range jobs {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 20 {
				Sgemm(j.tA, j.tB, s.m, s.n, s.k, 1, j.a, j.lda, j.b, j.ldb, 0, j.got, s.n)
			}
		}()
	}
	for range workers {
		<-done
	}
	for w, j := range jobs {
		for i := range j.want {
			if j.got[i] != j.want[i] {
				t.Fatalf("worker %d: C[%d]: got %v, want %v (same product run alone)", w, i, j.got[i], j.want[i])
			}
		}
	}
}
