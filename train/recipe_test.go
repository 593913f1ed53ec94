package train

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/encode"
)

// testRecipe is the recipe of the config defaults (docs/config.md: what
// fitconfig.Recipe makes of config.Default(), checked by
// fitconfig.TestRecipeDefaults), with no data file or columns.
func testRecipe() Recipe {
	return Recipe{
		Spec: arch.Spec{K: 5, Hidden: []int{64, 64}, Activation: arch.ReLU, Noise: arch.Diagonal,
			Transform: arch.Exp, SigmaMin: 1e-3, Dtype: arch.Float32},
		Init: arch.Glorot,
		Data: DataOptions{ValidationFraction: 0.1, Standardize: true,
			Encode: encode.Options{Unknown: encode.UnknownError, Missing: encode.MissingError, NAValues: encode.DefaultNAValues()}},
		Train: Options{Steps: 2000, BatchSize: 256, LR: 0.005, Schedule: arch.Cosine, WeightDecay: 0.5,
			EvalEvery: 50, Patience: 12, RestoreBest: true, OnNaN: arch.Rollback},
		Ensemble: 10, EnsembleMax: 10, NoiseScale: 0.5, NoiseSelect: true,
	}
}

func TestRecipeSteps(t *testing.T) {
	tests := []struct {
		name                 string
		steps, epochs, batch int
		nTrain               int
		want                 int
		source               string
	}{
		{"steps", 2000, 0, 0, 512, 2000, "Train.Steps as given"},
		{"steps ignore batch", 300, 0, 64, 512, 300, "Train.Steps as given"},
		{"full batch epochs", 0, 7, 0, 512, 7, "one step per epoch"},
		{"batch divides", 0, 3, 128, 512, 12, "3 · 512/128"},
		{"last batch dropped", 0, 3, 100, 512, 15, "3 · ⌊512/100⌋ = 3 · 5"},
		{"batch = n", 0, 4, 512, 512, 4, "one batch per epoch"},
		{"batch > n", 0, 4, 1000, 512, 4, "the whole set is one batch"},
		{"no rows", 0, 4, 100, 0, 0, "documented: 0 without rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testRecipe()
			r.Train.Steps, r.Epochs, r.Train.BatchSize = tt.steps, tt.epochs, tt.batch
			if got := r.Steps(tt.nTrain); got != tt.want {
				t.Errorf("got %d, want %d (%s)", got, tt.want, tt.source)
			}
		})
	}
}

// TestRecipeValidate maps each bad field of a recipe to its message; the
// default recipe (with columns) is valid.
func TestRecipeValidate(t *testing.T) {
	good := testRecipe()
	good.Data.Encode.X, good.Data.Encode.Y = []string{"x"}, []string{"y"}
	if err := good.Validate(); err != nil {
		t.Fatalf("the default recipe: %v", err)
	}
	for _, tc := range []struct {
		edit func(r *Recipe)
		want string
	}{
		{func(r *Recipe) { r.Spec.K = 0 }, "train: Recipe.Spec.K: must be ≥ 1, got 0"},
		{func(r *Recipe) { r.Spec.Hidden = nil }, "train: Recipe.Spec.Hidden: must have at least one layer"},
		{func(r *Recipe) { r.Spec.Hidden = []int{4, 0} }, "train: Recipe.Spec.Hidden[1]: must be ≥ 1, got 0"},
		{func(r *Recipe) { r.Spec.Hidden = make([]int, arch.MaxLayers+1) }, "train: Recipe.Spec.Hidden: has 1001 layers; at most 1000 are supported"},
		{func(r *Recipe) { r.Spec.SigmaMin = -1 }, "train: Recipe.Spec.SigmaMin: must be ≥ 0, got -1"},
		{func(r *Recipe) { r.Spec.Activation = "" }, `train: Recipe.Spec.Activation: must be one of`},
		{func(r *Recipe) { r.Spec.Noise = arch.Fixed }, "train: Recipe.Spec.FixedSigma: required with noise fixed"},
		{func(r *Recipe) { r.Spec.Noise, r.Spec.FixedSigma = arch.Fixed, []float64{-1} }, "train: Recipe.Spec.FixedSigma[0]: must be > 0, got -1"},
		{func(r *Recipe) { r.Init = "" }, "train: Recipe.Init: must be one of"},
		{func(r *Recipe) { r.Data.ValidationFraction = 1 }, "train: Recipe.Data.ValidationFraction: must be in [0, 1), got 1"},
		{func(r *Recipe) { r.Data.CalibrationFraction = -0.1 }, "train: Recipe.Data.CalibrationFraction: must be in [0, 1), got -0.1"},
		{func(r *Recipe) { r.Data.CalibrationFraction, r.Data.Calibration = 0.2, "cal.csv" },
			"train: Recipe.Data.CalibrationFraction: and Data.Calibration are mutually exclusive"},
		{func(r *Recipe) { r.Data.CalibrationFraction = 0.9 },
			"train: Recipe.Data.CalibrationFraction: 0.9 with Data.ValidationFraction 0.1 leaves no training rows: their sum must be < 1"},
		{func(r *Recipe) { r.Train.Steps = 0 }, "train: Recipe.Train.Steps: must be ≥ 1 (or Epochs ≥ 1), got 0"},
		{func(r *Recipe) { r.Train.LR = 0 }, "train: Recipe.Train.LR: must be > 0, got 0"},
		{func(r *Recipe) { r.Train.EvalEvery = 0 }, "train: Recipe.Train.EvalEvery: must be ≥ 1, got 0"},
		{func(r *Recipe) { r.Ensemble = 0 }, "train: Recipe.Ensemble: must be ≥ 1, got 0"},
		{func(r *Recipe) { r.EnsembleMax = 3 }, "train: Recipe.EnsembleMax: must be 0 or ≥ Ensemble (10), got 3"},
	} {
		r := good
		r.Spec = good.Spec.Clone()
		tc.edit(&r)
		if err := r.Validate(); err == nil || len(err.Error()) < len(tc.want) || err.Error()[:len(tc.want)] != tc.want {
			t.Errorf("got %v, want %q…", err, tc.want)
		}
	}
	// Epochs replace Steps.
	r := good
	r.Train.Steps, r.Epochs = 0, 2
	if err := r.Validate(); err != nil {
		t.Errorf("epochs without steps: %v", err)
	}
}

// TestDataOfMatchesLoadData: the rows of a file given in memory (DataOf)
// make the same Data as LoadData reading the file, and an ensemble of two
// members trained on them, each with its own hold-out, the same model bit
// for bit.
func TestDataOfMatchesLoadData(t *testing.T) {
	r := *smallRecipe(t)
	r.Ensemble, r.EnsembleMax = 2, 2
	fromFile, err := LoadData(r)
	if err != nil {
		t.Fatal(err)
	}
	rows, _, err := encode.Read(r.Data.Train, encode.Numeric(r.Data.Encode.X), r.Data.Encode.Y)
	if err != nil {
		t.Fatal(err)
	}
	inMemory, err := DataOf(r, rows, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromFile.Train.X, inMemory.Train.X) || !reflect.DeepEqual(fromFile.Val.Y, inMemory.Val.Y) ||
		!reflect.DeepEqual(fromFile.Scaler, inMemory.Scaler) || !reflect.DeepEqual(fromFile.held, inMemory.held) {
		t.Fatal("DataOf's rows or scaler differ from LoadData's")
	}
	a, _, err := Fit(context.Background(), r, fromFile, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := Fit(context.Background(), r, inMemory, nil)
	if err != nil {
		t.Fatal(err)
	}
	a.Training.Seconds, b.Training.Seconds = 0, 0
	var ea, eb bytes.Buffer
	if err := a.Encode(&ea); err != nil {
		t.Fatal(err)
	}
	if err := b.Encode(&eb); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ea.Bytes(), eb.Bytes()) {
		t.Error("the models trained on DataOf's and LoadData's rows differ")
	}

	// A validation set of another width is refused.
	wide := &data.Dataset{N: 1, XDim: 2, YDim: 1, X: []float64{1, 2}, Y: []float64{3}}
	if _, err := DataOf(r, rows, wide); err == nil || !strings.Contains(err.Error(), "the validation rows have 2 covariates") {
		t.Errorf("got %v", err)
	}
}
