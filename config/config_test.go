package config

import (
	"errors"
	"github.com/mdn-go/mdn/arch"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestDefaultFreshSlices(t *testing.T) {
	a, b := Default(), Default()
	a.Model.Hidden[0] = 1
	if b.Model.Hidden[0] != 64 {
		t.Errorf("got hidden %v after changing another Default, want [64 64] (the spec default)", b.Model.Hidden)
	}
}

// TestValidateGo checks Validate on configs built in Go, where a field counts
// as given when it is non-zero.
func TestValidateGo(t *testing.T) {
	dir := t.TempDir()
	train := filepath.Join(dir, "train.csv")
	if err := os.WriteFile(train, []byte("x,y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	good := func() Config {
		c := Default()
		c.Data.Train = train
		c.Data.X, c.Data.Y = []string{"x"}, []string{"y"}
		return c
	}
	tests := []struct {
		name   string
		modify func(c *Config)
		want   []string // one per joined error; nil when valid
	}{
		{"defaults with data", func(c *Config) {}, nil},
		{"defaults without data", func(c *Config) { *c = Default() }, []string{
			"data.train: required",
			"data.x: required: list at least one column",
			"data.y: required: list at least one column",
		}},
		{"epochs with default steps", func(c *Config) { c.Train.Epochs = 3 },
			[]string{"train.steps, train.epochs: mutually exclusive: give one or the other"}},
		{"epochs alone", func(c *Config) { c.Train.Steps, c.Train.Epochs = 0, 3 }, nil},
		{"negative epochs", func(c *Config) { c.Train.Steps, c.Train.Epochs = 0, -1 },
			[]string{"train.epochs: must be ≥ 1, got -1"}},
		{"fixed sigma with diagonal noise", func(c *Config) { c.Model.FixedSigma = 0.1 },
			[]string{"model.fixed_sigma: only used with noise: fixed"}},
		{"fixed noise", func(c *Config) { c.Model.Noise, c.Model.FixedSigma = arch.Fixed, 0.1 }, nil},
		{"fixed noise without sigma", func(c *Config) { c.Model.Noise = arch.Fixed },
			[]string{"model.fixed_sigma: required (> 0) with noise: fixed"}},
		{"restore_best and patience without validation", func(c *Config) { c.Data.ValidationFraction = 0 },
			[]string{"train.patience: needs validation data (data.validation, or data.validation_fraction > 0)",
				"train.restore_best: needs validation data (data.validation, or data.validation_fraction > 0)"}},
		{"empty activation", func(c *Config) { c.Model.Activation = "" },
			[]string{`model.activation: must be one of relu, tanh, elu, silu; got ""`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good()
			tt.modify(&c)
			err := c.Validate()
			var got []string
			if err != nil {
				got = strings.Split(err.Error(), "\n")
				for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
					var fe *FieldError
					if !errors.As(e, &fe) {
						t.Errorf("got %T, want *FieldError", e)
					}
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestValues: every yaml key of Config is in Values with its JSON value,
// defaults included; Dir is not.
func TestValues(t *testing.T) {
	c := Default()
	c.Train.LR = 0.25
	c.Model.Hidden = []int{3, 4}
	c.Dir = "/somewhere"
	v := c.Values()
	for key, want := range map[string]string{"train.lr": "0.25", "model.hidden": "[3,4]", "data.standardize": "true",
		"train.seed": "0", "model.noise": `"` + string(c.Model.Noise) + `"`} {
		if v[key] != want {
			t.Errorf("%s: got %q, want %q", key, v[key], want)
		}
	}
	// One entry per leaf field of the three sections.
	n := 0
	for _, s := range []any{c.Data, c.Model, c.Train} {
		n += reflect.TypeOf(s).NumField()
	}
	if len(v) != n {
		t.Errorf("got %d keys, want %d", len(v), n)
	}
	for k := range v {
		if strings.Contains(k, "/somewhere") || k == "dir" {
			t.Errorf("Dir leaked into the values as %q", k)
		}
	}
}
