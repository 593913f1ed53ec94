package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mdn-go/mdn/model"
	"github.com/mdn-go/mdn/predict"
)

// writeRows writes the header and the first n data rows of the CSV file
// src to a new file in dir and returns its path.
func writeRows(t *testing.T, dir, src string, n int) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	p := filepath.Join(dir, "cal.csv")
	if err := os.WriteFile(p, []byte(strings.Join(lines[:n+1], "")), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCalibrate(t *testing.T) {
	mp := trainEx1d(t)
	dir := t.TempDir()
	cal := writeRows(t, dir, "../../testdata/ex1d_test.csv", 400)
	before, err := os.ReadFile(mp)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "cal.json")
	stdout, stderr, code := mdnRun(t, "", "calibrate", "--model", mp, "--data", cal, "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "calibrated on 400 rows\nlevel 0.8: interval") || !strings.Contains(stdout, "wrote "+out) {
		t.Errorf("stdout %q", stdout)
	}
	after, _ := os.ReadFile(mp)
	if !bytes.Equal(before, after) {
		t.Errorf("--model changed")
	}
	m, err := model.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if c := m.Calibration; c == nil || c.Rows != 400 || len(c.Levels) != 3 || c.Levels[1] != 0.9 || m.Version != model.CalibratedVersion {
		t.Fatalf("calibration %+v, version %d", m.Calibration, m.Version)
	}
	// Recalibrating replaces the calibration and says so.
	out2 := filepath.Join(dir, "cal2.json")
	_, stderr, code = mdnRun(t, "", "calibrate", "--model", out, "--data", cal, "--out", out2, "--level", "0.5")
	if code != 0 || !strings.Contains(stderr, "was calibrated on 400 rows (levels 0.8, 0.9, 0.95); the new calibration replaces it") {
		t.Errorf("recalibrate: exit %d, stderr %q", code, stderr)
	}
	m2, err := model.Load(out2)
	if err != nil || len(m2.Calibration.Levels) != 1 || m2.Calibration.Levels[0] != 0.5 {
		t.Errorf("recalibrated: %v, %+v", err, m2)
	}
}

func TestCalibrateBadInput(t *testing.T) {
	mp := trainEx1d(t)
	dir := t.TempDir()
	cal := writeRows(t, dir, "../../testdata/ex1d_test.csv", 12)
	other := filepath.Join(dir, "other.csv")
	if err := os.WriteFile(other, []byte("a,b\n1,2\n3,4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.json")
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"other columns", []string{"--data", other, "--out", out},
			`mdn: calibrate: data: read ` + other + `: line 1, column "x": no such column; columns are "a", "b"`},
		{"too few rows", []string{"--data", cal, "--out", out, "--level", "0.8", "--level", "0.95"},
			"mdn: calibrate: --data " + cal + ": 12 rows, too few for --level 0.95, which needs at least 19 (level/(1 − level))"},
		{"level 1.5", []string{"--data", cal, "--out", out, "--level", "1.5"}, "mdn: calibrate: --level 1.5 is not in (0, 1)"},
		{"level 0", []string{"--data", cal, "--out", out, "--level", "0.9,0"}, "mdn: calibrate: --level 0 is not in (0, 1)"},
		{"out is model", []string{"--data", cal, "--out", mp},
			"mdn: calibrate: --out " + mp + ": is the same file as an input: --model " + mp + "; write to another file"},
		{"no out", []string{"--data", cal}, "mdn: calibrate: --out is required"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, code := mdnRun(t, "", append([]string{"calibrate", "--model", mp}, c.args...)...)
			if code == 0 || strings.TrimSpace(stderr) != c.want {
				t.Errorf("exit %d, stderr %q; want %q", code, stderr, c.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s was written", out)
			}
		})
	}
}

// calibratedEx1d trains the small ex1d model and calibrates it on the
// first 400 rows of the test file; it returns the calibrated model's path.
func calibratedEx1d(t *testing.T) string {
	t.Helper()
	mp := trainEx1d(t)
	dir := t.TempDir()
	cal := writeRows(t, dir, "../../testdata/ex1d_test.csv", 400)
	out := filepath.Join(dir, "cal.json")
	if _, stderr, code := mdnRun(t, "", "calibrate", "--model", mp, "--data", cal, "--out", out); code != 0 {
		t.Fatalf("calibrate: exit %d: %s", code, stderr)
	}
	return out
}

func TestPredictCalibrated(t *testing.T) {
	cp := calibratedEx1d(t)
	in := writeRows(t, t.TempDir(), "../../testdata/ex1d_test.csv", 3)
	out, stderr, code := mdnRun(t, "", "predict", "--model", cp, "--input", in, "--what", "interval", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var row struct {
		Level      float64            `json:"level"`
		Lower      map[string]float64 `json:"lower"`
		Upper      map[string]float64 `json:"upper"`
		Calibrated bool               `json:"calibrated"`
		Rows       int                `json:"calibration_rows"`
	}
	if err := json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &row); err != nil {
		t.Fatal(err)
	}
	if !row.Calibrated || row.Rows != 400 || row.Level != 0.9 || !(row.Lower["y"] < row.Upper["y"]) {
		t.Errorf("interval line %s", out)
	}
	out, stderr, code = mdnRun(t, "", "predict", "--model", cp, "--input", in, "--what", "region", "--json", "--level", "0.8")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var reg struct {
		Level      float64                 `json:"level"`
		Calibrated bool                    `json:"calibrated"`
		Region     map[string][][2]float64 `json:"region"`
		Threshold  *float64                `json:"log_density_threshold"`
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3: %s", len(lines), out)
	}
	m, err := model.Load(cp)
	if err != nil {
		t.Fatal(err)
	}
	th, _ := m.Calibration.RegionThreshold(0.8)
	for _, l := range lines {
		if err := json.Unmarshal([]byte(l), &reg); err != nil {
			t.Fatal(err)
		}
		if !reg.Calibrated || reg.Level != 0.8 || reg.Threshold == nil || *reg.Threshold != th || len(reg.Region["y"]) == 0 {
			t.Errorf("region line %s (threshold want %v)", l, th)
		}
	}
	// CSV: one line per interval, the header first.
	out, _, code = mdnRun(t, "", "predict", "--model", cp, "--input", in, "--what", "region")
	if code != 0 || !strings.HasPrefix(out, "x,row,intervals,interval,lower_y,upper_y,log_density_threshold\n") {
		t.Errorf("CSV: exit %d, %q", code, out)
	}
	// A level the calibration rows do not allow.
	_, stderr, code = mdnRun(t, "", "predict", "--model", cp, "--input", in, "--what", "interval", "--level", "0.999")
	if want := "mdn: predict: --level 0.999: " + cp + " is calibrated on 400 rows, the level needs at least 999\n"; code == 0 || stderr != want {
		t.Errorf("level 0.999: exit %d, %q, want %q", code, stderr, want)
	}
	// eval reports the regions per level.
	out, stderr, code = mdnRun(t, "", "eval", "--model", cp, "--data", in, "--json")
	if code != 0 {
		t.Fatalf("eval: exit %d: %s", code, stderr)
	}
	var ev struct {
		Conformal *predict.ConformalMetrics `json:"conformal"`
	}
	if err := json.Unmarshal([]byte(out), &ev); err != nil {
		t.Fatal(err)
	}
	if c := ev.Conformal; c == nil || c.CalibrationRows != 400 || len(c.Levels) != 3 || c.Levels[2].Level != 0.95 || c.Levels[0].Region.MeanSize == nil {
		t.Errorf("eval conformal: %s", out)
	}
}

func TestPredictLogPDF(t *testing.T) {
	cp := calibratedEx1d(t)
	in := writeRows(t, t.TempDir(), "../../testdata/ex1d_test.csv", 50)
	out, stderr, code := mdnRun(t, "", "predict", "--model", cp, "--input", in, "--what", "logpdf", "--level", "0.8")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if lines[0] != "x,row,y,log_density,in_region" || len(lines) != 51 {
		t.Fatalf("header %q, %d lines", lines[0], len(lines))
	}
	m, err := model.Load(cp)
	if err != nil {
		t.Fatal(err)
	}
	th, _ := m.Calibration.RegionThreshold(0.8)
	p := m.Predictor(1)
	inside := 0
	for i, l := range lines[1:] {
		f := strings.Split(l, ",")
		x, _ := strconv.ParseFloat(f[0], 64)
		y, _ := strconv.ParseFloat(f[2], 64)
		lp, _ := strconv.ParseFloat(f[3], 64)
		mix, err := p.Predict([]float64{x}, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Independently: one row through a Predictor of batch 1 (a
		// different GEMM path: agreement to rounding).
		if want := mix[0].LogProb([]float64{y}); math.Abs(lp-want) > 1e-9*(1+math.Abs(want)) {
			t.Errorf("row %d: log_density %v, want %v", i, lp, want)
		}
		if want := map[bool]string{true: "1", false: "0"}[lp >= th]; f[4] != want {
			t.Errorf("row %d: in_region %s, log p %v, threshold %v", i, f[4], lp, th)
		}
		if f[4] == "1" {
			inside++
		}
	}
	if inside == 0 || inside == 50 {
		t.Errorf("%d of 50 rows in the 0.8 region: the test tells nothing", inside)
	}
}

func TestPlotRegionCalibrated(t *testing.T) {
	cp := calibratedEx1d(t)
	out := filepath.Join(t.TempDir(), "region.png")
	if _, stderr, code := mdnRun(t, "", "plot", "--model", cp, "--data", ex1dTrain, "--kind", "region", "--out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	checkPNG(t, out, 720, 450)
	_, stderr, code := mdnRun(t, "", "plot", "--model", cp, "--data", ex1dTrain, "--kind", "region", "--level", "0.999", "--out", out)
	if code == 0 || !strings.Contains(stderr, "level 0.999 needs at least 999 calibration rows, got 400") {
		t.Errorf("level 0.999: exit %d, %q", code, stderr)
	}
	_, stderr, code = mdnRun(t, "", "plot", "--model", cp, "--data", ex1dTrain, "--kind", "quantiles", "--level", "0.5", "--out", out)
	if code == 0 || strings.TrimSpace(stderr) != "mdn: plot: --level is not used with --kind quantiles" {
		t.Errorf("--level with quantiles: exit %d, %q", code, stderr)
	}
}
