package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mdn-go/mdn/model"
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
