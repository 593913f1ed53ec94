package train

import (
	"strings"
	"testing"

	"github.com/mdn-go/mdn/data"
)

func planData(n int, y func(i int) float64) *Data {
	d := &data.Dataset{XNames: []string{"x"}, YNames: []string{"y"}, N: n, XDim: 1, YDim: 1,
		X: make([]float64, n), Y: make([]float64, n)}
	for i := range n {
		d.X[i], d.Y[i] = float64(i), y(i)
	}
	return &Data{Train: d}
}

func TestPlanOf(t *testing.T) {
	rec := testRecipe()
	rec.Data.Encode.X, rec.Data.Encode.Y = []string{"x"}, []string{"y"}
	rec.Data.ValidationFraction = 0
	rec.Spec.Hidden = []int{4}
	rec.Spec.K = 2
	varying := func(i int) float64 { return float64(i % 3) }
	rec.Ensemble = 5

	p, err := PlanOf(rec, planData(10, varying))
	if err != nil || len(p.Warnings) != 0 {
		t.Fatalf("got %v, %v, warnings %q", p, err, p.Warnings)
	}
	// pi trunk 1→4→2: (1+1)·4 + (4+1)·2 = 18; normal trunk 1→4→4 (K·D means + K σ): 8 + 20 = 28.
	if want := "10 training rows, no validation; 1 input, 1 response; 46 parameters; 2000 steps of all 10 rows (full batch); an ensemble of 10 such networks (each with its own hold-out when the validation rows come from data.train); train.ensemble 5 grown to 10: fewer training rows than a batch (train.ensemble_max)"; p.String() != want {
		t.Fatalf("got %q, want %q", p.String(), want)
	}

	c := rec
	c.Train.BatchSize = 50
	p, err = PlanOf(c, planData(10, func(int) float64 { return 3 }))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Warnings) != 2 || !strings.Contains(p.Warnings[0], "train.batch_size 50 is more than the 10 training rows") ||
		!strings.Contains(p.Warnings[1], `response column "y" (3) is the same in every training row`) {
		t.Fatalf("warnings %q", p.Warnings)
	}

	for _, tc := range []struct {
		edit func(c *Recipe)
		n    int
		want string
	}{
		{func(c *Recipe) { c.Train.Steps = 10_000_000_000 }, 10,
			"train.steps: at most 100000000 are supported, got 10000000000 (the history keeps 32 bytes per step: 320 GB)"},
		{func(c *Recipe) { c.Train.Steps, c.Epochs, c.Train.BatchSize = 0, 1<<62, 1 }, 10,
			"train.epochs: 4611686018427387904 epochs of 10 steps are 4.61e+19 steps"},
		{func(c *Recipe) { c.Spec.Hidden = []int{1 << 20, 1 << 20} }, 10,
			"model: the network would have 2.2e+12 parameters; at most 268435456 are supported"},
	} {
		c := rec
		tc.edit(&c)
		if _, err := PlanOf(c, planData(tc.n, varying)); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("got %v, want %q", err, tc.want)
		}
	}

	// A hold-out fraction of one row holds out nothing.
	c = rec
	c.Data.ValidationFraction = 0.1
	if _, err := PlanOf(c, planData(1, varying)); err == nil || !strings.Contains(err.Error(), "data.validation_fraction: 0.1 of 1 row holds out no row") {
		t.Errorf("got %v", err)
	}
	// So does a calibration fraction.
	c = rec
	c.Data.CalibrationFraction = 0.2
	if _, err := PlanOf(c, planData(1, varying)); err == nil || err.Error() != "data.calibration_fraction: 0.2 of 1 row holds out no row; give more rows, a data.calibration file, or calibration_fraction: 0" {
		t.Errorf("got %v", err)
	}
}

func TestEnsembleSize(t *testing.T) {
	c := testRecipe() // batch 256
	for _, tc := range []struct {
		n, batch, m, max, want int
	}{
		{1000, 256, 5, 10, 5}, // a batch of 256 of 1000 rows: no growth
		{256, 256, 5, 10, 5},  // n = B
		{200, 256, 5, 10, 7},  // ⌈5·256/200⌉ = ⌈6.4⌉
		{128, 256, 5, 10, 10}, // exactly 2·5
		{52, 256, 5, 10, 10},  // ⌈24.6⌉, capped
		{52, 256, 5, 5, 5},    // ensemble_max = ensemble: exact
		{52, 0, 5, 10, 5},     // full batch: a step costs n rows anyway
		{100, 256, 1, 10, 3},  // ⌈2.56⌉
		{0, 256, 5, 10, 5},    // no rows (checked elsewhere)
	} {
		c.Train.BatchSize, c.Ensemble, c.EnsembleMax = tc.batch, tc.m, tc.max
		if got := EnsembleSize(c, tc.n); got != tc.want {
			t.Errorf("n %d, batch %d, ensemble %d, max %d: got %d, want %d", tc.n, tc.batch, tc.m, tc.max, got, tc.want)
		}
	}
}
