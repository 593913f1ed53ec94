package predict

import (
	"github.com/mdn-go/mdn/arch"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/graph"
	"github.com/mdn-go/mdn/mixture"
	"github.com/mdn-go/mdn/model"
	"gonum.org/v1/gonum/stat/distuv"
)

// Standard normal quantiles Φ⁻¹(0.75), Φ⁻¹(0.9), Φ⁻¹(0.975) (scipy.stats.norm.ppf).
const (
	z75  = 0.6744897501960817
	z90  = 1.2815515655446004
	z975 = 1.959963984540054
)

func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func mustDiag(t *testing.T, logw, means, sigmas []float64, k, d int) *mixture.Mixture {
	t.Helper()
	m, err := mixture.NewDiagonal(logw, means, sigmas, k, d)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// gaussCRPS is the closed-form CRPS of N(μ, σ²) at y (Gneiting and Raftery
// 2007, eq. 21): σ[z(2Φ(z) − 1) + 2φ(z) − 1/√π], z = (y − μ)/σ.
func gaussCRPS(mu, sigma, y float64) float64 {
	n := distuv.UnitNormal
	z := (y - mu) / sigma
	return sigma * (z*(2*n.CDF(z)-1) + 2*n.Prob(z) - 1/math.Sqrt(math.Pi))
}

func TestEvaluatorStandardNormal(t *testing.T) {
	// One N(0, 1) for every row; the observations are placed around the
	// interval ends ±z75, ±z90, ±z975 so the coverages are known exactly.
	ys := []float64{0.6, -0.7, 1.5, -2.5}
	m := mustDiag(t, []float64{0}, []float64{0}, []float64{1}, 1, 1)
	e, err := NewEvaluator(1, []string{"y"})
	if err != nil {
		t.Fatal(err)
	}
	for _, y := range ys {
		if err := e.Add(m, []float64{y}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := e.Metrics()
	if err != nil {
		t.Fatal(err)
	}
	// Closed forms for N(0, 1): −log φ(y) = y²/2 + log(2π)/2; the mean is 0.
	var nll, crps, se, ae float64
	var u []float64
	for _, y := range ys {
		nll += (y*y/2 + 0.5*math.Log(2*math.Pi)) / 4
		crps += gaussCRPS(0, 1, y) / 4
		se += y * y / 4
		ae += math.Abs(y) / 4
		u = append(u, distuv.UnitNormal.CDF(y))
	}
	r := got.Responses[0]
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"nll", got.NLL, nll},
		{"crps", r.CRPS, crps},
		{"rmse", r.RMSE, math.Sqrt(se)},
		{"mae", r.MAE, ae},
		// 0.6 < z75 < 0.7 < z90 < 1.5 < z975 < 2.5
		{"coverage_50", r.Coverage50, 1.0 / 4},
		{"coverage_80", r.Coverage80, 2.0 / 4},
		{"coverage_95", r.Coverage95, 3.0 / 4},
		{"effective_components", got.EffectiveComponents, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !near(c.got, c.want, 1e-9) {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
	t.Run("pit_histogram", func(t *testing.T) {
		// u = Φ(0.6) ≈ 0.726, Φ(−0.7) ≈ 0.242, Φ(1.5) ≈ 0.933, Φ(−2.5) ≈ 0.0062.
		want := make([]float64, PITBins)
		for _, v := range u {
			want[int(v*PITBins)] += 0.25
		}
		if !slices.Equal(r.PITHistogram, want) {
			t.Errorf("got %v, want %v", r.PITHistogram, want)
		}
	})
	t.Run("calibration_error", func(t *testing.T) {
		if want := KSUniform(u); !near(r.CalibrationError, want, 1e-12) {
			t.Errorf("got %v, want %v", r.CalibrationError, want)
		}
	})
	if got.N != 4 || r.Name != "y" || len(got.DeadComponents) != 0 {
		t.Errorf("got n %d, name %q, dead %v, want 4, \"y\", []", got.N, r.Name, got.DeadComponents)
	}
}

func TestEvaluatorComponents(t *testing.T) {
	// Two rows; the mean weights are (0.5·(0.5+0.3), 0.5·(0.5+0.7), 0) =
	// (0.4, 0.6, 0) for a dead third component of weight 0, and a fourth
	// of weight 1e-4 < DeadWeight in one row (so 5e-5 on average).
	e, _ := NewEvaluator(4, []string{"a", "b"})
	rows := [][]float64{{0.5, 0.5 - 1e-4, 0, 1e-4}, {0.3, 0.7, 0, 0}}
	for _, w := range rows {
		lw := make([]float64, 4)
		for k, v := range w {
			lw[k] = math.Log(v)
		}
		m := mustDiag(t, lw, []float64{0, 0, 1, 1, 2, 2, 3, 3}, []float64{1, 1, 1, 1, 1, 1, 1, 1}, 4, 2)
		if err := e.Add(m, []float64{0.1, 0.2}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := e.Metrics()
	if err != nil {
		t.Fatal(err)
	}
	wbar := []float64{0.4, 0.6 - 5e-5, 0, 5e-5}
	var h float64
	for _, w := range wbar {
		if w > 0 {
			h -= w * math.Log(w)
		}
	}
	if !near(got.EffectiveComponents, math.Exp(h), 1e-12) {
		t.Errorf("effective components: got %v, want %v", got.EffectiveComponents, math.Exp(h))
	}
	if !slices.Equal(got.DeadComponents, []int{2, 3}) {
		t.Errorf("dead components: got %v, want [2 3]", got.DeadComponents)
	}
	for k := range wbar {
		if !near(got.MeanWeights[k], wbar[k], 1e-12) {
			t.Errorf("mean weight %d: got %v, want %v", k, got.MeanWeights[k], wbar[k])
		}
	}
	if len(got.Responses) != 2 || got.Responses[1].Name != "b" {
		t.Errorf("responses: got %+v, want two, the second named b", got.Responses)
	}
}

func TestKSUniform(t *testing.T) {
	for _, c := range []struct {
		name string
		u    []float64
		want float64 // max_i max(i/n − u_(i), u_(i) − (i−1)/n) by hand
	}{
		{"one at the middle", []float64{0.5}, 0.5},
		{"midpoints of five cells", []float64{0.9, 0.1, 0.5, 0.3, 0.7}, 0.1},
		{"all at zero", []float64{0, 0}, 1},
		{"all at one", []float64{1, 1, 1}, 1},
		{"two low", []float64{0.1, 0.2}, 0.8},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := slices.Clone(c.u)
			if got := KSUniform(c.u); !near(got, c.want, 1e-15) {
				t.Errorf("got %v, want %v", got, c.want)
			}
			if !slices.Equal(in, c.u) {
				t.Errorf("input changed: got %v, want %v", c.u, in)
			}
		})
	}
	if got := KSUniform(nil); !math.IsNaN(got) {
		t.Errorf("empty: got %v, want NaN", got)
	}
}

func TestPITHistogram(t *testing.T) {
	got := PITHistogram([]float64{0, 0.05, 0.1, 0.95, 1, 1}, 10)
	// bins: 0 → 0, 0.05 → 0, 0.1 → 1, 0.95 → 9, 1 → 9 (last bin), 1 → 9.
	want := []float64{2.0 / 6, 1.0 / 6, 0, 0, 0, 0, 0, 0, 0, 3.0 / 6}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestInterval(t *testing.T) {
	// N(1, 2²): [1 − 2z, 1 + 2z] with z the standard normal quantile.
	m := mustDiag(t, []float64{0}, []float64{1}, []float64{2}, 1, 1)
	for _, c := range []struct {
		level, z float64
	}{{0.5, z75}, {0.8, z90}, {0.95, z975}} {
		lo, hi, err := Interval(m, c.level)
		if err != nil {
			t.Fatal(err)
		}
		if !near(lo, 1-2*c.z, 1e-9) || !near(hi, 1+2*c.z, 1e-9) {
			t.Errorf("level %v: got [%v, %v], want [%v, %v]", c.level, lo, hi, 1-2*c.z, 1+2*c.z)
		}
	}
	for _, c := range []struct {
		name  string
		m     *mixture.Mixture
		level float64
		want  string
	}{
		{"level 0", m, 0, "predict: interval: level must be in (0, 1), got 0"},
		{"level 1.5", m, 1.5, "predict: interval: level must be in (0, 1), got 1.5"},
		{"level NaN", m, math.NaN(), "predict: interval: level must be in (0, 1), got NaN"},
		{"2-D", mustDiag(t, []float64{0}, []float64{0, 0}, []float64{1, 1}, 1, 2), 0.5, "predict: interval: mixture: quantile: D = 2: mixture is not 1-D"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := Interval(c.m, c.level)
			if err == nil || err.Error() != c.want {
				t.Errorf("got %v, want %q", err, c.want)
			}
		})
	}
}

func TestEvaluatorErrors(t *testing.T) {
	m := mustDiag(t, []float64{0}, []float64{0}, []float64{1}, 1, 1)
	e, _ := NewEvaluator(1, []string{"y"})
	for _, c := range []struct {
		name string
		m    *mixture.Mixture
		y    []float64
		want string
	}{
		{"wrong K", mustDiag(t, []float64{0, 0}, []float64{0, 1}, []float64{1, 1}, 2, 1), []float64{0}, "predict: mixture has K = 2 and D = 1, want 1 and 1"},
		{"short y", m, nil, "predict: y has 0 values, want 1"},
		{"NaN y", m, []float64{math.NaN()}, `predict: response "y" is NaN, want a finite number`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := e.Add(c.m, c.y); err == nil || err.Error() != c.want {
				t.Errorf("got %v, want %q", err, c.want)
			}
		})
	}
	if _, err := e.Metrics(); err == nil || err.Error() != "predict: no rows to evaluate" {
		t.Errorf("got %v, want %q", err, "predict: no rows to evaluate")
	}
	if _, err := NewEvaluator(0, []string{"y"}); err == nil {
		t.Errorf("NewEvaluator(0, …): got nil error, want one")
	}
}

// testModel returns a random float64 model over covariates xa, xb and
// responses ya, yb with three diagonal components.
func testModel(t *testing.T) *model.Model {
	t.Helper()
	s := arch.Spec{In: 2, Out: 2, K: 3, Hidden: []int{6}, Activation: arch.Tanh, Noise: arch.Diagonal,
		Transform: arch.Exp, SigmaMin: 0.01, Dtype: arch.Float64}
	w, err := graph.NewWeights(s, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	sc := data.Scaler{XMean: []float64{1, -1}, XStd: []float64{2, 0.5}, YMean: []float64{3, 0}, YStd: []float64{1.5, 0.2}}
	m, err := model.New(s, w.Arrays(), []string{"xa", "xb"}, []string{"ya", "yb"}, sc, model.Summary{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestEvaluateMatchesRowByRow(t *testing.T) {
	// 5000 rows span two prediction chunks of model.DefaultBatch = 4096.
	m := testModel(t)
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 5000
	d := &data.Dataset{XNames: m.XNames, YNames: m.YNames, N: n, XDim: 2, YDim: 2,
		X: make([]float64, 2*n), Y: make([]float64, 2*n)}
	for i := range d.X {
		d.X[i] = rng.NormFloat64()
		d.Y[i] = 3*rng.NormFloat64() + float64(1-i%2)*3
	}
	got, err := Evaluate(m, d)
	if err != nil {
		t.Fatal(err)
	}
	// Independently: one row at a time through a Predictor of batch 1.
	p := m.Predictor(1)
	var nll, se float64
	for i := range n {
		x, y := d.Row(i)
		mix, err := p.Predict(x, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		nll -= mix[0].LogProb(y) / n
		r := y[1] - mix[0].Mean(nil)[1]
		se += r * r / n
	}
	if got.N != n || !near(got.NLL, nll, 1e-10) || !near(got.Responses[1].RMSE, math.Sqrt(se), 1e-10) {
		t.Errorf("got n %d, nll %v, rmse(yb) %v, want %d, %v, %v", got.N, got.NLL, got.Responses[1].RMSE, n, nll, math.Sqrt(se))
	}
}

func TestEvaluateErrors(t *testing.T) {
	m := testModel(t)
	bad := &data.Dataset{Path: "ex.csv", N: 2, XDim: 2, YDim: 2, Lines: []int{2, 5},
		X: []float64{0, 0, 1, 1}, Y: []float64{0, 0, 0, math.Inf(1)}}
	short := &data.Dataset{N: 1, XDim: 2, YDim: 1, X: []float64{0, 0}, Y: []float64{0}}
	for _, c := range []struct {
		name string
		d    *data.Dataset
		want string
	}{
		{"bad value", bad, `predict: evaluate ex.csv: line 5: response "yb" is +Inf, want a finite number`},
		{"columns", short, "predict: evaluate: the data have 2 covariate and 1 response columns, the model wants 2 and 2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Evaluate(m, c.d); err == nil || err.Error() != c.want {
				t.Errorf("got %v, want %q", err, c.want)
			}
		})
	}
}
