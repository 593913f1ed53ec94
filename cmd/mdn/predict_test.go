package main

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

func TestPredict(t *testing.T) {
	mp := trainEx1d(t)
	in, xs := inputXs(t)
	m, mix := predictRows(t, mp, xs)
	K := m.Components() // M·K for an ensemble

	csvOf := func(t *testing.T, args ...string) ([]string, [][]string) {
		t.Helper()
		out, stderr, code := mdnRun(t, "", append([]string{"predict", "--model", mp, "--input", in}, args...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		return readCSV(t, out)
	}
	header := func(t *testing.T, got []string, want string) {
		t.Helper()
		if strings.Join(got, ",") != want {
			t.Errorf("header: got %s, want %s", strings.Join(got, ","), want)
		}
	}
	near := func(t *testing.T, what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
			t.Errorf("%s: got %v, want %v", what, got, want)
		}
	}

	t.Run("mean", func(t *testing.T) {
		head, rows := csvOf(t, "--what", "mean")
		header(t, head, "x,mean_y")
		if len(rows) != len(xs) {
			t.Fatalf("rows: got %d, want %d", len(rows), len(xs))
		}
		for i, r := range rows {
			near(t, "x", num(t, r[0]), xs[i])
			near(t, "mean (mixture.Mean of a one-row prediction)", num(t, r[1]), mix[i].Mean(nil)[0])
		}
	})

	t.Run("var", func(t *testing.T) {
		head, rows := csvOf(t, "--what", "var")
		header(t, head, "x,var_y")
		for i, r := range rows {
			// Σ_k π_k (σ_k² + μ_k²) − E[y]², the first form of mixture.Cov.
			var m1, m2 float64
			for k := range K {
				w, mu, s := math.Exp(mix[i].LogWeights[k]), mix[i].Means[k], mix[i].Chol[k]
				m1 += w * mu
				m2 += w * (s*s + mu*mu)
			}
			if got, want := num(t, r[1]), m2-m1*m1; math.Abs(got-want) > 1e-9 {
				t.Errorf("row %d: got %v, want %v", i, got, want)
			}
		}
	})

	t.Run("params", func(t *testing.T) {
		head, rows := csvOf(t, "--what", "params")
		header(t, head, "x,row,component,weight,mean_y,sigma_y")
		if len(rows) != K*len(xs) {
			t.Fatalf("rows: got %d, want K·n = %d", len(rows), K*len(xs))
		}
		sum := make([]float64, len(xs))
		for _, r := range rows {
			i, k := int(num(t, r[1])), int(num(t, r[2]))
			near(t, "weight", num(t, r[3]), math.Exp(mix[i].LogWeights[k]))
			near(t, "mean", num(t, r[4]), mix[i].Means[k])
			near(t, "sigma", num(t, r[5]), mix[i].Chol[k])
			sum[i] += num(t, r[3])
		}
		for _, s := range sum {
			near(t, "sum of weights", s, 1)
		}
	})

	t.Run("quantiles", func(t *testing.T) {
		head, rows := csvOf(t, "--what", "quantiles", "--q", "0.1,0.5,0.9")
		header(t, head, "x,q0.1_y,q0.5_y,q0.9_y")
		for i, r := range rows {
			for c, p := range []float64{0.1, 0.5, 0.9} {
				// F(q) = p, F the mixture CDF.
				if got := mix[i].CDF(num(t, r[1+c])); math.Abs(got-p) > 1e-9 {
					t.Errorf("row %d: F(q%v) = %v, want %v", i, p, got, p)
				}
			}
		}
	})

	t.Run("interval", func(t *testing.T) {
		head, rows := csvOf(t, "--what", "interval", "--level", "0.8")
		header(t, head, "x,lower_y,upper_y")
		for i, r := range rows {
			// The central 80% interval is [F⁻¹(0.1), F⁻¹(0.9)].
			if lo, hi := mix[i].CDF(num(t, r[1])), mix[i].CDF(num(t, r[2])); math.Abs(lo-0.1) > 1e-9 || math.Abs(hi-0.9) > 1e-9 {
				t.Errorf("row %d: F(lower), F(upper) = %v, %v, want 0.1, 0.9", i, lo, hi)
			}
		}
	})

	t.Run("mode", func(t *testing.T) {
		head, rows := csvOf(t, "--what", "mode")
		header(t, head, "x,row,mode,log_density,density,mass,y")
		last := map[int]float64{}
		mass := map[int]float64{}
		for _, r := range rows {
			i, ld, y := int(num(t, r[1])), num(t, r[3]), num(t, r[6])
			if prev, ok := last[i]; ok && ld > prev {
				t.Errorf("row %d: log densities not descending: %v after %v", i, ld, prev)
			}
			last[i] = ld
			mass[i] += num(t, r[5])
			near(t, "log_density = LogProb(mode)", ld, mix[i].LogProb([]float64{y}))
			near(t, "density = exp(log_density)", num(t, r[4]), math.Exp(ld))
		}
		for i := range xs {
			if _, ok := last[i]; !ok {
				t.Errorf("row %d: no mode", i)
			}
			near(t, "sum of masses (mixture.Modes: they sum to 1)", mass[i], 1)
		}
	})

	t.Run("json", func(t *testing.T) {
		out, stderr, code := mdnRun(t, "", "predict", "--model", mp, "--input", in, "--what", "mean", "--json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != len(xs) {
			t.Fatalf("lines: got %d, want %d", len(lines), len(xs))
		}
		for i, l := range lines {
			var got struct {
				Row  int                `json:"row"`
				X    map[string]float64 `json:"x"`
				Mean map[string]float64 `json:"mean"`
			}
			if err := json.Unmarshal([]byte(l), &got); err != nil {
				t.Fatalf("line %d: %v", i, err)
			}
			if got.Row != i || got.X["x"] != xs[i] {
				t.Errorf("line %d: got row %d x %v, want %d, %v", i, got.Row, got.X["x"], i, xs[i])
			}
			near(t, "mean", got.Mean["y"], mix[i].Mean(nil)[0])
		}
	})
}

// TestHugeCovariatesFinish: at x = ±1e300 the mixture's means are of order
// 1e298 with σ of order 1e-3, far below the float spacing there; the mode
// search used to loop for ever on them (mdn predict --what mode hung), and
// so did mdn plot --kind quantiles over such a range.
func TestHugeCovariatesFinish(t *testing.T) {
	mp := trainEx1d(t)
	in := writeFile(t, "huge.csv", "x\n1e300\n-1e300\n1e-300\n")
	stdout, stderr, code := mdnRun(t, "", "predict", "--model", mp, "--input", in, "--what", "mode")
	if code != 0 {
		t.Fatalf("predict --what mode: exit %d: %s", code, stderr)
	}
	_, rows := readCSV(t, stdout)
	if len(rows) < 3 {
		t.Fatalf("got %d mode rows, want at least one per input row:\n%s", len(rows), stdout)
	}
	out := filepath.Join(t.TempDir(), "q.png")
	if _, stderr, code := mdnRun(t, "", "plot", "--model", mp, "--data", ex1dTrain, "--kind", "quantiles",
		"--xrange", "-1e300,1e300", "--out", out); code != 0 {
		t.Fatalf("plot --kind quantiles over ±1e300: exit %d: %s", code, stderr)
	}
	checkPNG(t, out, 720, 450)
}
