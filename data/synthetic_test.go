package data

import (
	"bytes"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distmv"
)

func TestGenerateShapes(t *testing.T) {
	for _, tc := range []struct {
		name           string
		xNames, yNames []string
	}{
		{"bimodal8", []string{"x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8"}, []string{"y1", "y2"}},
		{"ex1d", []string{"x"}, []string{"y"}},
		{"ex1d-uniform", []string{"x"}, []string{"y"}},
		{"ring2d", []string{"x"}, []string{"y1", "y2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, n := range []int{1, 2, 257} {
				d, err := Generate(tc.name, n, rand.New(rand.NewPCG(1, 1)))
				if err != nil {
					t.Fatal(err)
				}
				if d.N != n || d.XDim != len(tc.xNames) || d.YDim != len(tc.yNames) ||
					len(d.X) != n*d.XDim || len(d.Y) != n*d.YDim {
					t.Fatalf("n=%d: got N=%d XDim=%d YDim=%d len(X)=%d len(Y)=%d, want %d %d %d %d %d", n,
						d.N, d.XDim, d.YDim, len(d.X), len(d.Y), n, len(tc.xNames), len(tc.yNames), n*len(tc.xNames), n*len(tc.yNames))
				}
				if !slices.Equal(d.XNames, tc.xNames) || !slices.Equal(d.YNames, tc.yNames) {
					t.Errorf("got names %q %q, want %q %q", d.XNames, d.YNames, tc.xNames, tc.yNames)
				}
				if d.Path != "" || d.Lines != nil {
					t.Errorf("got Path %q Lines %v, want empty for generated data", d.Path, d.Lines)
				}
				for _, v := range append(slices.Clone(d.X), d.Y...) {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						t.Fatalf("got non-finite value %v, want finite", v)
					}
				}
			}
		})
	}
	if got, want := Names(), []string{"bimodal8", "ex1d", "ex1d-uniform", "ring2d"}; !slices.Equal(got, want) {
		t.Errorf("got Names() %q, want %q", got, want)
	}
}

func TestGenerateDeterministic(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			a, _ := Generate(name, 100, rand.New(rand.NewPCG(42, 1)))
			b, _ := Generate(name, 100, rand.New(rand.NewPCG(42, 1)))
			c, _ := Generate(name, 100, rand.New(rand.NewPCG(43, 1)))
			if !sameBits(a.X, b.X) || !sameBits(a.Y, b.Y) {
				t.Errorf("got different data for the same seed, want bit-identical")
			}
			// Every dataset draws x or its noise from rng, so a new seed
			// changes X (with probability 1).
			if sameBits(a.X, c.X) {
				t.Errorf("got the same X for different seeds, want different")
			}
		})
	}
}

func TestGenerateErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, tc := range []struct {
		name string
		n    int
		rng  *rand.Rand
		want string
	}{
		{"nope", 10, rng, `data: unknown dataset "nope"; known: bimodal8, ex1d, ex1d-uniform, ring2d (tables: penguins)`},
		{"ex1d", 0, rng, "data: generate ex1d: n must be ≥ 1, got 0"},
		{"ring2d", 5, nil, "data: generate ring2d: nil rng"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			_, err := Generate(tc.name, tc.n, tc.rng)
			if err == nil || err.Error() != tc.want {
				t.Errorf("got %v, want %s", err, tc.want)
			}
		})
	}
}

func TestLinspace(t *testing.T) {
	// Reference run: numpy 1.24.2, float(v).hex() of np.linspace(-1, 1, n).
	want11 := []float64{-0x1.0000000000000p+0, -0x1.999999999999ap-1, -0x1.3333333333333p-1, -0x1.9999999999998p-2,
		-0x1.9999999999998p-3, 0, 0x1.99999999999a0p-3, 0x1.999999999999cp-2, 0x1.3333333333334p-1,
		0x1.999999999999ap-1, 0x1.0000000000000p+0}
	if got := Linspace(-1, 1, 11); !sameBits(got, want11) {
		t.Errorf("n=11: got %v, want %v", got, want11)
	}
	v := Linspace(-1, 1, 100)
	for i, w := range map[int]float64{
		0: -1, 1: -0x1.f5a814afd6a05p-1, 2: -0x1.eb50295fad40ap-1, 3: -0x1.e0f83e0f83e10p-1,
		49: -0x1.4afd6a052bf40p-7, 50: 0x1.4afd6a052bf80p-7, 97: 0x1.eb50295fad40cp-1, 98: 0x1.f5a814afd6a06p-1, 99: 1,
	} {
		if v[i] != w {
			t.Errorf("n=100, i=%d: got %x, want %x", i, v[i], w)
		}
	}
	// numpy: linspace(a, b, 1) = [a], linspace(a, b, 0) = [].
	if got := Linspace(-1, 1, 1); !slices.Equal(got, []float64{-1}) {
		t.Errorf("n=1: got %v, want [-1]", got)
	}
	if got := Linspace(-1, 1, 0); len(got) != 0 {
		t.Errorf("n=0: got %v, want []", got)
	}
}

func TestEx1d(t *testing.T) {
	const n = 10000
	d, err := Generate("ex1d", n, rand.New(rand.NewPCG(9, 9)))
	if err != nil {
		t.Fatal(err)
	}
	if d.Y[0] != -1 || d.Y[n-1] != 1 {
		t.Errorf("got endpoints %v %v, want exactly -1 1", d.Y[0], d.Y[n-1])
	}
	if !sameBits(d.Y, Linspace(-1, 1, n)) {
		t.Errorf("got Y different from Linspace(-1, 1, n), want equal")
	}
	// x - (7 sin 5y + 0.5 y) = 0.5 ε: mean 0 (sd of the mean 0.5/√n = 0.005,
	// allow 5 sd) and population variance 0.25 (sd of the sample variance
	// ≈ 0.25·√(2/n) ≈ 0.0035, allow 5 sd).
	checkResidual(t, d, 0.025, 0.0177)
}

func TestEx1dUniform(t *testing.T) {
	const n = 10000
	d, err := Generate("ex1d-uniform", n, rand.New(rand.NewPCG(10, 10)))
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, y := range d.Y {
		if y < -1 || y >= 1 {
			t.Fatalf("got y = %v, want in [-1, 1)", y)
		}
		sum += y
	}
	// U(-1, 1): mean 0, sd 1/√3, so sd of the mean 0.0058; allow 5 sd.
	if m := sum / n; math.Abs(m) > 0.029 {
		t.Errorf("got mean y %v, want 0 ± 0.029", m)
	}
	checkResidual(t, d, 0.025, 0.0177)
}

// checkResidual checks that r = x - (7 sin 5y + 0.5 y) has mean 0 ± tolMean
// and variance 0.25 ± tolVar (x = 7 sin 5y + 0.5 y + 0.5 ε).
func checkResidual(t *testing.T, d *Dataset, tolMean, tolVar float64) {
	t.Helper()
	r := make([]float64, d.N)
	var meanX, meanF float64
	for i := range r {
		f := 7*math.Sin(5*d.Y[i]) + 0.5*d.Y[i]
		r[i] = d.X[i] - f
		meanX += d.X[i] / float64(d.N)
		meanF += f / float64(d.N)
	}
	if math.Abs(meanX-meanF) > tolMean {
		t.Errorf("got mean x %v, want mean of 7 sin(5y)+0.5y = %v ± %v", meanX, meanF, tolMean)
	}
	var v float64
	for _, e := range r {
		v += e * e / float64(d.N)
	}
	if math.Abs(v-0.25) > tolVar {
		t.Errorf("got residual variance %v, want 0.25 ± %v", v, tolVar)
	}
}

func TestRing2d(t *testing.T) {
	const n = 10000
	d, err := Generate("ring2d", n, rand.New(rand.NewPCG(11, 11)))
	if err != nil {
		t.Fatal(err)
	}
	var meanR, varR, meanY1, meanY2 float64
	for i := range n {
		x, y := d.Row(i)
		if x[0] < -1 || x[0] >= 1 {
			t.Fatalf("got x = %v, want in [-1, 1)", x[0])
		}
		// Radial residual |y| - (1 + 0.5 x): for noise 0.05 per coordinate
		// it has mean ≈ 0.05²/(2r) ≤ 0.0025 (r ≥ 0.5) and variance ≈ 0.05².
		r := math.Hypot(y[0], y[1]) - (1 + 0.5*x[0])
		meanR += r / n
		varR += r * r / n
		meanY1 += y[0] / n
		meanY2 += y[1] / n
	}
	if meanR < 0 || meanR > 0.0025+5*0.05/math.Sqrt(n) {
		t.Errorf("got mean radial residual %v, want in [0, 0.0050]", meanR)
	}
	if sd := math.Sqrt(varR); sd < 0.045 || sd > 0.055 {
		t.Errorf("got radial residual rms %v, want 0.05 ± 0.005", sd)
	}
	// θ uniform: E y = 0; |y| ≤ 1.5 + noise so sd ≤ 1.1, sd of the mean ≤ 0.011; allow 5 sd.
	if math.Abs(meanY1) > 0.055 || math.Abs(meanY2) > 0.055 {
		t.Errorf("got mean y (%v, %v), want (0, 0) ± 0.055", meanY1, meanY2)
	}
}

// bimodal8Moments returns E[y|x] and Var(y_k|x) of bimodal8 from its
// definition: a two-component mixture with weight w = σ(x1),
//
//	E[y|x]     = w μ1 + (1-w) μ2
//	Var(y_k|x) = s² + w(1-w)(μ1_k - μ2_k)²
func bimodal8Moments(x []float64) (mean, variance [2]float64) {
	w := 1 / (1 + math.Exp(-x[0]))
	mu1 := [2]float64{x[1] + x[2], x[3]}
	mu2 := [2]float64{-x[1], x[4] - x[5]}
	s := 0.1 + 0.2*math.Abs(x[6])
	for k := range 2 {
		mean[k] = w*mu1[k] + (1-w)*mu2[k]
		dm := mu1[k] - mu2[k]
		variance[k] = s*s + w*(1-w)*dm*dm
	}
	return mean, variance
}

func TestBimodal8Sampler(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 5000
	}
	d, err := Generate("bimodal8", n, rand.New(rand.NewPCG(12, 12)))
	if err != nil {
		t.Fatal(err)
	}
	// z = (y_k - E[y_k|x]) / sd(y_k|x) has mean 0 and mean square 1 given
	// any x, hence overall. Mean: sd 1/√n, allow 5. Mean square: the mixture's
	// kurtosis is at most a few, sd of the mean square ≲ 2/√n, allow 5.
	var mz, mz2 [2]float64
	for i := range n {
		x, y := d.Row(i)
		mean, variance := bimodal8Moments(x)
		for k := range 2 {
			z := (y[k] - mean[k]) / math.Sqrt(variance[k])
			mz[k] += z / float64(n)
			mz2[k] += z * z / float64(n)
		}
	}
	for k := range 2 {
		if math.Abs(mz[k]) > 5/math.Sqrt(float64(n)) {
			t.Errorf("y%d: got mean z %v, want 0 ± %v", k+1, mz[k], 5/math.Sqrt(float64(n)))
		}
		if math.Abs(mz2[k]-1) > 10/math.Sqrt(float64(n)) {
			t.Errorf("y%d: got mean z² %v, want 1 ± %v", k+1, mz2[k], 10/math.Sqrt(float64(n)))
		}
	}
	// x covariates are N(0, 1): each column's mean within 5/√n of 0.
	for j := range 8 {
		var m float64
		for i := range n {
			m += d.X[8*i+j] / float64(n)
		}
		if math.Abs(m) > 5/math.Sqrt(float64(n)) {
			t.Errorf("x%d: got mean %v, want 0 ± %v", j+1, m, 5/math.Sqrt(float64(n)))
		}
	}
}

func TestTrueLogDensity(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 13))
	for trial := range 20 {
		x := make([]float64, 8)
		for j := range x {
			x[j] = 2 * rng.NormFloat64()
		}
		y := []float64{3 * rng.NormFloat64(), 3 * rng.NormFloat64()}
		got, ok := TrueLogDensity("bimodal8", x, y)
		if !ok {
			t.Fatalf("got ok false for bimodal8, want true")
		}
		// Independent computation: gonum distmv normals and floats.LogSumExp.
		w := 1 / (1 + math.Exp(-x[0]))
		s := 0.1 + 0.2*math.Abs(x[6])
		cov := mat.NewSymDense(2, []float64{s * s, 0, 0, s * s})
		n1, _ := distmv.NewNormal([]float64{x[1] + x[2], x[3]}, cov, nil)
		n2, _ := distmv.NewNormal([]float64{-x[1], x[4] - x[5]}, cov, nil)
		want := floats.LogSumExp([]float64{math.Log(w) + n1.LogProb(y), math.Log(1-w) + n2.LogProb(y)})
		if !near(got, want, 1e-9*math.Max(1, math.Abs(want))) {
			t.Errorf("trial %d: got %v, want %v (gonum)", trial, got, want)
		}
	}
	// Far tails and saturated weights stay finite: with x1 = 800, σ(x1) = 1
	// in float64 and log(1-σ) = -800, so the density is component 1 alone.
	x := []float64{800, 1, 1, 0, 0, 0, 0, 0}
	got, _ := TrueLogDensity("bimodal8", x, []float64{2, 0})
	if want := -math.Log(2*math.Pi) - 2*math.Log(0.1); !near(got, want, 1e-12) {
		t.Errorf("saturated weight: got %v, want log N(μ1; μ1, 0.01 I) = %v", got, want)
	}
	if got, _ := TrueLogDensity("bimodal8", x, []float64{1e3, -1e3}); math.IsNaN(got) || got > -1e7 {
		t.Errorf("far tail: got %v, want a large finite negative number", got)
	}
	for _, tc := range []struct {
		name string
		x, y []float64
	}{
		{"ex1d", []float64{0}, []float64{0}},
		{"ex1d-uniform", []float64{0}, []float64{0}},
		{"ring2d", []float64{0}, []float64{1, 0}},
		{"bimodal8", make([]float64, 7), []float64{0, 0}},
		{"bimodal8", make([]float64, 8), []float64{0}},
		{"nope", make([]float64, 8), []float64{0, 0}},
	} {
		if _, ok := TrueLogDensity(tc.name, tc.x, tc.y); ok {
			t.Errorf("%s with len(x)=%d len(y)=%d: got ok true, want false", tc.name, len(tc.x), len(tc.y))
		}
	}
}

func TestTrueLogDensityIntegratesToOne(t *testing.T) {
	// ∫∫ p(y|x) dy = 1 for fixed x: midpoint rule on a grid covering both
	// components ± 8 s (the mass outside is < 1e-14).
	rng := rand.New(rand.NewPCG(14, 14))
	for trial := range 3 {
		x := make([]float64, 8)
		for j := range x {
			x[j] = rng.NormFloat64()
		}
		s := 0.1 + 0.2*math.Abs(x[6])
		lo := []float64{math.Min(x[1]+x[2], -x[1]) - 8*s, math.Min(x[3], x[4]-x[5]) - 8*s}
		hi := []float64{math.Max(x[1]+x[2], -x[1]) + 8*s, math.Max(x[3], x[4]-x[5]) + 8*s}
		// For a smooth density that vanishes at the grid's edges the midpoint
		// rule converges exponentially: for a Gaussian of sd s and cells of
		// h the error is ~ 2 exp(-2π² s²/h²), about 1e-214 at h = s/5, so
		// the sum is limited only by rounding; allow 1e-9.
		h := s / 5
		var total float64
		for y0 := lo[0] + h/2; y0 < hi[0]; y0 += h {
			for y1 := lo[1] + h/2; y1 < hi[1]; y1 += h {
				lp, _ := TrueLogDensity("bimodal8", x, []float64{y0, y1})
				total += math.Exp(lp) * h * h
			}
		}
		if !near(total, 1, 1e-9) {
			t.Errorf("trial %d: got integral %v, want 1 ± 1e-9", trial, total)
		}
	}
}

// WriteGenerated streams exactly what Generate then WriteCSV write, for
// sizes around the block boundary.
func TestWriteGeneratedMatchesGenerate(t *testing.T) {
	for _, name := range Names() {
		for _, n := range []int{1, 2, 4095, 4096, 4097, 9000} {
			d, err := Generate(name, n, rand.New(rand.NewPCG(3, 0)))
			if err != nil {
				t.Fatal(err)
			}
			var want, got bytes.Buffer
			if err := d.WriteCSV(&want); err != nil {
				t.Fatal(err)
			}
			if err := WriteGenerated(&got, name, n, rand.New(rand.NewPCG(3, 0))); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("%s n=%d: streamed output differs from Generate+WriteCSV", name, n)
			}
		}
	}
	if err := WriteGenerated(io.Discard, "nope", 3, rand.New(rand.NewPCG(0, 0))); err == nil {
		t.Fatal("unknown name accepted")
	}
}
