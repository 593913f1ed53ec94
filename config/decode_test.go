package config

import (
	"errors"
	"fmt"
	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/encode"
	"github.com/mdn-go/mdn/internal/infile"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// minimal is the smallest valid config: the required keys only. Tests that
// decode it put a train.csv in the directory they pass to Decode.
const minimal = `data:
  train: train.csv
  x: [x]
  y: [y]
`

// dataDir returns a temporary directory holding an (empty) train.csv and
// valid.csv; the config package only stats them.
func dataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"train.csv", "valid.csv"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x,y\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestDecodeBad(t *testing.T) {
	dir := dataDir(t)
	tests := []struct {
		name string
		src  string
		want string // the whole message; {dir} stands for dir
	}{
		{"empty file", "", `config: ex.yaml: empty file`},
		{"only comments", "# nothing\n", `config: ex.yaml: empty file`},
		{"null document", "---\n", `config: ex.yaml: empty file`},
		{"two documents", minimal + "---\n" + minimal, `config: ex.yaml: line 5: more than one YAML document`},
		{"syntax error", "data: 1\n  x: [x]\n", `config: ex.yaml: line 2: mapping values are not allowed in this context`},
		{"not a mapping", "abc\n", `config: ex.yaml: line 1: top level: want a mapping, got "abc"`},
		{"unknown key", minimal + "train:\n  steps: 10\n  batchsize: 3\n",
			`config: ex.yaml: line 7: field "batchsize" not found in train`},
		{"unknown top-level key", minimal + "trian:\n  steps: 10\n",
			`config: ex.yaml: line 5: field "trian" not found at top level`},
		{"key given twice", minimal + "model:\n  components: 2\n  components: 3\n",
			`config: ex.yaml: line 7: model.components: given twice (first at line 6)`},
		{"wrong type string for int", minimal + "train:\n  steps: abc\n",
			`config: ex.yaml: line 6: train.steps: want an integer, got "abc"`},
		{"wrong type fraction for int", minimal + "train:\n  steps: 1.5\n",
			`config: ex.yaml: line 6: train.steps: want an integer, got "1.5"`},
		{"wrong type in list", minimal + "model:\n  hidden: [64, abc]\n",
			`config: ex.yaml: line 6: model.hidden[1]: want an integer, got "abc"`},
		{"wrong type scalar for list", minimal + "model:\n  hidden: 64\n",
			`config: ex.yaml: line 6: model.hidden: want a list of integers, got "64"`},
		{"wrong type list for number", minimal + "train:\n  lr: [1]\n",
			`config: ex.yaml: line 6: train.lr: want a number, got a list`},
		{"wrong type bool", "data:\n  train: train.csv\n  x: [x]\n  y: [y]\n  standardize: maybe\n",
			`config: ex.yaml: line 5: data.standardize: want true or false, got "maybe"`},
		{"wrong type section", minimal + "train: 5\n",
			`config: ex.yaml: line 5: train: want a mapping, got "5"`},
		{"negative seed", minimal + "train:\n  seed: -1\n",
			`config: ex.yaml: line 6: train.seed: want an integer ≥ 0, got "-1"`},
		{"all type errors, in line order", minimal + "train:\n  steps: abc\n  batchsize: 3\n  epochs: 0.5\n",
			"config: ex.yaml: line 6: train.steps: want an integer, got \"abc\"\n" +
				"config: ex.yaml: line 7: field \"batchsize\" not found in train\n" +
				"config: ex.yaml: line 8: train.epochs: want an integer, got \"0.5\""},

		{"missing data.train", "data:\n  x: [x]\n  y: [y]\n", `config: ex.yaml: data.train: required`},
		{"missing train file", "data:\n  train: nope.csv\n  x: [x]\n  y: [y]\n",
			`config: ex.yaml: line 2: data.train: {dir}/nope.csv: no such file or directory`},
		{"train is a directory", "data:\n  train: .\n  x: [x]\n  y: [y]\n",
			`config: ex.yaml: line 2: data.train: {dir}: is a directory`},
		{"missing validation file", minimal + "  validation: nope.csv\n",
			`config: ex.yaml: line 5: data.validation: {dir}/nope.csv: no such file or directory`},
		{"validation_fraction 1", minimal + "  validation_fraction: 1\n",
			`config: ex.yaml: line 5: data.validation_fraction: must be in [0, 1), got 1`},
		{"validation_fraction negative", minimal + "  validation_fraction: -0.1\n",
			`config: ex.yaml: line 5: data.validation_fraction: must be in [0, 1), got -0.1`},
		{"validation_fraction NaN", minimal + "  validation_fraction: .nan\n",
			`config: ex.yaml: line 5: data.validation_fraction: must be in [0, 1), got NaN`},
		{"calibration_fraction 1", minimal + "  calibration_fraction: 1\n",
			`config: ex.yaml: line 5: data.calibration_fraction: must be in [0, 1), got 1`},
		{"calibration_fraction negative", minimal + "  calibration_fraction: -0.2\n",
			`config: ex.yaml: line 5: data.calibration_fraction: must be in [0, 1), got -0.2`},
		{"calibration_fraction NaN", minimal + "  calibration_fraction: .nan\n",
			`config: ex.yaml: line 5: data.calibration_fraction: must be in [0, 1), got NaN`},
		{"calibration_fraction not a number", minimal + "  calibration_fraction: fifth\n",
			`config: ex.yaml: line 5: data.calibration_fraction: want a number, got "fifth"`},
		{"calibration and calibration_fraction", minimal + "  calibration: valid.csv\n  calibration_fraction: 0.2\n",
			`config: ex.yaml: line 5: data.calibration, data.calibration_fraction: mutually exclusive: give one or the other`},
		{"fractions leave no training rows", minimal + "  validation_fraction: 0.3\n  calibration_fraction: 0.7\n",
			`config: ex.yaml: line 5: data.validation_fraction, data.calibration_fraction: together hold out 0.3 + 0.7 of the training rows, leaving none to train on: their sum must be < 1`},
		{"missing calibration file", minimal + "  calibration: nope.csv\n",
			`config: ex.yaml: line 5: data.calibration: {dir}/nope.csv: no such file or directory`},
		{"calibration file is data.train", minimal + "  calibration: ./train.csv\n",
			`config: ex.yaml: line 5: data.calibration: {dir}/train.csv is also data.train: calibration rows must be rows the model is neither trained nor validated on`},
		{"calibration file is data.validation", minimal + "  validation: valid.csv\n  calibration: valid.csv\n",
			`config: ex.yaml: line 6: data.calibration: {dir}/valid.csv is also data.validation: calibration rows must be rows the model is neither trained nor validated on`},
		{"calibration level 1", minimal + "  calibration_fraction: 0.2\n  calibration_levels: [0.9, 1]\n",
			`config: ex.yaml: line 6: data.calibration_levels[1]: must be in (0, 1), got 1`},
		{"calibration level 0", minimal + "  calibration_fraction: 0.2\n  calibration_levels: [0]\n",
			`config: ex.yaml: line 6: data.calibration_levels[0]: must be in (0, 1), got 0`},
		{"no calibration levels", minimal + "  calibration_fraction: 0.2\n  calibration_levels: []\n",
			`config: ex.yaml: line 6: data.calibration_levels: must have at least one level`},
		{"calibration levels not numbers", minimal + "  calibration_fraction: 0.2\n  calibration_levels: [0.9, high]\n",
			`config: ex.yaml: line 6: data.calibration_levels[1]: want a number, got "high"`},
		{"calibration levels not a list", minimal + "  calibration_levels: 0.9\n",
			`config: ex.yaml: line 5: data.calibration_levels: want a list of numbers, got "0.9"`},
		{"calibration levels without calibration", minimal + "  calibration_levels: [0.9]\n",
			`config: ex.yaml: line 5: data.calibration_levels: only used with data.calibration or data.calibration_fraction > 0`},
		{"no x", "data:\n  train: train.csv\n  y: [y]\n", `config: ex.yaml: data.x: required: list at least one column`},
		{"empty y", "data:\n  train: train.csv\n  x: [x]\n  y: []\n", `config: ex.yaml: line 4: data.y: required: list at least one column`},
		{"duplicate x", "data:\n  train: train.csv\n  x: [a, b, a]\n  y: [y]\n",
			`config: ex.yaml: line 3: data.x[2]: duplicate column "a"`},
		{"empty column name", "data:\n  train: train.csv\n  x: [a, \"\"]\n  y: [y]\n",
			`config: ex.yaml: line 3: data.x[1]: empty column name`},
		{"x and y overlap", "data:\n  train: train.csv\n  x: [a, b]\n  y: [c, b]\n",
			`config: ex.yaml: line 4: data.y[1]: column "b" is also in data.x`},

		{"K < 1", minimal + "model:\n  components: 0\n", `config: ex.yaml: line 6: model.components: must be ≥ 1, got 0`},
		{"empty hidden", minimal + "model:\n  hidden: []\n", `config: ex.yaml: line 6: model.hidden: must have at least one layer`},
		{"null hidden", minimal + "model:\n  hidden:\n", `config: ex.yaml: line 6: model.hidden: must have at least one layer`},
		{"zero hidden size", minimal + "model:\n  hidden: [64, 0]\n", `config: ex.yaml: line 6: model.hidden[1]: must be ≥ 1, got 0`},
		{"too many layers", minimal + "model:\n  hidden: [" + strings.Repeat("1, ", 1000) + "1]\n", `config: ex.yaml: line 6: model.hidden: has 1001 layers; at most 1000 are supported`},
		{"bad activation", minimal + "model:\n  activation: sigmoid\n",
			`config: ex.yaml: line 6: model.activation: must be one of relu, tanh, elu, silu; got "sigmoid"`},
		{"bad noise", minimal + "model:\n  noise: diag\n",
			`config: ex.yaml: line 6: model.noise: must be one of full, diagonal, isotropic, isotropic_across_clusters, fixed; got "diag"`},
		{"fixed noise without fixed_sigma", minimal + "model:\n  noise: fixed\n",
			`config: ex.yaml: model.fixed_sigma: required (> 0) with noise: fixed`},
		{"fixed noise with fixed_sigma 0", minimal + "model:\n  noise: fixed\n  fixed_sigma: 0\n",
			`config: ex.yaml: line 7: model.fixed_sigma: must be > 0, got 0`},
		{"fixed_sigma with other noise", minimal + "model:\n  noise: isotropic\n  fixed_sigma: 0.1\n",
			`config: ex.yaml: line 7: model.fixed_sigma: only used with noise: fixed`},
		{"fixed_sigma 0 with default noise", minimal + "model:\n  fixed_sigma: 0\n",
			`config: ex.yaml: line 6: model.fixed_sigma: only used with noise: fixed`},
		{"bad sigma", minimal + "model:\n  sigma: relu\n", `config: ex.yaml: line 6: model.sigma: must be one of exp, softplus; got "relu"`},
		{"negative sigma_min", minimal + "model:\n  sigma_min: -1e-3\n", `config: ex.yaml: line 6: model.sigma_min: must be ≥ 0, got -0.001`},
		{"bad dtype", minimal + "model:\n  dtype: float16\n", `config: ex.yaml: line 6: model.dtype: must be one of float32, float64; got "float16"`},

		{"negative steps", minimal + "train:\n  steps: -5\n", `config: ex.yaml: line 6: train.steps: must be ≥ 1, got -5`},
		{"zero steps", minimal + "train:\n  steps: 0\n", `config: ex.yaml: line 6: train.steps: must be ≥ 1, got 0`},
		{"steps and epochs", minimal + "train:\n  steps: 100\n  epochs: 3\n",
			`config: ex.yaml: line 6: train.steps, train.epochs: mutually exclusive: give one or the other`},
		{"steps at default and epochs", minimal + "train:\n  steps: 2000\n  epochs: 3\n",
			`config: ex.yaml: line 6: train.steps, train.epochs: mutually exclusive: give one or the other`},
		{"zero epochs", minimal + "train:\n  epochs: 0\n", `config: ex.yaml: line 6: train.epochs: must be ≥ 1, got 0`},
		{"negative batch size", minimal + "train:\n  batch_size: -3\n", `config: ex.yaml: line 6: train.batch_size: must be ≥ 0, got -3`},
		{"zero lr", minimal + "train:\n  lr: 0\n", `config: ex.yaml: line 6: train.lr: must be > 0, got 0`},
		{"negative lr", minimal + "train:\n  lr: -0.01\n", `config: ex.yaml: line 6: train.lr: must be > 0, got -0.01`},
		{"infinite lr", minimal + "train:\n  lr: .inf\n", `config: ex.yaml: line 6: train.lr: must be > 0, got +Inf`},
		{"bad schedule", minimal + "train:\n  schedule: linear\n",
			`config: ex.yaml: line 6: train.schedule: must be one of cosine, constant; got "linear"`},
		{"negative warmup", minimal + "train:\n  warmup: -1\n", `config: ex.yaml: line 6: train.warmup: must be ≥ 0, got -1`},
		{"warmup = steps", minimal + "train:\n  steps: 100\n  warmup: 100\n",
			`config: ex.yaml: line 7: train.warmup: must be < train.steps (100), got 100`},
		{"negative clip_norm", minimal + "train:\n  clip_norm: -1\n", `config: ex.yaml: line 6: train.clip_norm: must be ≥ 0, got -1`},
		{"negative weight_decay", minimal + "train:\n  weight_decay: -0.5\n", `config: ex.yaml: line 6: train.weight_decay: must be ≥ 0, got -0.5`},
		{"ensemble 0", minimal + "train:\n  ensemble: 0\n", `config: ex.yaml: line 6: train.ensemble: must be in [1, 64], got 0`},
		{"ensemble too large", minimal + "train:\n  ensemble: 1000000\n", `config: ex.yaml: line 6: train.ensemble: must be in [1, 64], got 1000000`},
		{"negative noise_scale", minimal + "train:\n  noise_scale: -0.1\n", `config: ex.yaml: line 6: train.noise_scale: must be in [0, 10], got -0.1`},
		{"noise_scale not a number", minimal + "train:\n  noise_scale: .nan\n", `config: ex.yaml: line 6: train.noise_scale: must be in [0, 10], got NaN`},
		{"zero eval_every", minimal + "train:\n  eval_every: 0\n", `config: ex.yaml: line 6: train.eval_every: must be ≥ 1, got 0`},
		{"negative patience", minimal + "train:\n  patience: -1\n", `config: ex.yaml: line 6: train.patience: must be ≥ 0, got -1`},
		{"patience without validation data", minimal + "  validation_fraction: 0\ntrain:\n  patience: 5\n",
			`config: ex.yaml: line 7: train.patience: needs validation data (data.validation, or data.validation_fraction > 0)`},
		{"restore_best without validation data", minimal + "  validation_fraction: 0\ntrain:\n  restore_best: true\n",
			`config: ex.yaml: line 7: train.restore_best: needs validation data (data.validation, or data.validation_fraction > 0)`},
		{"bad on_nan", minimal + "train:\n  on_nan: ignore\n", `config: ex.yaml: line 6: train.on_nan: must be one of stop, rollback; got "ignore"`},
		{"negative threads", minimal + "train:\n  threads: -2\n", `config: ex.yaml: line 6: train.threads: must be ≥ 0, got -2`},
		{"categorical not in x", minimal + "  categorical: [y]\n", `config: ex.yaml: line 5: data.categorical[0]: column "y" is not in data.x (only covariates can be labels)`},
		{"categorical twice", minimal + "  categorical: [x, x]\n", `config: ex.yaml: line 5: data.categorical[1]: duplicate column "x"`},
		{"bad missing", minimal + "  missing: fill\n", `config: ex.yaml: line 5: data.missing: must be one of error, drop, impute; got "fill"`},
		{"bad unknown_level", minimal + "  unknown_level: skip\n", `config: ex.yaml: line 5: data.unknown_level: must be one of error, zero; got "skip"`},
		{"na_values not a list", minimal + "  na_values: NA\n", `config: ex.yaml: line 5: data.na_values: want a list of strings, got "NA"`},
		{"all validation errors", "data:\n  train: train.csv\n  x: [x]\n  y: [y]\nmodel:\n  components: 0\ntrain:\n  batch_size: -3\n",
			"config: ex.yaml: line 6: model.components: must be ≥ 1, got 0\n" +
				"config: ex.yaml: line 8: train.batch_size: must be ≥ 0, got -3"},
		{"validation errors in the file's order", "data:\n  train: train.csv\n  x: [x]\n  y: [y]\ntrain:\n  batch_size: -3\nmodel:\n  components: 0\n",
			"config: ex.yaml: line 6: train.batch_size: must be ≥ 0, got -3\n" +
				"config: ex.yaml: line 8: model.components: must be ≥ 1, got 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Decode(strings.NewReader(tt.src), "ex.yaml", dir)
			want := strings.ReplaceAll(tt.want, "{dir}", dir)
			if err == nil {
				t.Fatalf("got config %+v, want error %q", c, want)
			}
			if c != nil {
				t.Errorf("got config %+v with the error, want nil", c)
			}
			if got := err.Error(); got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

// TestDecodeFieldError checks that a validation error can be inspected as a
// *FieldError behind the file prefix.
func TestDecodeFieldError(t *testing.T) {
	dir := dataDir(t)
	_, err := Decode(strings.NewReader(minimal+"train:\n  batch_size: -3\n"), "ex.yaml", dir)
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("got %v (%T), want a *FieldError inside", err, err)
	}
	if fe.Path != "train.batch_size" {
		t.Errorf("got path %q, want %q", fe.Path, "train.batch_size")
	}
}

// TestDecodeMinimal checks that every key left out takes its default. The
// expected values are those of the schema in the task spec (docs/config.md),
// written out here rather than taken from defaults.go so that a changed
// constant shows up.
func TestDecodeMinimal(t *testing.T) {
	dir := dataDir(t)
	got, err := Decode(strings.NewReader(minimal), "ex.yaml", dir)
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		Data: Data{
			Train:              filepath.Join(dir, "train.csv"),
			ValidationFraction: 0.1,
			CalibrationLevels:  []float64{0.8, 0.9, 0.95},
			X:                  []string{"x"},
			Y:                  []string{"y"},
			Standardize:        true,
			UnknownLevel:       "error",
			Missing:            "error",
			NAValues:           []string{"", "NA", "N/A", "NaN", "nan", "null"},
		},
		Model: Model{
			Components: 5,
			Hidden:     []int{64, 64},
			Activation: "relu",
			Noise:      "diagonal",
			Sigma:      "exp",
			SigmaMin:   1e-3,
			DType:      "float32",
			Init:       "glorot",
		},
		Train: Train{
			Steps:       2000,
			BatchSize:   256,
			LR:          0.005,
			Schedule:    "cosine",
			WeightDecay: 0.5,
			EvalEvery:   50,
			Patience:    12,
			RestoreBest: true,
			OnNaN:       "rollback",
			Ensemble:    DefaultEnsemble,
			EnsembleMax: DefaultEnsembleMax,
			NoiseScale:  DefaultNoiseScale,
			NoiseSelect: DefaultNoiseSelect,
		},
		Dir: dir,
	}
	got.given = nil // which keys the file gave: checked by TestSized
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// TestDecodeDependentDefaults checks the two defaults that depend on other
// keys, and that an explicit value wins over them.
func TestDecodeDependentDefaults(t *testing.T) {
	dir := dataDir(t)
	tests := []struct {
		name        string
		src         string
		steps       int
		epochs      int
		restoreBest bool
	}{
		{"defaults", minimal, 2000, 0, true},
		{"epochs clears the default steps", minimal + "train:\n  epochs: 4\n", 0, 4, true},
		{"no validation data turns restore_best off", minimal + "  validation_fraction: 0\n", 2000, 0, false},
		{"a validation file keeps restore_best on", minimal + "  validation: valid.csv\n  validation_fraction: 0\n", 2000, 0, true},
		{"explicit restore_best false", minimal + "train:\n  restore_best: false\n", 2000, 0, false},
		{"null steps keeps the default", minimal + "train:\n  steps:\n", 2000, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Decode(strings.NewReader(tt.src), "ex.yaml", dir)
			if err != nil {
				t.Fatal(err)
			}
			if c.Train.Steps != tt.steps || c.Train.Epochs != tt.epochs || c.Train.RestoreBest != tt.restoreBest {
				t.Errorf("got steps %d, epochs %d, restore_best %v; want %d, %d, %v",
					c.Train.Steps, c.Train.Epochs, c.Train.RestoreBest, tt.steps, tt.epochs, tt.restoreBest)
			}
		})
	}
}

// TestDecodeGood checks configs that must be accepted, with the field each
// one sets.
func TestDecodeGood(t *testing.T) {
	dir := dataDir(t)
	tests := []struct {
		name  string
		src   string
		check func(c *Config) (got, want any)
	}{
		{"fixed noise", minimal + "model:\n  noise: fixed\n  fixed_sigma: 0.25\n",
			func(c *Config) (any, any) { return c.Model.FixedSigma, 0.25 }},
		{"full noise, softplus, float64", minimal + "model:\n  noise: full\n  sigma: softplus\n  dtype: float64\n",
			func(c *Config) (any, any) {
				return [3]string{string(c.Model.Noise), string(c.Model.Sigma), string(c.Model.DType)},
					[3]string{"full", "softplus", "float64"}
			}},
		{"scientific notation", minimal + "model:\n  sigma_min: 1e-4\n",
			func(c *Config) (any, any) { return c.Model.SigmaMin, 1e-4 }},
		{"integer for a float", minimal + "train:\n  lr: 1\n",
			func(c *Config) (any, any) { return c.Train.LR, 1.0 }},
		{"large seed", minimal + "train:\n  seed: 18446744073709551615\n",
			func(c *Config) (any, any) { return c.Train.Seed, uint64(1<<64 - 1) }},
		{"hidden replaced, not merged", minimal + "model:\n  hidden: [8]\n",
			func(c *Config) (any, any) { return c.Model.Hidden, []int{8} }},
		{"several x and y columns", "data:\n  train: train.csv\n  x: [a, b, c]\n  y: [d, e]\n",
			func(c *Config) (any, any) { return [2]int{len(c.Data.X), len(c.Data.Y)}, [2]int{3, 2} }},
		{"warmup below steps", minimal + "train:\n  steps: 100\n  warmup: 99\n",
			func(c *Config) (any, any) { return c.Train.Warmup, 99 }},
		{"patience with held-out data", minimal + "train:\n  patience: 10\n",
			func(c *Config) (any, any) { return c.Train.Patience, 10 }},
		{"stop on NaN", minimal + "train:\n  on_nan: stop\n",
			func(c *Config) (any, any) { return c.Train.OnNaN, arch.Stop }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Decode(strings.NewReader(tt.src), "ex.yaml", dir)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := tt.check(c); !reflect.DeepEqual(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

// TestLoadResolvesPaths checks that relative data paths are taken relative to
// the config file's directory, whatever the working directory, and that
// absolute ones are kept.
func TestLoadResolvesPaths(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"cfg", "data"} {
		if err := os.Mkdir(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	train := filepath.Join(root, "data", "train.csv")
	valid := filepath.Join(root, "data", "valid.csv")
	for _, f := range []string{train, valid} {
		if err := os.WriteFile(f, []byte("x,y\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(root, "cfg", name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("rel.yaml", "data:\n  train: ../data/train.csv\n  validation: ../data/valid.csv\n  x: [x]\n  y: [y]\n")
	write("abs.yaml", "data:\n  train: "+train+"\n  x: [x]\n  y: [y]\n")

	t.Chdir(root) // Load gets a path relative to here; the data paths are relative to cfg/
	tests := []struct {
		file              string
		wantTrain, wantVa string
	}{
		{"cfg/rel.yaml", train, valid},
		{filepath.Join(root, "cfg", "rel.yaml"), train, valid},
		{"cfg/abs.yaml", train, ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, err := Load(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if c.Data.Train != tt.wantTrain {
				t.Errorf("got data.train %q, want %q", c.Data.Train, tt.wantTrain)
			}
			if c.Data.Validation != tt.wantVa {
				t.Errorf("got data.validation %q, want %q", c.Data.Validation, tt.wantVa)
			}
			if want := filepath.Join(root, "cfg"); c.Dir != want {
				t.Errorf("got dir %q, want %q", c.Dir, want)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nope.yaml")
	_, err := Load(p)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v, want an error wrapping os.ErrNotExist", err)
	}
	if want := "config: " + p + ": no such file or directory"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

// TestLoadBounded: what is not a regular file, or is one over MaxBytes, is
// refused before it is read (/dev/zero would be read for ever); Decode of
// a stream longer than MaxBytes stops after MaxBytes+1 bytes.
func TestLoadBounded(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte(strings.Repeat("#", MaxBytes+1)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path, want string
		is         error
	}{
		{"/dev/zero", "config: /dev/zero: is a character device, not a regular file (a config file is read whole)", infile.ErrNotRegular},
		{dir, "config: " + dir + ": is a directory, not a regular file (a config file is read whole)", infile.ErrNotRegular},
		{big, "config: " + big + ": is 1048577 bytes, too large: a config file may have at most 1 MiB (config.MaxBytes)", infile.ErrTooLarge},
	} {
		if _, err := Load(c.path); err == nil || err.Error() != c.want || !errors.Is(err, c.is) {
			t.Errorf("Load(%s): got %v, want %q", c.path, err, c.want)
		}
	}
	r := &countingReader{}
	_, err := Decode(r, "zero.yaml", "")
	want := "config: zero.yaml: more than 1 MiB, too large: a config file may have at most 1 MiB (config.MaxBytes)"
	if err == nil || err.Error() != want || r.n != MaxBytes+1 {
		t.Errorf("Decode of an endless stream: got %v after %d bytes, want %q after %d", err, r.n, want, MaxBytes+1)
	}
}

// countingReader is an endless stream of spaces that counts what is read.
type countingReader struct{ n int }

func (c *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	c.n += len(p)
	return len(p), nil
}

// TestShippedConfigs loads the example configs of configs/ against the CSVs
// of testdata/.
func TestShippedConfigs(t *testing.T) {
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	train := filepath.Join(repo, "testdata", "ex1d_train.csv")

	// ex_1d_seed.yaml: the original recipe, key by key as the task spec
	// lists it.
	seed, err := Load("../configs/ex_1d_seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	wantSeed := &Config{
		Data: Data{Train: train, ValidationFraction: 0, CalibrationLevels: DefaultCalibrationLevels(), X: []string{"x"}, Y: []string{"y"},
			Standardize: false, UnknownLevel: encode.UnknownError, Missing: encode.MissingError, NAValues: encode.DefaultNAValues()},
		Model: Model{Components: 3, Hidden: []int{50, 50}, Activation: arch.ReLU, Noise: arch.Diagonal,
			Sigma: arch.Exp, SigmaMin: 0, DType: arch.Float32, Init: arch.Torch},
		Train: Train{Steps: 2000, BatchSize: 0, LR: 0.005, Schedule: arch.Cosine, Seed: 0,
			EvalEvery: 50, Patience: 0, RestoreBest: false, OnNaN: arch.Rollback, Ensemble: 1, EnsembleMax: 1, NoiseScale: 0, NoiseSelect: true},
		Dir: filepath.Join(repo, "configs"),
	}
	seed.given = nil
	if !reflect.DeepEqual(seed, wantSeed) {
		t.Errorf("ex_1d_seed.yaml: got %+v, want %+v", seed, wantSeed)
	}

	// ex_1d.yaml: the defaults on the same data.
	rec, err := Load("../configs/ex_1d.yaml")
	if err != nil {
		t.Fatal(err)
	}
	wantRec := Default()
	wantRec.Data.Train = train
	wantRec.Data.X, wantRec.Data.Y = []string{"x"}, []string{"y"}
	wantRec.Dir = filepath.Join(repo, "configs")
	rec.given = nil
	if !reflect.DeepEqual(rec, &wantRec) {
		t.Errorf("ex_1d.yaml: got %+v, want %+v", rec, &wantRec)
	}
}

// TestDocsShowShippedConfigs checks that docs/config.md quotes the YAML of
// both shipped configs (their lines other than comments) unchanged.
func TestDocsShowShippedConfigs(t *testing.T) {
	doc, err := os.ReadFile("../docs/config.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ex_1d_seed.yaml", "ex_1d.yaml"} {
		src, err := os.ReadFile(filepath.Join("..", "configs", name))
		if err != nil {
			t.Fatal(err)
		}
		var body []string
		for _, line := range strings.Split(string(src), "\n") {
			if !strings.HasPrefix(line, "#") {
				body = append(body, line)
			}
		}
		block := "```yaml\n" + strings.Join(body, "\n") + "```"
		if !strings.Contains(string(doc), block) {
			t.Errorf("docs/config.md does not show %s as\n%s", name, block)
		}
	}
}

// TestDecodeNAValues: data.na_values replaces the default list (an empty
// list means no NA tokens) and the label keys decode.
func TestDecodeNAValues(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "train.csv"), []byte("x,y\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		src  string
		want []string
	}{
		{minimal, []string{"", "NA", "N/A", "NaN", "nan", "null"}},
		{minimal + "  na_values: [\"-999\", \"?\"]\n", []string{"-999", "?"}},
		{minimal + "  na_values: []\n", []string{}},
	} {
		c, err := Decode(strings.NewReader(tc.src+"  categorical: [x]\n  missing: impute\n  unknown_level: zero\n"), "ex.yaml", dir)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprintf("%q", c.Data.NAValues) != fmt.Sprintf("%q", tc.want) || c.Data.Missing != "impute" ||
			c.Data.UnknownLevel != "zero" || len(c.Data.Categorical) != 1 {
			t.Errorf("%q: got na_values %q, data %+v", tc.src, c.Data.NAValues, c.Data)
		}
	}
}

// A file's ensemble is exact unless it also gives ensemble_max; an
// ensemble_max below ensemble is an error naming both.
func TestDecodeEnsembleMax(t *testing.T) {
	dir := dataDir(t)
	for _, tc := range []struct {
		src       string
		m, mx     int
		errSubstr string
	}{
		{minimal, DefaultEnsemble, DefaultEnsembleMax, ""},
		{minimal + "train:\n  ensemble: 3\n", 3, 3, ""},
		{minimal + "train:\n  ensemble: 3\n  ensemble_max: 12\n", 3, 12, ""},
		{minimal + "train:\n  ensemble_max: 20\n", DefaultEnsemble, 20, ""},
		{minimal + "train:\n  ensemble: 6\n  ensemble_max: 4\n", 0, 0, "train.ensemble_max: must be in [train.ensemble, 64] = [6, 64], got 4"},
		{minimal + "train:\n  ensemble_max: 65\n", 0, 0, "train.ensemble_max: must be in [train.ensemble, 64] = [10, 64], got 65"},
	} {
		c, err := Decode(strings.NewReader(tc.src), "ex.yaml", dir)
		if tc.errSubstr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errSubstr) {
				t.Errorf("%q: got %v, want an error with %q", tc.src, err, tc.errSubstr)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if c.Train.Ensemble != tc.m || c.Train.EnsembleMax != tc.mx {
			t.Errorf("%q: got ensemble %d, max %d; want %d, %d", tc.src, c.Train.Ensemble, c.Train.EnsembleMax, tc.m, tc.mx)
		}
	}
}
