package fitconfig

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/config"
	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/encode"
	"github.com/mdn-go/mdn/train"
)

// TestRecipeDefaults: the recipe of the config defaults (docs/config.md) is
// the one package train's tests use as theirs (train.testRecipe).
func TestRecipeDefaults(t *testing.T) {
	want := train.Recipe{
		Spec: arch.Spec{K: 5, Hidden: []int{64, 64}, Activation: arch.ReLU, Noise: arch.Diagonal,
			Transform: arch.Exp, SigmaMin: 1e-3, Dtype: arch.Float32},
		Init: arch.Glorot,
		Data: train.DataOptions{ValidationFraction: 0.1, Standardize: true,
			Encode: encode.Options{Unknown: encode.UnknownError, Missing: encode.MissingError, NAValues: encode.DefaultNAValues()}},
		Train: train.Options{Steps: 2000, BatchSize: 256, LR: 0.005, Schedule: arch.Cosine, WeightDecay: 0.5,
			EvalEvery: 50, Patience: 12, RestoreBest: true, OnNaN: arch.Rollback},
		Ensemble: 10, EnsembleMax: 10, NoiseScale: 0.5, NoiseSelect: true,
	}
	cfg := config.Default()
	if got := Recipe(&cfg); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if config.DefaultBatchSize != train.DefaultBatchSize {
		t.Errorf("config.DefaultBatchSize %d, train.DefaultBatchSize %d: PlanOf's warning needs them equal", config.DefaultBatchSize, train.DefaultBatchSize)
	}
}

// TestRecipeKeys: every key of a config with no default value left lands
// in its field of the recipe, and the recipe shares no slice with the
// config.
func TestRecipeKeys(t *testing.T) {
	cfg := config.Config{
		Data: config.Data{Train: "t.csv", Validation: "v.csv", ValidationFraction: 0.25, Calibration: "c.csv", CalibrationFraction: 0.2,
			CalibrationLevels: []float64{0.5}, X: []string{"a", "b"}, Y: []string{"y"},
			Standardize: false, Categorical: []string{"b"}, UnknownLevel: encode.UnknownZero, Missing: encode.MissingImpute,
			NAValues: []string{}},
		Model: config.Model{Components: 3, Hidden: []int{7}, Activation: arch.Tanh, Noise: arch.Fixed, FixedSigma: 0.2,
			Sigma: arch.Softplus, SigmaMin: 0.01, DType: arch.Float64, Init: arch.Torch, Skip: true},
		Train: config.Train{Epochs: 4, BatchSize: 32, LR: 0.1, Schedule: arch.Constant, Warmup: 2, Seed: 9,
			ClipNorm: 1.5, WeightDecay: 0.1, EvalEvery: 3, Patience: 2, RestoreBest: false, OnNaN: arch.Stop,
			Ensemble: 2, EnsembleMax: 6, NoiseScale: 0.3, NoiseSelect: false, Threads: 5},
	}
	want := train.Recipe{
		Spec: arch.Spec{K: 3, Hidden: []int{7}, Activation: arch.Tanh, Noise: arch.Fixed, FixedSigma: []float64{0.2},
			Transform: arch.Softplus, SigmaMin: 0.01, Dtype: arch.Float64, Skip: true},
		Init: arch.Torch,
		Data: train.DataOptions{Train: "t.csv", Validation: "v.csv", ValidationFraction: 0.25, Calibration: "c.csv", CalibrationFraction: 0.2,
			Encode: encode.Options{X: []string{"a", "b"}, Y: []string{"y"}, Categorical: []string{"b"},
				Unknown: encode.UnknownZero, Missing: encode.MissingImpute, NAValues: []string{}}},
		Train: train.Options{BatchSize: 32, LR: 0.1, Schedule: arch.Constant, Warmup: 2, Seed: 9, ClipNorm: 1.5,
			WeightDecay: 0.1, EvalEvery: 3, Patience: 2, OnNaN: arch.Stop, Threads: 5},
		Epochs: 4, Ensemble: 2, EnsembleMax: 6, NoiseScale: 0.3,
	}
	got := Recipe(&cfg)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	// An empty na_values (no token is missing) stays empty: nil would mean
	// the default tokens.
	if got.Data.Encode.NAValues == nil {
		t.Error("na_values: [] became nil")
	}
	got.Spec.Hidden[0], got.Data.Encode.X[0] = 1, "z"
	if cfg.Model.Hidden[0] != 7 || cfg.Data.X[0] != "a" {
		t.Error("the recipe shares slices with the config")
	}
}

// bimodal8Config writes n rows of the bimodal8 table to a file in dir and
// returns a default config that reads it.
func bimodal8Config(t *testing.T, n int) *config.Config {
	t.Helper()
	path := filepath.Join(t.TempDir(), "b8.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := data.WriteGenerated(f, "bimodal8", n, rand.New(rand.NewPCG(1, 2))); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	c := config.Default()
	c.Data.Train = path
	c.Data.X = []string{"x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8"}
	c.Data.Y = []string{"y1", "y2"}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	return &c
}

// TestSizedPlan: on a table of config.SizedFrom rows or more, the recipe is
// that of the size rule (config.Sized): wider layers, no early stopping,
// and the note says so; below config.SkipFrom, Sized is Recipe.
func TestSizedPlan(t *testing.T) {
	cfg := bimodal8Config(t, config.SizedFrom*12/10)
	d, err := train.LoadData(Recipe(cfg))
	if err != nil {
		t.Fatal(err)
	}
	r, note := Sized(cfg, d.Train.N)
	p, err := train.PlanOf(r, d)
	if err != nil {
		t.Fatal(err)
	}
	p.Sized = note
	// 8 → 2, K = 5, diagonal: trunks 8→128→128→5 and 8→128→128→20.
	// The skip path of model.skip: 8·20 more weights.
	want := 2*((8+1)*128+(128+1)*128) + (128+1)*5 + (128+1)*20 + 8*20
	if !r.Spec.Skip {
		t.Errorf("%d rows: the recipe has no skip path", d.Train.N)
	}
	if p.Params != want || !strings.Contains(p.String(), "hidden [128 128]") || !strings.Contains(p.String(), "no early stopping") {
		t.Errorf("got %d parameters and %q; want %d and the size rule named", p.Params, p.String(), want)
	}
	if r.Train.Patience != 0 || cfg.Train.Patience != config.DefaultPatience {
		t.Errorf("patience %d in the recipe, %d in the config; want 0 and the default", r.Train.Patience, cfg.Train.Patience)
	}
	small, note := Sized(cfg, config.SkipFrom-1)
	if !reflect.DeepEqual(small, Recipe(cfg)) || note != "" {
		t.Errorf("below SkipFrom: got %+v, %q; want Recipe(cfg) and no note", small, note)
	}
}

// TestFingerprintOf: the fingerprint holds every config key but
// train.threads, and one DataPrint per data file: the training file's
// rows with those held out of it.
func TestFingerprintOf(t *testing.T) {
	cfg := bimodal8Config(t, 300)
	d, err := train.LoadData(Recipe(cfg))
	if err != nil {
		t.Fatal(err)
	}
	f := FingerprintOf(cfg, d)
	if _, ok := f.Config["train.threads"]; ok {
		t.Error("train.threads is in the fingerprint")
	}
	if f.Config["train.lr"] != "0.005" || len(f.Config) != len(cfg.Values())-1 {
		t.Errorf("config part %v", f.Config)
	}
	if len(f.Data) != 1 || f.Data[0].Key != "data.train" || f.Data[0].Path != cfg.Data.Train || f.Data[0].Rows != 300 {
		t.Fatalf("data part %+v", f.Data)
	}
	if want := train.DataPrintOf("data.train", cfg.Data.Train, d.Train, d.Val); f.Data[0] != want {
		t.Errorf("got %+v, want %+v", f.Data[0], want)
	}
	if err := f.Check(FingerprintOf(cfg, nil)); err != nil {
		t.Errorf("the config part alone: %v", err)
	}
	c2 := *cfg
	c2.Train.Threads = 1
	if err := f.Check(FingerprintOf(&c2, d)); err != nil {
		t.Errorf("threads changed: %v", err)
	}
	c2.Train.LR = 0.01
	if err := f.Check(FingerprintOf(&c2, d)); err == nil || !strings.Contains(err.Error(), "train.lr 0.005 → 0.01") {
		t.Errorf("lr changed: got %v", err)
	}

	// Rows held out for calibration are rows of data.train: its print is
	// the whole file's, and the key is compared like any other.
	c3 := *cfg
	c3.Data.CalibrationFraction = 0.2
	d3, err := train.LoadData(Recipe(&c3))
	if err != nil {
		t.Fatal(err)
	}
	f3 := FingerprintOf(&c3, d3)
	if want := train.DataPrintOf("data.train", cfg.Data.Train, d3.Train, d3.Val, d3.Cal); len(f3.Data) != 1 || f3.Data[0] != want || want.Rows != 300 {
		t.Errorf("with a calibration fraction: got %+v, want %+v (300 rows)", f3.Data, want)
	}
	if err := f.Check(f3); err == nil || !strings.Contains(err.Error(), "data.calibration_fraction 0 → 0.2") {
		t.Errorf("calibration_fraction changed: got %v", err)
	}
}
