package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// rowTimesRef is RowTimes's definition: each column's sum from +0 in order
// of j with math.FMA, rows with x_j = 0 skipped.
func rowTimesRef(o, w, x []float64) {
	n := len(o)
	for c := range o {
		var s float64
		for j, v := range x {
			if v != 0 {
				s = math.FMA(v, w[j*n+c], s)
			}
		}
		o[c] = s
	}
}

// rowsCase draws a k-vector with about a third of zeros (as ReLU leaves)
// and a k×n matrix.
func rowsCase(rng *rand.Rand, n, k int) (w, x []float64) {
	w, x = make([]float64, k*n), make([]float64, k)
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	for j := range x {
		if rng.IntN(3) > 0 {
			x[j] = rng.NormFloat64()
		}
	}
	return w, x
}

// TestRowTimesPaths: the assembly kernel (when this CPU has AVX2 and FMA)
// and the Go loop give rowTimesRef's bits for every block shape (n = 1 …
// 70, 1280), and NaN and ±Inf in x propagate (a NaN is not skipped).
func TestRowTimesPaths(t *testing.T) {
	asm := useRowsAsm
	defer func() { useRowsAsm = asm }()
	paths := []bool{false}
	if hasAVX2FMA() {
		paths = append(paths, true)
	} else {
		t.Log("no AVX2 and FMA: only the Go path is tested")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	ns := []int{1280}
	for n := 1; n <= 70; n++ {
		ns = append(ns, n)
	}
	for _, on := range paths {
		useRowsAsm = on
		for _, n := range ns {
			for _, k := range []int{1, 3, 8, 64, 300} {
				w, x := rowsCase(rng, n, k)
				if n == 37 && k == 8 {
					x[2], x[5] = math.NaN(), math.Inf(-1)
				}
				got, want := make([]float64, n), make([]float64, n)
				for i := range got {
					got[i] = 99 // overwritten, not read
				}
				RowTimes(got, w, x, new(RowBuf))
				rowTimesRef(want, w, x)
				for c := range want {
					if math.Float64bits(got[c]) != math.Float64bits(want[c]) && !(math.IsNaN(got[c]) && math.IsNaN(want[c])) {
						t.Fatalf("asm %v, n %d, k %d: o[%d] = %v, want %v", on, n, k, c, got[c], want[c])
					}
				}
				if n == 37 && k == 8 && !math.IsNaN(got[0]) {
					t.Fatalf("asm %v: a NaN in x gave %v", on, got[0])
				}
			}
		}
	}
}

// TestRowTimesIsDgemmRow: on a CPU with AVX2 and FMA, a row alone gives
// the bits that Dgemm's micro-kernels give it within a product of many
// rows (k ≤ 256, one block of the inner dimension; n ≥ 2, as a product
// with n = 1 goes to gonum's gemv).
func TestRowTimesIsDgemmRow(t *testing.T) {
	if !hasAVX2FMA() {
		t.Skip("Dgemm does not use the FMA micro-kernels on this CPU")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, sz := range [][2]int{{64, 64}, {5, 64}, {20, 64}, {1280, 8}, {2, 50}, {33, 256}} {
		n, k := sz[0], sz[1]
		t.Run(fmt.Sprintf("%dx%d", k, n), func(t *testing.T) {
			const rows = 37
			w := make([]float64, k*n)
			for i := range w {
				w[i] = rng.NormFloat64()
			}
			x := make([]float64, rows*k)
			for i := range x {
				if rng.IntN(3) > 0 {
					x[i] = rng.NormFloat64()
				}
			}
			c := make([]float64, rows*n)
			Dgemm(false, false, rows, n, k, 1, x, k, w, n, 0, c, n)
			o := make([]float64, n)
			for r := range rows {
				RowTimes(o, w, x[r*k:(r+1)*k], new(RowBuf))
				for j, v := range o {
					if v != c[r*n+j] {
						t.Fatalf("row %d, column %d: %v, Dgemm %v", r, j, v, c[r*n+j])
					}
				}
			}
		})
	}
}

// BenchmarkRowTimes is one row through a 64×64 layer and through the
// stacked first layer of ten members (8×1280), with a third of x zero.
func BenchmarkRowTimes(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, sz := range [][2]int{{64, 64}, {1280, 8}} {
		n, k := sz[0], sz[1]
		w, x := rowsCase(rng, n, k)
		o, buf := make([]float64, n), new(RowBuf)
		b.Run(fmt.Sprintf("%dx%d", k, n), func(b *testing.B) {
			for b.Loop() {
				RowTimes(o, w, x, buf)
			}
		})
	}
}

// TestDirectRows64: 2·mr of the fastest float64 kernel (24 with AVX-512,
// 12 with AVX2 and FMA), 0 where products go to gonum.
func TestDirectRows64(t *testing.T) {
	got := DirectRows64()
	switch {
	case useGonum:
		if got != 0 {
			t.Fatalf("got %d with gonum's products, want 0", got)
		}
	case hasAVX512():
		if got != 24 {
			t.Fatalf("got %d with AVX-512, want 24", got)
		}
	case hasAVX2FMA():
		if got != 12 {
			t.Fatalf("got %d with AVX2, want 12", got)
		}
	default:
		if got != 2*dgemmKernels[len(dgemmKernels)-1].mr {
			t.Fatalf("got %d, want 2·mr", got)
		}
	}
}
