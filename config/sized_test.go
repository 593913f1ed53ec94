package config

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestSized: below SkipFrom rows nothing changes; from there to SizedFrom
// only model.skip; above, the defaults grow as the rule in sized.go says;
// keys the file gives, and values set in code, are kept.
func TestSized(t *testing.T) {
	def := Default()
	tiny, note := def.Sized(SkipFrom - 1)
	if note != "" || tiny.Model.Skip || !reflect.DeepEqual(*tiny, def) {
		t.Errorf("%d rows: got %+v, %q; want the defaults unchanged", SkipFrom-1, tiny, note)
	}
	small, note := def.Sized(SizedFrom - 1)
	want := Default()
	want.Model.Skip = true
	if !reflect.DeepEqual(*small, want) {
		t.Errorf("%d rows: got %+v; want the defaults with model.skip", SizedFrom-1, small)
	}
	if w := "19999 training rows: a linear path (model.skip) (the size rule"; !strings.HasPrefix(note, w) {
		t.Errorf("%d rows: note %q, want it to start %q", SizedFrom-1, note, w)
	}

	// 180,000 rows: r = 9, batch 256·2^round(log₂ 3) = 1024, steps
	// max(6000, ⌈20·180000/1024⌉ = 3516) = 6000, weight decay
	// 0.5/9·2000/6000, eval_every ⌈3·20000/1024⌉ = 59 (20,000
	// validation rows at fraction 0.1), members max(2, round(10/3)) = 3,
	// no noise.
	big, note := def.Sized(180_000)
	if big.Train.BatchSize != 1024 || big.Train.Steps != 6000 || big.Train.EvalEvery != 59 ||
		math.Abs(big.Train.WeightDecay-0.5/9*2000/6000) > 1e-15 ||
		!slices.Equal(big.Model.Hidden, []int{SizedWidth, SizedWidth}) || big.Train.Ensemble != 3 || big.Train.EnsembleMax != 3 || big.Train.NoiseScale != 0 ||
		!big.Model.Skip {
		t.Errorf("180000 rows: got train %+v, hidden %v", big.Train, big.Model.Hidden)
	}
	if big.Train.Patience != 0 {
		t.Errorf("180000 rows: patience %d, want 0 (the budget ends the run)", big.Train.Patience)
	}
	for _, want := range []string{"180000 training rows", "34.1 passes of 1024-row batches", "weight decay 0.019", "no early stopping", "no noise", "hidden [128 128]", "3 members", "a linear path (model.skip)"} {
		if !strings.Contains(note, want) {
			t.Errorf("note %q lacks %q", note, want)
		}
	}
	if def.Train.BatchSize != DefaultBatchSize || def.Model.Hidden[0] != DefaultHiddenWidth {
		t.Errorf("Sized changed its receiver: %+v %v", def.Train, def.Model.Hidden)
	}
	// With 0.2 held out for calibration, 180,000 training rows are 0.7 of
	// the file: 180000·0.1/0.7 = 25,714 validation rows, eval_every
	// ⌈3·25714/1024⌉ = 76.
	cal := Default()
	cal.Data.CalibrationFraction = 0.2
	if got, _ := cal.Sized(180_000); got.Train.EvalEvery != 76 {
		t.Errorf("180000 rows, calibration_fraction 0.2: eval_every %d, want 76", got.Train.EvalEvery)
	}
	// The batch stops growing at SizedMaxBatch.
	if huge, _ := def.Sized(100_000_000); huge.Train.BatchSize != SizedMaxBatch {
		t.Errorf("10⁸ rows: batch %d, want %d", huge.Train.BatchSize, SizedMaxBatch)
	}

	// A file that gives a key keeps it.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "t.csv"), []byte("a,b\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Decode(strings.NewReader("data: {train: t.csv, x: [a], y: [b]}\ntrain: {batch_size: 256, ensemble: 10}\nmodel: {hidden: [64, 64], skip: false}\n"), "c.yaml", dir)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := c.Sized(180_000)
	if got.Train.BatchSize != 256 || got.Train.Ensemble != 10 || !slices.Equal(got.Model.Hidden, []int{64, 64}) || got.Model.Skip {
		t.Errorf("given keys: got batch %d, ensemble %d, hidden %v, skip %v; want 256, 10, [64 64], false", got.Train.BatchSize, got.Train.Ensemble, got.Model.Hidden, got.Model.Skip)
	}
	// steps follows the given batch: ⌈20·180000/256⌉ = 14063.
	if got.Train.Steps != 14063 {
		t.Errorf("given batch 256: steps %d, want 14063", got.Train.Steps)
	}
	// A value set in code (not the default) is kept too.
	code := Default()
	code.Train.Steps = 100
	if got, _ := code.Sized(180_000); got.Train.Steps != 100 {
		t.Errorf("steps set in code: got %d, want 100", got.Train.Steps)
	}
}

// TestPin: a config pinned to the values of another's sized recipe has
// those values, and the size rule keeps them on any row count; an unknown
// key or a value of the wrong type is an error naming the key, and leaves
// the config as it was.
func TestPin(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "t.csv"), []byte("a,b\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	load := func() *Config {
		c, err := Decode(strings.NewReader("data: {train: t.csv, x: [a], y: [b]}\n"), "c.yaml", dir)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	sized, note := load().Sized(180_000)
	if note == "" {
		t.Fatal("the size rule changed nothing at 180,000 rows")
	}
	c := load()
	if err := c.Pin(sized.Values()); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Values(), sized.Values()) {
		t.Errorf("pinned: got %v, want %v", c.Values(), sized.Values())
	}
	for _, n := range []int{100, 180_000, 10_000_000} {
		if again, note := c.Sized(n); note != "" || !reflect.DeepEqual(again.Values(), sized.Values()) {
			t.Errorf("%d rows: the size rule changed a pinned key: %q", n, note)
		}
	}
	for _, bad := range []map[string]string{
		{"train.nope": "1"},
		{"train.steps": `"many"`},
		{"model.hidden": "[64,"},
		{"train.lr": "-1"}, // decodes, but Validate refuses it
	} {
		c := load()
		before := c.Values()
		err := c.Pin(bad)
		var key string
		for k := range bad {
			key = k
		}
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("Pin(%v): got %v, want an error naming %s", bad, err, key)
		}
		if !reflect.DeepEqual(c.Values(), before) {
			t.Errorf("Pin(%v) changed the config", bad)
		}
	}
}
