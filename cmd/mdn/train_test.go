package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/mdn-go/mdn/config"
	"github.com/mdn-go/mdn/fitconfig"
	"github.com/mdn-go/mdn/internal/cli"
	"github.com/mdn-go/mdn/model"
	"github.com/mdn-go/mdn/predict"
	"github.com/mdn-go/mdn/train"
)

// writeConfig writes a config with the given body into dir and returns its
// path; TRAIN in body is replaced by the absolute path of the ex1d CSV.
func writeConfig(t *testing.T, dir, name, body string) string {
	t.Helper()
	abs, err := filepath.Abs(ex1dTrain)
	if err != nil {
		t.Fatal(err)
	}
	body = regexp.MustCompile(`TRAIN`).ReplaceAllString(body, strconv.Quote(abs))
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTrainBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	badCSV := write("bad.csv", "x,y\n1,2\n3,abc\n")
	bigCSV := write("big.csv", "x,y\n1e39,1\n2,2\n")
	fewCSV := write("few.csv", "x,y\n"+strings.Repeat("0.5,1\n", 12))
	calFrac := writeConfig(t, dir, "calfrac.yaml", "data: {train: TRAIN, x: [x], y: [y], calibration_fraction: 1}\n")
	calBoth := writeConfig(t, dir, "calboth.yaml", "data: {train: TRAIN, x: [x], y: [y], calibration: few.csv, calibration_fraction: 0.2}\n")
	calMissing := writeConfig(t, dir, "calmissing.yaml", "data: {train: TRAIN, x: [x], y: [y], calibration: nope.csv}\n")
	calFew := writeConfig(t, dir, "calfew.yaml", "data: {train: TRAIN, x: [x], y: [y], calibration_fraction: 0.01}\n")
	calFewFile := writeConfig(t, dir, "calfewfile.yaml", "data: {train: TRAIN, x: [x], y: [y], calibration: few.csv}\n")
	calLevels := writeConfig(t, dir, "callevels.yaml", "data: {train: TRAIN, x: [x], y: [y], calibration_fraction: 0.1,\n  calibration_levels: [0.9, 2]}\n")
	ok := writeConfig(t, dir, "ok.yaml", "data: {train: TRAIN, x: [x], y: [y]}\ntrain: {steps: 5}\n")
	unknown := writeConfig(t, dir, "unk.yaml", "data: {train: TRAIN, x: [x], y: [y]}\ntrian: {steps: 3}\n")
	badData := writeConfig(t, dir, "badcsv.yaml", "data: {train: bad.csv, x: [x], y: [y]}\n")
	f32 := writeConfig(t, dir, "f32.yaml", "data: {train: big.csv, x: [x], y: [y]}\n")
	nan := writeConfig(t, dir, "nan.yaml", "data: {train: TRAIN, x: [x], y: [y]}\ntrain: {lr: 1e6, on_nan: stop, steps: 50}\nmodel: {sigma_min: 0}\n")
	missing := filepath.Join(dir, "nope.yaml")
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	huge := filepath.Join(dir, "huge.yaml")
	if err := os.WriteFile(huge, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(huge, 1<<30); err != nil { // sparse: 1 GiB of zeros without the disk space
		t.Fatal(err)
	}
	zeroRun := filepath.Join(dir, "zerorun")
	os.Mkdir(zeroRun, 0o755)
	if err := os.Symlink("/dev/zero", filepath.Join(zeroRun, "resume.json")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string // OUT is replaced by a fresh directory
		want string
	}{
		{"missing config", []string{"train", "--config", missing, "--out", "OUT"},
			"mdn: train: config: " + missing + ": no such file or directory"},
		{"config is /dev/zero", []string{"train", "--config", "/dev/zero", "--out", "OUT"},
			"mdn: train: config: /dev/zero: is a character device, not a regular file (a config file is read whole)"},
		{"config is a FIFO", []string{"train", "--config", fifo, "--out", "OUT"},
			"mdn: train: config: " + fifo + ": is a named pipe, not a regular file (a config file is read whole)"},
		{"config is a directory", []string{"train", "--config", dir, "--out", "OUT"},
			"mdn: train: config: " + dir + ": is a directory, not a regular file (a config file is read whole)"},
		{"config of 1 GiB", []string{"train", "--config", huge, "--out", "OUT"},
			"mdn: train: config: " + huge + ": is 1073741824 bytes, too large: a config file may have at most 1 MiB (config.MaxBytes)"},
		{"resume.json is /dev/zero", []string{"train", "--resume", zeroRun},
			"mdn: train: --resume: " + filepath.Join(zeroRun, "resume.json") + ": is a character device, not a regular file (a resume file is read whole)"},
		{"no config flag", []string{"train", "--out", "OUT"}, `mdn: train: required flag "--config" not set`},
		{"unknown key", []string{"train", "--config", unknown, "--out", "OUT"},
			"mdn: train: config: " + unknown + `: line 2: field "trian" not found at top level`},
		{"bad CSV value", []string{"train", "--config", badData, "--out", "OUT"},
			`mdn: train: data: read ` + badCSV + `: line 3, column "y": not a number "abc"`},
		{"too large for float32", []string{"train", "--config", f32, "--out", "OUT"},
			`mdn: train: data: read ` + bigCSV + `: line 2, column "x": 1e+39 overflows float32 (max 3.4028234663852886e+38) (model.dtype is float32; use float64)`},
		{"divergent run", []string{"train", "--config", nan, "--out", "OUT"},
			"mdn: train: ensemble member 0: step 2: a gradient that is not finite; stopped (no model with NaN is kept; lower train.lr, raise model.sigma_min or set train.clip_norm)"},
		{"calibration_fraction 1", []string{"train", "--config", calFrac, "--out", "OUT"},
			"mdn: train: config: " + calFrac + ": line 1: data.calibration_fraction: must be in [0, 1), got 1"},
		{"calibration and calibration_fraction", []string{"train", "--config", calBoth, "--out", "OUT"},
			"mdn: train: config: " + calBoth + ": line 1: data.calibration, data.calibration_fraction: mutually exclusive: give one or the other"},
		{"calibration file missing", []string{"train", "--config", calMissing, "--out", "OUT"},
			"mdn: train: config: " + calMissing + ": line 1: data.calibration: " + filepath.Join(dir, "nope.csv") + ": no such file or directory"},
		{"calibration level 2", []string{"train", "--config", calLevels, "--out", "OUT"},
			"mdn: train: config: " + calLevels + ": line 2: data.calibration_levels[1]: must be in (0, 1), got 2"},
		// round(0.01 · 512) = 5 rows: enough for 0.8 (k = ⌈6·0.8⌉ = 5), not 0.9.
		{"too few calibration rows held out", []string{"train", "--config", calFew, "--out", "OUT"},
			"mdn: train: data.calibration_fraction: 0.01 holds out 5 rows of data.train, too few for data.calibration_levels 0.9, which needs at least 9 (level/(1 − level)); raise data.calibration_fraction or give a data.calibration file"},
		{"too few calibration rows in the file", []string{"train", "--config", calFewFile, "--out", "OUT"},
			"mdn: train: data.calibration: " + fewCSV + ": 12 rows, too few for data.calibration_levels 0.95, which needs at least 19 (level/(1 − level))"},
		{"steps 0", []string{"train", "--config", ok, "--out", "OUT", "--steps", "0"}, "mdn: train: --steps must be ≥ 1, got 0"},
		{"resume with config", []string{"train", "--resume", "OUT", "--config", ok},
			"mdn: train: --resume and --config cannot be used together (the run's own settings are kept)"},
		{"unknown flag", []string{"train", "--config", ok, "--bogus"}, "mdn: train: unknown flag: --bogus (see 'mdn train --help')"},
		{"figure into a missing directory", []string{"train", "--config", ok, "--out", "OUT", "--figure", filepath.Join(dir, "no", "f.png")},
			"mdn: train: --figure " + filepath.Join(dir, "no", "f.png") + ": directory " + filepath.Join(dir, "no") + " does not exist"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			args := append([]string(nil), c.args...)
			for i, a := range args {
				if a == "OUT" {
					args[i] = out
				}
			}
			stdout, stderr, code := mdnRun(t, "", args...)
			stderr = withoutSummary(stderr)
			if stderr != c.want+"\n" || code != 1 {
				t.Errorf("got exit %d, stderr %q, want exit 1, %q", code, stderr, c.want+"\n")
			}
			if stdout != "" {
				t.Errorf("stdout: got %q, want nothing", stdout)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("--out %s exists after a failed run", out)
			}
		})
	}
}

func TestTrainRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "ok.yaml", "data: {train: TRAIN, x: [x], y: [y]}\ntrain: {steps: 5}\n")
	out := filepath.Join(dir, "out")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	mp := filepath.Join(out, "model.json")
	if err := os.WriteFile(mp, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := mdnRun(t, "", "train", "--config", cfg, "--out", out)
	want := "mdn: train: " + mp + " exists; use --force to overwrite it or --out for another directory\n"
	if code != 1 || stderr != want {
		t.Fatalf("got exit %d, %q; want 1, %q", code, stderr, want)
	}
	if b, _ := os.ReadFile(mp); string(b) != "precious" {
		t.Fatalf("model.json was changed to %q", b)
	}
	// --force with a figure that cannot be written fails before training
	// and leaves the model alone.
	bad := filepath.Join(dir, "fig.png")
	os.Mkdir(bad, 0o755)
	wide := writeConfig(t, dir, "wide.yaml", "data: {train: TRAIN, x: [x], y: [y, y2]}\ntrain: {steps: 5}\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--config", cfg, "--figure", bad}, "mdn: train: --figure " + bad + ": is a directory\n"},
		{[]string{"--config", wide, "--figure", filepath.Join(dir, "f.png")},
			"mdn: train: --figure: the default figure needs one covariate and one response column, the config has 1 and 2\n"},
	} {
		_, stderr, code := mdnRun(t, "", append([]string{"train", "--out", out, "--force"}, c.args...)...)
		if code != 1 || stderr != c.want {
			t.Errorf("%v: got exit %d, %q; want 1, %q", c.args, code, stderr, c.want)
		}
		if b, _ := os.ReadFile(mp); string(b) != "precious" {
			t.Fatalf("%v: model.json was changed", c.args)
		}
	}
	// A model.json the user made read-only is not replaced, even with
	// --force: chmod u+w is the consent.
	os.Chmod(mp, 0o444)
	_, stderr, code = mdnRun(t, "", "train", "--config", cfg, "--out", out, "--force")
	want = "mdn: train: --out " + mp + ": is read-only (mode -r--r--r--); make it writable (chmod u+w) to replace it, or write to another file\n"
	if code != 1 || stderr != want {
		t.Errorf("read-only model.json: got exit %d, %q; want 1, %q", code, stderr, want)
	}
	if b, _ := os.ReadFile(mp); string(b) != "precious" {
		t.Fatalf("read-only model.json was changed")
	}
	os.Chmod(mp, 0o644)
	if _, stderr, code := mdnRun(t, "", "train", "--config", cfg, "--out", out, "--force"); code != 0 {
		t.Fatalf("--force: exit %d: %s", code, stderr)
	}
}

// TestTrainJSONAndDeterminism checks the --json line and that the same
// config and seed give the same model file (all but the wall-clock seconds).
func TestTrainJSONAndDeterminism(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "c.yaml", "data: {train: TRAIN, x: [x], y: [y]}\nmodel: {hidden: [16, 16]}\ntrain: {steps: 60, eval_every: 10}\n")
	var files [2][]byte
	for i := range files {
		out := filepath.Join(dir, "o"+strconv.Itoa(i))
		stdout, stderr, code := mdnRun(t, "", "train", "--config", cfg, "--out", out, "--seed", "4", "--json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var rep map[string]any
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatalf("--json printed %q: %v", stdout, err)
		}
		for _, k := range []string{"read_seconds", "train_seconds", "steps", "final_loss", "val_nll"} {
			if _, ok := rep[k]; !ok {
				t.Fatalf("--json lacks %q: %s", k, stdout)
			}
		}
		if rep["steps"].(float64) != 60 || rep["val_nll"] == nil {
			t.Fatalf("got steps %v, val_nll %v; want 60 and a number", rep["steps"], rep["val_nll"])
		}
		b, err := os.ReadFile(filepath.Join(out, "model.json"))
		if err != nil {
			t.Fatal(err)
		}
		files[i] = regexp.MustCompile(`"(seconds|created)": [^,\n]*`).ReplaceAll(b, nil)
		h, err := os.ReadFile(filepath.Join(out, "history.csv"))
		if err != nil || len(h) == 0 {
			t.Fatalf("history.csv: %v", err)
		}
	}
	if string(files[0]) != string(files[1]) {
		t.Fatal("two runs with the same config and seed wrote different model files")
	}
}

// TestTrainInterruptAndResume cancels a run part-way (as SIGINT does),
// expects exit status 130 with a model and a checkpoint written, resumes it
// with --resume, and expects the model file of an uninterrupted run.
func TestTrainInterruptAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("trains twice for about 2 s")
	}
	for _, c := range []struct {
		name, data string
		flags      []string
	}{
		{"plain", "data: {train: TRAIN, x: [x], y: [y]}\n", nil},
		// The calibration rows are held out again on resuming, and the
		// finished model is calibrated on them.
		{"calibration_fraction", "data: {train: TRAIN, x: [x], y: [y], calibration_fraction: 0.2}\n", nil},
		// --ensemble is kept in resume.json and given again: the resumed
		// run has the config the checkpoint was made with.
		{"ensemble flag", "data: {train: TRAIN, x: [x], y: [y]}\n", []string{"--ensemble", "3"}},
	} {
		t.Run(c.name, func(t *testing.T) { interruptAndResume(t, c.data, c.flags...) })
	}
}

// interruptAndResume is TestTrainInterruptAndResume with the config's data
// section data and the flags of the runs before --resume.
func interruptAndResume(t *testing.T, data string, flags ...string) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "c.yaml", data+"model: {hidden: [32, 32]}\ntrain: {steps: 1500, eval_every: 25}\n")
	full := filepath.Join(dir, "full")
	if _, stderr, code := mdnRun(t, "", append([]string{"train", "--config", cfg, "--out", full}, flags...)...); code != 0 {
		t.Fatalf("uninterrupted run: exit %d: %s", code, stderr)
	}
	part := filepath.Join(dir, "part")
	// Cancel (as SIGINT does) when the first progress line, at 10 % of the
	// steps, is printed: a point in the run that does not depend on the
	// machine's speed.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr bytes.Buffer
	cw := &cancelWriter{w: &stderr, at: regexp.MustCompile(`(?m)^(step|networks) [0-9]+/[0-9]+ `), cancel: cancel}
	ios, _, _, _ := cli.Test()
	ios.ErrOut = cw
	root := newRootCmd(ios)
	root.SetArgs(append([]string{"train", "--config", cfg, "--out", part}, flags...))
	err := root.ExecuteContext(ctx)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 130 {
		t.Fatalf("interrupted run: got %v, want exit status 130", err)
	}
	for _, f := range []string{"model.json", "history.csv", "checkpoint.gob", "resume.json"} {
		if _, err := os.Stat(filepath.Join(part, f)); err != nil {
			t.Fatalf("after the interruption: %v", err)
		}
	}
	if _, stderr, code := mdnRun(t, "", "train", "--resume", part); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	for _, f := range []string{"checkpoint.gob", "resume.json"} {
		if _, err := os.Stat(filepath.Join(part, f)); !os.IsNotExist(err) {
			t.Fatalf("%s left after the resumed run finished", f)
		}
	}
	strip := regexp.MustCompile(`"(seconds|created)": [^,\n]*`)
	a, _ := os.ReadFile(filepath.Join(full, "model.json"))
	b, _ := os.ReadFile(filepath.Join(part, "model.json"))
	if !regexp.MustCompile(`"created": "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z"`).Match(a) {
		t.Fatal("model.json has no RFC 3339 created time")
	}
	if string(strip.ReplaceAll(a, nil)) != string(strip.ReplaceAll(b, nil)) {
		t.Fatal("the resumed run's model.json differs from the uninterrupted run's")
	}
	ha, _ := os.ReadFile(filepath.Join(full, "history.csv"))
	hb, _ := os.ReadFile(filepath.Join(part, "history.csv"))
	if string(ha) != string(hb) {
		t.Fatal("the resumed run's history.csv differs from the uninterrupted run's")
	}
	if len(flags) > 0 {
		// --ensemble 3: the three networks with noise or without, or all six.
		if m, err := model.Load(filepath.Join(part, "model.json")); err != nil || (m.Members() != 3 && m.Members() != 6) {
			t.Fatalf("the resumed model: %v; want 3 or 6 members", err)
		}
	}
	if strings.Contains(data, "calibration_fraction: 0.2") {
		// round(0.2 · 512) rows.
		if m, err := model.Load(filepath.Join(part, "model.json")); err != nil || m.Calibration == nil || m.Calibration.Rows != 102 {
			t.Fatalf("the resumed model: %v, calibration %+v; want one on 102 rows", err, m.Calibration)
		}
	}
}

// TestTrainCalibration: with data.calibration_fraction, mdn train holds the
// rows out (the plan line and the final line say how many), calibrates the
// model on them as mdn calibrate does (the same scores as
// predict.Calibrate of the uncalibrated model on train.LoadData's Cal
// rows), writes format version 4, the same file for the same seed, and the
// calibrated regions cover new rows of ex1d at about their level.
func TestTrainCalibration(t *testing.T) {
	dir := t.TempDir()
	cfgPath := writeConfig(t, dir, "c.yaml", "data: {train: TRAIN, x: [x], y: [y], calibration_fraction: 0.25}\n"+
		"model: {hidden: [16, 16]}\ntrain: {steps: 300, ensemble: 2}\n")
	strip := regexp.MustCompile(`"(seconds|created)": [^,\n]*`)
	var files [2][]byte
	for i := range files {
		out := filepath.Join(dir, "o"+strconv.Itoa(i))
		stdout, stderr, code := mdnRun(t, "", "train", "--config", cfgPath, "--out", out, "--seed", "4", "--json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		// round(0.25 · 512) = 128 calibration rows; 0.1 of 512 (0.1/0.75
		// of the 384 left) = 51 validation rows.
		if !strings.Contains(stderr, "train: 333 training rows, 51 validation rows, 128 calibration rows; ") {
			t.Errorf("plan line: stderr %q", stderr)
		}
		var rep trainReport
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil || rep.CalibrationRows != 128 {
			t.Errorf("--json %q: calibration_rows %d, want 128 (%v)", stdout, rep.CalibrationRows, err)
		}
		b, err := os.ReadFile(filepath.Join(out, "model.json"))
		if err != nil {
			t.Fatal(err)
		}
		files[i] = strip.ReplaceAll(b, nil)
	}
	if string(files[0]) != string(files[1]) {
		t.Fatal("two runs with the same config and seed wrote different model files")
	}
	mp := filepath.Join(dir, "o0", "model.json")
	m, err := model.Load(mp)
	if err != nil {
		t.Fatal(err)
	}
	if m.Version != model.CalibratedVersion || m.Calibration == nil || m.Calibration.Rows != 128 ||
		!slices.Equal(m.Calibration.Levels, []float64{0.8, 0.9, 0.95}) {
		t.Fatalf("version %d, calibration %+v; want version %d calibrated on 128 rows at 0.8, 0.9, 0.95",
			m.Version, m.Calibration, model.CalibratedVersion)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Train.Seed = 4
	d, err := train.LoadData(fitconfig.Recipe(cfg))
	if err != nil {
		t.Fatal(err)
	}
	c := m.Calibration
	if err := m.SetCalibration(nil); err != nil {
		t.Fatal(err)
	}
	want, err := predict.Calibrate(m, d.Cal, cfg.Data.CalibrationLevels)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("the model's calibration is not predict.Calibrate's on the held-out rows:\ngot  %+v\nwant %+v", c, want)
	}

	// The final line; and the rows of ex1d_test.csv (4096, never seen)
	// are covered at about the level: k/(n + 1) = 117/129 = 0.907 at 0.9
	// in expectation, with a standard deviation of about 0.025 over the
	// draw of the 128 calibration rows.
	_, stderr, code := mdnRun(t, "", "train", "--config", cfgPath, "--out", filepath.Join(dir, "o0"), "--seed", "4", "--force")
	if code != 0 || !strings.Contains(stderr, "\ncalibrated on 128 rows of data.train held out for calibration (data.calibration_fraction 0.25); levels 0.8, 0.9, 0.95\nwrote ") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	stdout, stderr, code := mdnRun(t, "", "eval", "--model", mp, "--data", "../../testdata/ex1d_test.csv", "--json")
	if code != 0 {
		t.Fatalf("eval: exit %d: %s", code, stderr)
	}
	var ev struct {
		Conformal struct {
			Levels []struct {
				Level            float64
				Interval, Region struct{ Coverage float64 }
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &ev); err != nil || len(ev.Conformal.Levels) != 3 {
		t.Fatalf("eval --json %q: %v", stdout, err)
	}
	for _, l := range ev.Conformal.Levels {
		for _, cov := range []float64{l.Interval.Coverage, l.Region.Coverage} {
			if math.Abs(cov-l.Level) > 0.08 {
				t.Errorf("level %v: coverage %v, want within 0.08 of the level", l.Level, cov)
			}
		}
	}
}

// TestRunRecoversPanics: an unexpected panic becomes one line and exit 2.
func TestRunRecoversPanics(t *testing.T) {
	ios, _, _, stderr := cli.Test()
	ios.Out = panicWriter{}
	code := run([]string{"gen", "ex1d", "--n", "3"}, ios)
	want := "mdn: internal error: boom (please report it with the command line; MDN_TRACE=1 shows the stack)\n"
	if code != 2 || stderr.String() != want {
		t.Fatalf("got exit %d, %q; want 2, %q", code, stderr.String(), want)
	}
}

type panicWriter struct{}

func (panicWriter) Write([]byte) (int, error) { panic("boom") }

// TestTrainEpochs: epochs resolve to steps with the batch size, on the rows
// left after the hold-out: 512 rows, 10% held out → 461; batches of 128 →
// 3 full batches an epoch (the last partial one is dropped).
func TestTrainEpochs(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "e.yaml", "data: {train: TRAIN, x: [x], y: [y]}\nmodel: {hidden: [8]}\ntrain: {epochs: 2, batch_size: 128}\n")
	stdout, stderr, code := mdnRun(t, "", "train", "--config", cfg, "--out", filepath.Join(dir, "o"), "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct{ Steps int }
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Steps != 6 {
		t.Fatalf("got %d steps, want 2 epochs × 3 batches = 6", rep.Steps)
	}
}

// withoutSummary drops the summary line that train prints before training
// ("train: 461 training rows, …").
func withoutSummary(stderr string) string {
	return regexp.MustCompile(`(?m)^train: \d+ training rows?, .*\n`).ReplaceAllString(stderr, "")
}

// cancelWriter passes writes to w and calls cancel once a write matches at.
type cancelWriter struct {
	w      io.Writer
	at     *regexp.Regexp
	cancel func()
}

func (c *cancelWriter) Write(p []byte) (int, error) {
	if c.at.Match(p) {
		c.cancel()
	}
	return c.w.Write(p)
}

// progressLine is a progress line of mdn train off a terminal.
var progressLine = regexp.MustCompile(`(?m)^(step|networks) [0-9]+/[0-9]+ .*\([0-9.]+s\)$`)

// TestTrainProgressTTY: mdn train asks its IOStreams whether standard error
// is a terminal: told it is (SetStderrTTY), it draws a progress bar redrawn
// in place; told it is not (Test's default), the same run prints progress
// lines.
func TestTrainProgressTTY(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "c.yaml", "data: {train: TRAIN, x: [x], y: [y]}\nmodel: {hidden: [4]}\ntrain: {steps: 20, ensemble: 1, threads: 1}\n")
	for _, tty := range []bool{true, false} {
		ios, _, _, errOut := cli.Test()
		ios.SetStderrTTY(tty)
		if code := run([]string{"train", "--config", cfg, "--out", filepath.Join(dir, strconv.FormatBool(tty))}, ios); code != 0 {
			t.Fatalf("tty %v: exit %d: %s", tty, code, errOut)
		}
		got := errOut.String()
		bar := strings.Contains(got, "\r") && strings.Contains(got, "% |")
		lines := progressLine.MatchString(got)
		if bar != tty || lines == tty {
			t.Errorf("stderr a terminal: %v: got bar %v, lines %v in %q", tty, bar, lines, got)
		}
	}
}

// TestGCPercent: the collector's headroom is 16 MiB over a large table
// (2 % at the least), the default 100 % on a small one.
func TestGCPercent(t *testing.T) {
	for _, c := range []struct {
		table int64
		want  int
	}{
		{80_000, 100},
		{gcHeadroom, 100},
		{2 * gcHeadroom, 50},
		{400_000_000, 4},
		{800_000_000, 2},
		{8_000_000_000, 2},
	} {
		if got := gcPercent(c.table); got != c.want {
			t.Errorf("gcPercent(%d) = %d, want %d", c.table, got, c.want)
		}
	}
}
