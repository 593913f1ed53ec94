package data

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// near reports whether |a-b| ≤ tol.
func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestFitScaler(t *testing.T) {
	// Columns: x1 = 1,2,3,4; x2 constant 5; y = 2,4,4,6.
	d := &Dataset{XNames: []string{"x1", "x2"}, YNames: []string{"y"}, N: 4, XDim: 2, YDim: 1,
		X: []float64{1, 5, 2, 5, 3, 5, 4, 5}, Y: []float64{2, 4, 4, 6}}
	s := FitScaler(d)
	// Closed forms: mean(1..4) = 2.5, population variance = (2.25+0.25+0.25+2.25)/4 = 1.25;
	// y: mean 4, variance (4+0+0+4)/4 = 2.
	wantX := []float64{2.5, 5}
	wantXStd := []float64{math.Sqrt(1.25), 1} // constant column: std 1 by definition
	if !slices.Equal(s.XMean, wantX) || !slices.Equal(s.XStd, wantXStd) {
		t.Errorf("got x %v %v, want %v %v", s.XMean, s.XStd, wantX, wantXStd)
	}
	if !slices.Equal(s.YMean, []float64{4}) || !slices.Equal(s.YStd, []float64{math.Sqrt2}) {
		t.Errorf("got y %v %v, want [4] [%v]", s.YMean, s.YStd, math.Sqrt2)
	}
	// Independent computation on random data: gonum's population mean and std.
	rng := rand.New(rand.NewPCG(3, 4))
	r := &Dataset{N: 500, XDim: 3, YDim: 2}
	for range r.N {
		r.X = append(r.X, 3+2*rng.NormFloat64(), -1e3+rng.Float64(), 1e-6*rng.NormFloat64())
		r.Y = append(r.Y, rng.ExpFloat64(), 7)
	}
	s = FitScaler(r)
	for _, c := range []struct {
		name      string
		v         []float64
		dim, j    int
		mean, std float64
	}{
		{"x0", r.X, 3, 0, s.XMean[0], s.XStd[0]}, {"x1", r.X, 3, 1, s.XMean[1], s.XStd[1]},
		{"x2", r.X, 3, 2, s.XMean[2], s.XStd[2]}, {"y0", r.Y, 2, 0, s.YMean[0], s.YStd[0]},
	} {
		col := make([]float64, r.N)
		for i := range col {
			col[i] = c.v[i*c.dim+c.j]
		}
		m, sd := stat.PopMeanStdDev(col, nil)
		if !near(c.mean, m, 1e-12*math.Max(1, math.Abs(m))) || !near(c.std, sd, 1e-10*sd) {
			t.Errorf("%s: got %v %v, want %v %v (gonum)", c.name, c.mean, c.std, m, sd)
		}
	}
	if s.YMean[1] != 7 || s.YStd[1] != 1 {
		t.Errorf("got constant y %v %v, want 7 1", s.YMean[1], s.YStd[1])
	}
	// Standardized columns have mean 0 and std 1, except the constant one
	// (all 0 after the shift).
	z := FitScaler(s.Apply(r))
	for j := range 3 {
		if !near(z.XMean[j], 0, 1e-9) || !near(z.XStd[j], 1, 1e-9) {
			t.Errorf("x%d standardized: got mean %v std %v, want 0 1", j, z.XMean[j], z.XStd[j])
		}
	}
	if !near(z.YMean[0], 0, 1e-12) || !near(z.YStd[0], 1, 1e-12) || z.YMean[1] != 0 {
		t.Errorf("y standardized: got mean %v std %v, want [0 0] [1 1]", z.YMean, z.YStd)
	}
}

func TestFitScalerDegenerate(t *testing.T) {
	one := &Dataset{N: 1, XDim: 1, YDim: 1, X: []float64{3}, Y: []float64{-2}}
	s := FitScaler(one)
	if s.XMean[0] != 3 || s.XStd[0] != 1 || s.YMean[0] != -2 || s.YStd[0] != 1 {
		t.Errorf("one row: got %+v, want means 3 -2, stds 1 1", s)
	}
	empty := &Dataset{XDim: 2, YDim: 1}
	if got, want := FitScaler(empty), IdentityScaler(2, 1); !slices.Equal(got.XStd, want.XStd) || !slices.Equal(got.XMean, want.XMean) {
		t.Errorf("empty: got %+v, want identity %+v", got, want)
	}
}

func TestApply(t *testing.T) {
	d := &Dataset{Path: "p.csv", XNames: []string{"a"}, YNames: []string{"b", "c"}, N: 2, XDim: 1, YDim: 2,
		X: []float64{1, 3}, Y: []float64{10, 20, 30, 40}, Lines: []int{2, 3}}
	s := Scaler{XMean: []float64{1}, XStd: []float64{2}, YMean: []float64{10, 0}, YStd: []float64{10, 4}}
	got := s.Apply(d)
	// By hand: (1-1)/2, (3-1)/2; (10-10)/10, 20/4, (30-10)/10, 40/4.
	if want := []float64{0, 1}; !slices.Equal(got.X, want) {
		t.Errorf("got X %v, want %v", got.X, want)
	}
	if want := []float64{0, 5, 2, 10}; !slices.Equal(got.Y, want) {
		t.Errorf("got Y %v, want %v", got.Y, want)
	}
	if d.X[1] != 3 || got.Path != "p.csv" || !slices.Equal(got.Lines, d.Lines) {
		t.Errorf("got d.X[1]=%v Path=%q Lines=%v, want input unchanged and metadata kept", d.X[1], got.Path, got.Lines)
	}
	// An input-only dataset with the full scaler.
	in := &Dataset{XNames: []string{"a"}, N: 1, XDim: 1, X: []float64{5}}
	if got := s.Apply(in); !slices.Equal(got.X, []float64{2}) || got.YDim != 0 {
		t.Errorf("input only: got %v YDim %d, want [2] 0", got.X, got.YDim)
	}
	id := IdentityScaler(1, 2).Apply(d)
	if !slices.Equal(id.X, d.X) || !slices.Equal(id.Y, d.Y) {
		t.Errorf("identity: got %v %v, want %v %v", id.X, id.Y, d.X, d.Y)
	}
}

func TestTransformInverse(t *testing.T) {
	s := Scaler{XMean: []float64{1, -2}, XStd: []float64{0.5, 3}, YMean: []float64{100, 0.25}, YStd: []float64{7, 1e-3}}
	// TransformX by hand: (2-1)/0.5 = 2, (4+2)/3 = 2.
	if got := s.TransformX([]float64{2, 4}, nil); !slices.Equal(got, []float64{2, 2}) {
		t.Errorf("got %v, want [2 2]", got)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	dst := make([]float64, 2)
	for range 100 {
		y := []float64{100 + 50*rng.NormFloat64(), rng.NormFloat64()}
		z := s.TransformY(y, nil)
		back := s.InverseY(z, dst)
		if &back[0] != &dst[0] {
			t.Fatalf("got a new slice, want dst reused")
		}
		for k := range y {
			if !near(back[k], y[k], 1e-12*math.Max(1, math.Abs(y[k]))) {
				t.Errorf("got InverseY(TransformY(%v)) = %v, want it back", y, back)
			}
		}
		// In place.
		in := slices.Clone(y)
		s.TransformY(in, in)
		if !slices.Equal(in, z) {
			t.Errorf("got in-place %v, want %v", in, z)
		}
	}
}

func TestLogJacobian(t *testing.T) {
	// A density in original units equals the density of the standardized
	// value minus LogJacobian: check with gonum's normal, N(y; m, σ²) vs
	// N(y'; (m-μ)/s, (σ/s)²) for two independent coordinates.
	s := Scaler{YMean: []float64{3, -1}, YStd: []float64{2, 0.25}}
	if got, want := s.LogJacobian(), math.Log(2)+math.Log(0.25); !near(got, want, 1e-15) {
		t.Errorf("got %v, want log 2 + log 0.25 = %v", got, want)
	}
	m, sigma := []float64{4, 0}, []float64{1.5, 0.1}
	for _, y := range [][]float64{{4, 0}, {1, -0.3}, {10, 2}} {
		var orig, std float64
		z := s.TransformY(y, nil)
		for k := range y {
			orig += distuv.Normal{Mu: m[k], Sigma: sigma[k]}.LogProb(y[k])
			std += distuv.Normal{Mu: (m[k] - s.YMean[k]) / s.YStd[k], Sigma: sigma[k] / s.YStd[k]}.LogProb(z[k])
		}
		// NLL_orig = NLL_std + LogJacobian.
		if got := -std + s.LogJacobian(); !near(got, -orig, 1e-9) {
			t.Errorf("y=%v: got %v, want %v", y, got, -orig)
		}
	}
	if got := IdentityScaler(2, 3).LogJacobian(); got != 0 {
		t.Errorf("identity: got %v, want 0", got)
	}
}

func TestScalerJSON(t *testing.T) {
	s := Scaler{XMean: []float64{1}, XStd: []float64{2}, YMean: []float64{0.1}, YStd: []float64{3}}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"x_mean":[1],"x_std":[2],"y_mean":[0.1],"y_std":[3]}`; string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
	var back Scaler
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.YMean, s.YMean) || !slices.Equal(back.XStd, s.XStd) {
		t.Errorf("got %+v, want %+v", back, s)
	}
}

func TestScalerValidate(t *testing.T) {
	good := IdentityScaler(2, 1)
	for _, tc := range []struct {
		name       string
		s          Scaler
		xdim, ydim int
		want       string
	}{
		{"ok", good, 2, 1, ""},
		{"ok input only", good, 2, 0, ""},
		{"x dims", good, 3, 1, "data: scaler: has 2 x means and 2 x stds, want 3"},
		{"y dims", good, 2, 2, "data: scaler: has 1 y means and 1 y stds, want 2"},
		{"zero std", Scaler{XMean: []float64{0}, XStd: []float64{0}}, 1, 0, "data: scaler: x_std[0]: must be > 0, got 0"},
		{"nan mean", Scaler{XMean: []float64{0}, XStd: []float64{1}, YMean: []float64{math.NaN()}, YStd: []float64{1}}, 1, 1,
			"data: scaler: y_mean[0]: must be finite, got NaN"},
		{"inf std", Scaler{XMean: []float64{0}, XStd: []float64{1}, YMean: []float64{0}, YStd: []float64{math.Inf(1)}}, 1, 1,
			"data: scaler: y_std[0]: must be finite, got +Inf"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.s.Validate(tc.xdim, tc.ydim)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// fitColumnByColumn is the column-at-a-time form of fitColumns: the
// oracle for its one-pass order of summation.
func fitColumnByColumn(v []float64, n, dim int, mean, std []float64) {
	for j := range dim {
		var sum float64
		for i := range n {
			sum += v[i*dim+j]
		}
		m := sum / float64(n)
		var ss float64
		for i := range n {
			dv := v[i*dim+j] - m
			ss += dv * dv
		}
		sd := math.Sqrt(ss / float64(n))
		if !(sd > 0) {
			sd = 1
		}
		mean[j], std[j] = m, sd
	}
}

// TestFitColumnsOrder: the one-pass fit gives the column-by-column
// means and stds bit for bit, on values of mixed magnitudes where the
// order of summation shows.
func TestFitColumnsOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 9))
	for _, dim := range []int{1, 3, 10} {
		n := 1 + rng.IntN(5000)
		v := make([]float64, n*dim)
		for i := range v {
			v[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(30)-15))
		}
		if dim == 3 {
			for i := range n {
				v[i*dim+1] = 7 // a constant column: std 1
			}
		}
		gm, gs := make([]float64, dim), make([]float64, dim)
		wm, ws := make([]float64, dim), make([]float64, dim)
		fitColumns(n, dim, func(i int) []float64 { return v[i*dim : (i+1)*dim] }, gm, gs)
		fitColumnByColumn(v, n, dim, wm, ws)
		for j := range dim {
			if math.Float64bits(gm[j]) != math.Float64bits(wm[j]) || math.Float64bits(gs[j]) != math.Float64bits(ws[j]) {
				t.Fatalf("dim %d column %d: got mean %v std %v, want %v %v", dim, j, gm[j], gs[j], wm[j], ws[j])
			}
		}
	}
}

// BenchmarkFitScaler fits a scaler to 1,000,000 rows of 8 covariates and
// 2 responses.
func BenchmarkFitScaler(b *testing.B) {
	const n = 1_000_000
	rng := rand.New(rand.NewPCG(2, 2))
	d := &Dataset{N: n, XDim: 8, YDim: 2, X: make([]float64, 8*n), Y: make([]float64, 2*n)}
	for i := range d.X {
		d.X[i] = rng.NormFloat64()
	}
	for i := range d.Y {
		d.Y[i] = rng.NormFloat64()
	}
	b.SetBytes(8 * 10 * n)
	for b.Loop() {
		FitScaler(d)
	}
}
