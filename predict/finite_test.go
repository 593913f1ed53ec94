package predict

import (
	"math"
	"strings"
	"testing"

	"github.com/mdn-go/mdn/mixture"
)

// TestCheckFinite: each kind's first non-finite value is named by its CSV
// column (and component or mode); finite summaries pass.
func TestCheckFinite(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	ys := []string{"a", "b"}
	for _, c := range []struct {
		name string
		s    Summarizer
		sum  Summary
		want string // "" for no error
	}{
		{"mean ok", Summarizer{Kind: KindMean}, Summary{Mean: []float64{1, 2}}, ""},
		{"mean", Summarizer{Kind: KindMean}, Summary{Mean: []float64{1, -inf}}, "mean_b is -Inf (beyond the float64 range)"},
		{"var", Summarizer{Kind: KindVar}, Summary{Var: []float64{inf, 1}, Cov: []float64{inf, 0, 0, 1}}, "var_a is +Inf (beyond the float64 range)"},
		{"cov", Summarizer{Kind: KindVar}, Summary{Var: []float64{1, 1}, Cov: []float64{1, 0, nan, 1}}, "cov_b_a is NaN (not a number)"},
		{"params sigma", Summarizer{Kind: KindParams}, Summary{Components: []Component{
			{Weight: 0.5, Mean: []float64{0, 0}, Sigma: []float64{1, 1}},
			{Weight: 0.5, Mean: []float64{0, 0}, Sigma: []float64{1, inf}}}}, "component 1: sigma_b is +Inf (beyond the float64 range)"},
		{"params cov", Summarizer{Kind: KindParams, Full: true}, Summary{Components: []Component{
			{Weight: 1, Mean: []float64{0, 0}, Cov: []float64{1, inf, inf, 1}}}}, "component 0: cov_b_a is +Inf (beyond the float64 range)"},
		{"params weight", Summarizer{Kind: KindParams}, Summary{Components: []Component{
			{Weight: nan, Mean: []float64{0, 0}, Sigma: []float64{1, 1}}}}, "component 0: weight is NaN (not a number)"},
		{"mode density", Summarizer{Kind: KindModes}, Summary{Modes: []mixture.Mode{
			{Y: []float64{0, 0}, LogDensity: 1, Mass: 1}, {Y: []float64{0, 0}, LogDensity: 800, Mass: 0}}},
			"mode 1: density is +Inf (beyond the float64 range)"},
		{"mode y", Summarizer{Kind: KindModes}, Summary{Modes: []mixture.Mode{{Y: []float64{0, inf}, LogDensity: 1, Mass: 1}}},
			"mode 0: b is +Inf (beyond the float64 range)"},
		{"quantiles", Summarizer{Kind: KindQuantiles, Q: []float64{0.1, 0.9}}, Summary{Quantiles: [][]float64{{0, 0}, {inf, 0}}},
			"q0.9_a is +Inf (beyond the float64 range)"},
		{"interval", Summarizer{Kind: KindInterval, Level: 0.9}, Summary{Lower: []float64{0, 0}, Upper: []float64{0, nan}},
			"upper_b is NaN (not a number)"},
	} {
		err := c.s.CheckFinite(&c.sum, ys)
		if got := errString(err); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestEvaluatorOverflow: a row whose squared error overflows is refused
// before it is added, and the rows before it keep finite metrics.
func TestEvaluatorOverflow(t *testing.T) {
	e, err := NewEvaluator(1, []string{"y"})
	if err != nil {
		t.Fatal(err)
	}
	wide, err := mixture.NewDiagonal([]float64{0}, []float64{0}, []float64{1e100}, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Add(wide, []float64{1}); err != nil {
		t.Fatal(err)
	}
	// log p(1e160) is finite (−0.5·(1e160/1e100)² − log 1e100 − ½log 2π),
	// but (1e160)² overflows.
	err = e.Add(wide, []float64{1e160})
	if err == nil || !strings.Contains(err.Error(), `the squared error of response "y", (y − E[y])², overflows float64`) {
		t.Fatalf("got %v, want the squared error to overflow", err)
	}
	m, err := e.Metrics()
	if err != nil {
		t.Fatal(err)
	}
	if m.N != 1 || m.Responses[0].RMSE != 1 || math.IsInf(m.NLL, 0) {
		t.Errorf("after the refused row: n = %d, rmse = %v, nll = %v; want 1, 1, finite", m.N, m.Responses[0].RMSE, m.NLL)
	}
}
