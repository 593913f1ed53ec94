package data

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// Names returns the names of the synthetic datasets that Generate knows,
// sorted.
func Names() []string {
	return []string{"bimodal8", "ex1d", "ex1d-uniform", "ring2d"}
}

// Generate draws n rows of the synthetic dataset name from rng; the same
// seed gives the same dataset, bit for bit. The datasets, with ε, ε1, ε2 ~
// N(0, 1) independent and U(a, b) uniform:
//
// "ex1d", the example of the original MDN tutorial, whose p(y|x) is
// multimodal because x is a non-invertible function of y (XNames ["x"],
// YNames ["y"]):
//
//	y_i = linspace(-1, 1, n)_i       exactly as numpy.linspace: -1 + i·(2/(n-1)), last = 1
//	x_i = 7 sin(5 y_i) + 0.5 y_i + 0.5 ε
//
// "ex1d-uniform": the same but y ~ U(-1, 1) drawn per row, as in the
// reference test set.
//
// "ring2d", two responses on a ring whose radius depends on x (XNames ["x"],
// YNames ["y1", "y2"]):
//
//	x ~ U(-1, 1),  θ ~ U(0, 2π)
//	y = (cos θ, sin θ)·(1 + 0.5 x) + 0.05 (ε1, ε2)
//
// "bimodal8", eight covariates x1..x8 ~ N(0, 1) and two responses y1, y2 from
// a two-component mixture with diagonal (uncorrelated) Gaussian noise whose
// scale depends on x7 (x8 is pure noise, unused):
//
//	with probability w = σ(x1) = 1/(1+exp(-x1)):  μ = (x2 + x3, x4)
//	otherwise:                                     μ = (-x2, x5 - x6)
//	s = 0.1 + 0.2 |x7|
//	y = μ + s (ε1, ε2)
//
// Its density is given by TrueLogDensity.
//
// Per row, rng is drawn in the order the variables are listed above. Generate
// returns an error for an unknown name (listing the known ones), n < 1, or a
// nil rng.
func Generate(name string, n int, rng *rand.Rand) (*Dataset, error) {
	gen, xNames, yNames, err := generator(name, n, rng)
	if err != nil {
		return nil, err
	}
	d := newBlock(xNames, yNames, n)
	gen(d, rng, 0, n)
	return d, nil
}

// genBlock is the number of rows WriteGenerated generates at a time.
const genBlock = 4096

// WriteGenerated writes n rows of the synthetic dataset name, drawn from
// rng, to w as CSV (as Dataset.WriteCSV does), generating and writing 4096
// rows at a time, so that memory does not grow with n. The output is the
// same, byte for byte, as Generate followed by WriteCSV.
func WriteGenerated(w io.Writer, name string, n int, rng *rand.Rand) error {
	gen, xNames, yNames, err := generator(name, n, rng)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var buf []byte
	for j, c := range append(slices.Clone(xNames), yNames...) {
		if j > 0 {
			buf = append(buf, ',')
		}
		buf = AppendCSVField(buf, c)
	}
	buf = append(buf, '\n')
	d := newBlock(xNames, yNames, min(n, genBlock))
	for i0 := 0; i0 < n; i0 += genBlock {
		if rows := min(genBlock, n-i0); rows < d.N {
			d = newBlock(xNames, yNames, rows)
		}
		gen(d, rng, i0, n)
		for i := range d.N {
			x, y := d.Row(i)
			buf = append(appendValues(append(appendValues(buf, x), ','), y), '\n')
		}
		if _, err := bw.Write(buf); err != nil {
			return fmt.Errorf("data: write csv: %w", err)
		}
		buf = buf[:0]
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("data: write csv: %w", err)
	}
	return nil
}

func newBlock(xNames, yNames []string, n int) *Dataset {
	return &Dataset{XNames: xNames, YNames: yNames, N: n, XDim: len(xNames), YDim: len(yNames),
		X: make([]float64, n*len(xNames)), Y: make([]float64, n*len(yNames))}
}

// generator returns the row generator of dataset name and its columns. A
// generator fills the d.N rows of d, which are rows i0… of a dataset of
// total rows.
func generator(name string, n int, rng *rand.Rand) (gen func(d *Dataset, rng *rand.Rand, i0, total int), xNames, yNames []string, err error) {
	switch name {
	case "ex1d":
		gen, xNames, yNames = genEx1d, []string{"x"}, []string{"y"}
	case "ex1d-uniform":
		gen, xNames, yNames = genEx1dUniform, []string{"x"}, []string{"y"}
	case "ring2d":
		gen, xNames, yNames = genRing2d, []string{"x"}, []string{"y1", "y2"}
	case "bimodal8":
		gen = genBimodal8
		xNames = []string{"x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8"}
		yNames = []string{"y1", "y2"}
	default:
		return nil, nil, nil, fmt.Errorf("data: unknown dataset %q; known: %s", name, strings.Join(Names(), ", ")+" (tables: "+strings.Join(TableNames(), ", ")+")")
	}
	if n < 1 {
		return nil, nil, nil, fmt.Errorf("data: generate %s: n must be ≥ 1, got %d", name, n)
	}
	if rng == nil {
		return nil, nil, nil, fmt.Errorf("data: generate %s: nil rng", name)
	}
	return gen, xNames, yNames, nil
}

// Linspace returns n evenly spaced values from start to stop inclusive,
// computed as numpy.linspace does (so the values match it bit for bit):
//
//	step = (stop - start)/(n - 1)
//	v_i  = i·step + start,   v_{n-1} = stop
//
// n = 1 gives [start]; n ≤ 0 gives an empty slice.
func Linspace(start, stop float64, n int) []float64 {
	if n <= 0 {
		return []float64{}
	}
	v := make([]float64, n)
	if n == 1 {
		v[0] = start
		return v
	}
	step := (stop - start) / float64(n-1)
	for i := range v {
		// The explicit conversion rounds the product, preventing a fused
		// multiply-add, as numpy computes (arange·step) + start.
		v[i] = float64(float64(i)*step) + start
	}
	v[n-1] = stop
	return v
}

// linspaceAt is Linspace(start, stop, n)[i], without the slice.
func linspaceAt(start, stop float64, n, i int) float64 {
	if n == 1 {
		return start
	}
	if i == n-1 {
		return stop
	}
	step := (stop - start) / float64(n-1)
	return float64(float64(i)*step) + start
}

// ex1dX is the ex1d covariate given y and a standard normal draw.
func ex1dX(y, eps float64) float64 {
	return 7*math.Sin(5*y) + 0.5*y + 0.5*eps
}

func genEx1d(d *Dataset, rng *rand.Rand, i0, total int) {
	for i := range d.N {
		d.Y[i] = linspaceAt(-1, 1, total, i0+i)
		d.X[i] = ex1dX(d.Y[i], rng.NormFloat64())
	}
}

func genEx1dUniform(d *Dataset, rng *rand.Rand, _, _ int) {
	for i := range d.N {
		y := -1 + 2*rng.Float64()
		d.Y[i] = y
		d.X[i] = ex1dX(y, rng.NormFloat64())
	}
}

func genRing2d(d *Dataset, rng *rand.Rand, _, _ int) {
	for i := range d.N {
		x := -1 + 2*rng.Float64()
		theta := 2 * math.Pi * rng.Float64()
		r := 1 + 0.5*x
		d.X[i] = x
		d.Y[2*i] = math.Cos(theta)*r + 0.05*rng.NormFloat64()
		d.Y[2*i+1] = math.Sin(theta)*r + 0.05*rng.NormFloat64()
	}
}

// bimodal8Params returns the bimodal8 mixture for covariates x (length 8):
// log weights, means and the common noise scale.
func bimodal8Params(x []float64) (logW1, logW2 float64, mu1, mu2 [2]float64, s float64) {
	logW1 = -softplus(-x[0]) // log σ(x1)
	logW2 = -softplus(x[0])  // log(1 - σ(x1))
	mu1 = [2]float64{x[1] + x[2], x[3]}
	mu2 = [2]float64{-x[1], x[4] - x[5]}
	s = 0.1 + 0.2*math.Abs(x[6])
	return logW1, logW2, mu1, mu2, s
}

// softplus is log(1 + exp(z)), computed without overflow for large z.
func softplus(z float64) float64 {
	if z > 0 {
		return z + math.Log1p(math.Exp(-z))
	}
	return math.Log1p(math.Exp(z))
}

func genBimodal8(d *Dataset, rng *rand.Rand, _, _ int) {
	for i := range d.N {
		x := d.X[8*i : 8*i+8]
		for j := range x {
			x[j] = rng.NormFloat64()
		}
		w := 1 / (1 + math.Exp(-x[0]))
		_, _, mu1, mu2, s := bimodal8Params(x)
		mu := mu2
		if rng.Float64() < w {
			mu = mu1
		}
		d.Y[2*i] = mu[0] + s*rng.NormFloat64()
		d.Y[2*i+1] = mu[1] + s*rng.NormFloat64()
	}
}

// TrueLogDensity returns the true conditional log density log p(y|x) of the
// synthetic dataset name, and whether it is known. Only "bimodal8" has one
// here, the two-component mixture of its generator:
//
//	log p(y|x) = logsumexp( log σ(x1) + log N(y; μ1, s²I), log(1-σ(x1)) + log N(y; μ2, s²I) )
//	log N(y; μ, s²I) = -log(2π) - 2 log s - |y - μ|²/(2 s²)
//
// with μ1, μ2, s as in Generate. It returns false for the other names (for
// "ex1d" and "ex1d-uniform" p(y|x) has no closed form) and when len(x) or
// len(y) does not match the dataset (8 and 2).
func TrueLogDensity(name string, x, y []float64) (float64, bool) {
	if name != "bimodal8" || len(x) != 8 || len(y) != 2 {
		return 0, false
	}
	logW1, logW2, mu1, mu2, s := bimodal8Params(x)
	logNorm := func(mu [2]float64) float64 {
		d0, d1 := y[0]-mu[0], y[1]-mu[1]
		return -math.Log(2*math.Pi) - 2*math.Log(s) - (d0*d0+d1*d1)/(2*s*s)
	}
	a, b := logW1+logNorm(mu1), logW2+logNorm(mu2)
	// Max-subtracted logsumexp of two terms: no overflow, and a -Inf term
	// (exp underflow of a weight) drops out.
	m := math.Max(a, b)
	if math.IsInf(m, -1) {
		return m, true
	}
	return m + math.Log(math.Exp(a-m)+math.Exp(b-m)), true
}
