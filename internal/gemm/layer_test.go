package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// layerRef is RowLayer's definition: rowTimesRef, then + b and Go's
// max(v, 0) with relu, and the mask of the nonzero outputs.
func layerRef(o, w, b, x []float64, relu bool) (om []uint64) {
	rowTimesRef(o, w, x)
	om = make([]uint64, (len(o)+63)/64)
	for c := range o {
		o[c] += b[c]
		if relu {
			o[c] = max(o[c], 0)
			if o[c] != 0 {
				om[c/64] |= 1 << (c % 64)
			}
		}
	}
	return om
}

// layerPaths is RowLayer's paths that this CPU runs.
func layerPaths(t *testing.T) []int {
	paths := []int{layerGo}
	if useLayerAsm >= layerAVX2 {
		paths = append(paths, layerAVX2)
	}
	if useLayerAsm >= layerAVX512 {
		paths = append(paths, layerAVX512)
	}
	t.Logf("paths %v (0 Go, 1 AVX2, 2 AVX-512)", paths)
	return paths
}

// TestRowLayerPaths: every path of RowLayer and RowLayer32 (Go, and the
// AVX2 and AVX-512 kernels where this CPU has them) gives layerRef's bits and mask for
// every block shape (n = 1 … 140, 1280; full blocks and every tail), k from
// 0 to 300 (one to five mask words, with zero words), with and without
// ReLU, float32 weights (RowLayer32) in every other case, and with NaN and ±Inf in x (a NaN is not skipped, and a NaN output
// is kept by ReLU and marked nonzero).
func TestRowLayerPaths(t *testing.T) {
	path := useLayerAsm
	defer func() { useLayerAsm = path }()
	rng := rand.New(rand.NewPCG(7, 8))
	ns := []int{1280, 1281}
	for n := 1; n <= 140; n++ {
		ns = append(ns, n)
	}
	for _, on := range layerPaths(t) {
		useLayerAsm = on
		for _, n := range ns {
			for _, k := range []int{0, 1, 3, 8, 63, 64, 65, 200, 300} {
				for _, relu := range []bool{false, true} {
					w, x := rowsCase(rng, n, k)
					if k == 200 {
						clear(x[64:128]) // a mask word of zeros
					}
					if n%7 == 3 && k >= 8 {
						x[2], x[5] = math.NaN(), math.Inf(-1)
					}
					bias := make([]float64, n)
					for c := range bias {
						bias[c] = rng.NormFloat64()
					}
					if n > 3 {
						bias[3] = math.Copysign(0, -1)
					}
					xm := make([]uint64, (k+63)/64)
					NonzeroMask(xm, x)
					// Every other case through RowLayer32 with the weights
					// rounded to float32.
					w32 := (n+k)%2 == 1
					var ws []float32
					if w32 {
						ws = make([]float32, len(w))
						for i, v := range w {
							ws[i] = float32(v)
							w[i] = float64(ws[i])
						}
					}
					got, want := make([]float64, n+1), make([]float64, n)
					for i := range got {
						got[i] = 99
					}
					om := make([]uint64, (n+63)/64+1)
					for i := range om {
						om[i] = 0xdead // cleared by RowLayer with relu
					}
					if w32 {
						RowLayer32(got[:n], ws, bias, x, xm, om, relu)
					} else {
						RowLayer(got[:n], w, bias, x, xm, om, relu)
					}
					wantm := layerRef(want, w, bias, x, relu)
					for c := range want {
						if math.Float64bits(got[c]) != math.Float64bits(want[c]) && !(math.IsNaN(got[c]) && math.IsNaN(want[c])) {
							t.Fatalf("path %d, n %d, k %d, relu %v, float32 %v: o[%d] = %v, want %v", on, n, k, relu, w32, c, got[c], want[c])
						}
					}
					if got[n] != 99 {
						t.Fatalf("path %d, n %d, k %d: wrote past o", on, n, k)
					}
					if relu {
						for i, m := range wantm {
							if om[i] != m {
								t.Fatalf("path %d, n %d, k %d: om[%d] = %#x, want %#x", on, n, k, i, om[i], m)
							}
						}
					} else if om[0] != 0xdead {
						t.Fatalf("path %d: om written without relu", on)
					}
					if om[len(om)-1] != 0xdead {
						t.Fatalf("path %d, n %d: wrote past om", on, n)
					}
				}
			}
		}
	}
}

// TestRowLayerIsRowTimes: RowLayer without bias and ReLU gives
// RowTimes's bits (and so Dgemm's, where TestRowTimesIsDgemmRow holds),
// on every path.
func TestRowLayerIsRowTimes(t *testing.T) {
	path := useLayerAsm
	defer func() { useLayerAsm = path }()
	rng := rand.New(rand.NewPCG(9, 10))
	for _, on := range layerPaths(t) {
		useLayerAsm = on
		for _, sz := range [][2]int{{64, 64}, {5, 64}, {20, 64}, {1280, 8}, {2, 50}, {33, 256}} {
			n, k := sz[0], sz[1]
			w, x := rowsCase(rng, n, k)
			xm := make([]uint64, (k+63)/64)
			NonzeroMask(xm, x)
			got, want := make([]float64, n), make([]float64, n)
			RowLayer(got, w, make([]float64, n), x, xm, nil, false)
			RowTimes(want, w, x, new(RowBuf))
			for c := range want {
				if math.Float64bits(got[c]) != math.Float64bits(want[c]) {
					t.Fatalf("path %d, %dx%d: o[%d] = %v, RowTimes %v", on, k, n, c, got[c], want[c])
				}
			}
		}
	}
}

// TestMasks: NonzeroMask marks the nonzero values (NaN too, not −0), and
// CopyBits takes any run of bits.
func TestMasks(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	x := make([]float64, 300)
	for j := range x {
		switch rng.IntN(4) {
		case 0:
			x[j] = math.Copysign(0, -1)
		case 1:
			x[j] = math.NaN()
		case 2:
			x[j] = rng.NormFloat64()
		}
	}
	m := make([]uint64, 6)
	m[5] = 77
	NonzeroMask(m, x)
	for j, v := range x {
		if got := m[j/64]>>(j%64)&1 == 1; got != (v != 0 || v != v) {
			t.Fatalf("NonzeroMask: bit %d is %v for %v", j, got, v)
		}
	}
	if m[4]>>(300%64) != 0 || m[5] != 77 {
		t.Fatal("NonzeroMask: bits beyond len(x) set or a word beyond written")
	}
	for _, off := range []int{0, 1, 63, 64, 65, 100} {
		for _, n := range []int{1, 5, 63, 64, 65, 130, 300 - off} {
			if off+n > 300 {
				continue
			}
			dst := make([]uint64, (n+63)/64)
			CopyBits(dst, m, off, n)
			for i := range (n + 63) / 64 * 64 {
				got := dst[i/64]>>(i%64)&1 == 1
				want := i < n && m[(off+i)/64]>>((off+i)%64)&1 == 1
				if got != want {
					t.Fatalf("CopyBits(off %d, n %d): bit %d is %v", off, n, i, got)
				}
			}
		}
	}
}

// BenchmarkRowLayer is one row through a 64×64 ReLU layer, the stacked
// first layer of ten members (8×1280) and the 64×5 and 64×20 output
// layers, with a third of x zero.
func BenchmarkRowLayer(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, sz := range [][2]int{{64, 64}, {1280, 8}, {5, 64}, {20, 64}} {
		n, k := sz[0], sz[1]
		w, x := rowsCase(rng, n, k)
		xm, om := make([]uint64, (k+63)/64), make([]uint64, (n+63)/64)
		NonzeroMask(xm, x)
		o, bias := make([]float64, n), make([]float64, n)
		b.Run(fmt.Sprintf("%dx%d", k, n), func(b *testing.B) {
			for b.Loop() {
				RowLayer(o, w, bias, x, xm, om, true)
			}
		})
	}
}
