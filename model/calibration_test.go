package model

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mdn-go/mdn/conformal"
)

var updateFixtures = flag.Bool("update", false, "rewrite testdata/calibrated-model.json from testdata/seed-model.json")

// fixtureCalibration is the calibration of testdata/calibrated-model.json:
// 20 rows with scores i/20 and −1 + i/10 (made up; the file tests the
// layout, not the numbers).
func fixtureCalibration(t *testing.T) *conformal.Calibration {
	var iv, rg []float64
	for i := range 20 {
		iv = append(iv, float64(i)/20)
		rg = append(rg, -1+float64(i)/10)
	}
	c, err := conformal.New(iv, rg, []float64{0.8, 0.9})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCalibratedFixture: the calibrated fixture is the seed model plus a
// calibration, version 4; it loads, its weights and predictions are the
// seed model's, and saving it gives its bytes again.
func TestCalibratedFixture(t *testing.T) {
	seed, err := Load("testdata/seed-model.json")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "calibrated-model.json")
	if *updateFixtures {
		m, _ := Load("testdata/seed-model.json")
		if err := m.SetCalibration(fixtureCalibration(t)); err != nil {
			t.Fatal(err)
		}
		if err := m.Save(path); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if m.Version != CalibratedVersion || m.Calibration == nil || m.Calibration.Rows != 20 || len(m.Calibration.Levels) != 2 {
		t.Fatalf("version %d, calibration %+v", m.Version, m.Calibration)
	}
	want := fixtureCalibration(t)
	if !sameBits(m.Calibration.Interval, want.Interval) || !sameBits(m.Calibration.Region, want.Region) {
		t.Errorf("scores %v / %v, want %v / %v", m.Calibration.Interval, m.Calibration.Region, want.Interval, want.Region)
	}
	x := []float64{-3, 0, 2.5}
	a, err := seed.Predictor(3).Predict(x, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := m.Predictor(3).Predict(x, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if !sameBits(a[i].Means, c[i].Means) || !sameBits(a[i].Chol, c[i].Chol) || !sameBits(a[i].LogWeights, c[i].LogWeights) {
			t.Errorf("row %d: the calibrated model predicts %+v, the seed model %+v", i, c[i], a[i])
		}
	}
	var buf bytes.Buffer
	if err := m.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), b) {
		t.Errorf("Encode of the loaded fixture differs from the file (run go test ./model -run TestCalibratedFixture -update after a format change)")
	}
}

// TestUncalibratedFileUnchanged: a model without a calibration keeps its
// version, and its file has no "calibration": the seed model (version 1)
// saves to its own bytes.
func TestUncalibratedFileUnchanged(t *testing.T) {
	b, err := os.ReadFile("testdata/seed-model.json")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load("testdata/seed-model.json")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), b) {
		t.Errorf("re-encoded seed model differs from its file")
	}
	// SetCalibration(nil) on an uncalibrated model changes nothing.
	if err := m.SetCalibration(nil); err != nil || m.Version != 1 {
		t.Errorf("SetCalibration(nil): %v, version %d", err, m.Version)
	}
}

func TestSetCalibrationReplaces(t *testing.T) {
	m, err := Load("testdata/seed-model.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SetCalibration(fixtureCalibration(t)); err != nil {
		t.Fatal(err)
	}
	c2, _ := conformal.New([]float64{0.1, 0.2, 0.3, 0.4}, []float64{1, 2, 3, 4}, []float64{0.5})
	if err := m.SetCalibration(c2); err != nil || m.Calibration.Rows != 4 {
		t.Fatalf("replace: %v, rows %d", err, m.Calibration.Rows)
	}
	bad := &conformal.Calibration{Rows: 2, Levels: []float64{0.5}, Interval: []float64{0.2, 0.1}, Region: []float64{0, 1}}
	err = m.SetCalibration(bad)
	if err == nil || err.Error() != "model: calibration: interval_scores[1]: 0.1 is below the score before it, 0.2 (scores are ascending)" {
		t.Errorf("bad calibration: got %v", err)
	}
	if m.Calibration != c2 {
		t.Errorf("a rejected calibration replaced the old one")
	}
}

func TestLoadCalibrationErrors(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "calibrated-model.json"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name   string
		change func(f map[string]any)
		want   string
	}{
		{"old version", func(f map[string]any) { f["version"] = 3 }, "calibration: needs format version 4, the file is version 3"},
		{"null score", func(f map[string]any) {
			f["calibration"].(map[string]any)["region_scores"].([]any)[3] = nil
		}, "calibration.region_scores: value 3 is null, not a number"},
		{"NaN score", func(f map[string]any) {
			f["calibration"].(map[string]any)["interval_scores"].([]any)[0] = "NaN"
		}, `calibration.interval_scores: value 0 is the string "NaN", not a number (a model file holds finite numbers only)`},
		{"unknown field", func(f map[string]any) { f["calibration"].(map[string]any)["alpha"] = 0.1 }, `unknown field "alpha"`},
		{"too few rows", func(f map[string]any) {
			f["calibration"].(map[string]any)["levels"] = []float64{0.99}
		}, "calibration: levels[0]: level 0.99 needs at least 99 calibration rows, got 20"},
		{"rows", func(f map[string]any) { f["calibration"].(map[string]any)["rows"] = 21 },
			"calibration: interval_scores: has 20 scores, want 21 for 21 rows"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f map[string]any
			if err := json.Unmarshal(b, &f); err != nil {
				t.Fatal(err)
			}
			tc.change(f)
			out, _ := json.Marshal(f)
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".json")
			if err := os.WriteFile(path, out, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			if want := "model: " + path + ": " + tc.want; err == nil || err.Error() != want {
				t.Errorf("got %v, want %v", err, want)
			}
		})
	}
}
