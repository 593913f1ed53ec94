package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mdn-go/mdn/internal/cli"
)

// interruptRun runs mdn train --config cfg --out out and cancels it (as
// SIGINT does) at its first progress line; it fails the test unless the run
// stopped with status 130 and left a checkpoint.
func interruptRun(t *testing.T, cfg, out string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr bytes.Buffer
	cw := &cancelWriter{w: &stderr, at: regexp.MustCompile(`(?m)^(step|networks) [0-9]+/[0-9]+ `), cancel: cancel}
	ios, _, _, _ := cli.Test()
	ios.ErrOut = cw
	root := newRootCmd(ios)
	root.SetArgs([]string{"train", "--config", cfg, "--out", out})
	err := root.ExecuteContext(ctx)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 130 {
		t.Fatalf("interrupted run: got %v, want exit status 130; stderr %s", err, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(out, "resume.json")); err != nil {
		t.Fatal(err)
	}
}

// TestResumeRefusesChanges: --resume compares the effective config and the
// rows of the data with the interrupted run's and names what changed; put
// back, the run resumes. A resume.json without a fingerprint (an older
// mdn's) still resumes.
func TestResumeRefusesChanges(t *testing.T) {
	if testing.Short() {
		t.Skip("trains an interrupted run twice")
	}
	dir := t.TempDir()
	csv, err := os.ReadFile(ex1dTrain)
	if err != nil {
		t.Fatal(err)
	}
	dataPath := filepath.Join(dir, "d.csv")
	os.WriteFile(dataPath, csv, 0o644)
	body := "data: {train: d.csv, x: [x], y: [y]}\nmodel: {hidden: [8]}\ntrain: {steps: 400, lr: 0.01, ensemble: 1, threads: 1}\n"
	cfg := filepath.Join(dir, "c.yaml")
	os.WriteFile(cfg, []byte(body), 0o644)
	out := filepath.Join(dir, "out")
	interruptRun(t, cfg, out)

	resume := func() (string, int) {
		_, stderr, code := mdnRun(t, "", "train", "--resume", out)
		return withoutSummary(stderr), code
	}
	prefix := "mdn: train: --resume " + out + ": "
	suffix := "; put it back as it was, or start a new run with --config and --force\n"
	// A different lr and a new key with its default spelled out: only the
	// changed value counts. train.threads does not change the result.
	os.WriteFile(cfg, []byte(strings.Replace(body, "lr: 0.01, ensemble: 1, threads: 1", "lr: 0.02, ensemble: 1, threads: 2, on_nan: rollback", 1)), 0o644)
	if stderr, code := resume(); code != 1 || stderr != prefix+"the config changed since the run was interrupted: train.lr 0.01 → 0.02"+suffix {
		t.Errorf("edited lr: got exit %d, %q", code, stderr)
	}
	os.WriteFile(cfg, []byte(body), 0o644)
	// One value of the data changed; then a row more.
	edited := bytes.Replace(csv, []byte("\n"), []byte("\n0,0\n"), 1)
	os.WriteFile(dataPath, edited, 0o644)
	if stderr, code := resume(); code != 1 || stderr != prefix+"data.train "+dataPath+" changed since the run was interrupted (512 rows then, 513 now)"+suffix {
		t.Errorf("a row more: got exit %d, %q", code, stderr)
	}
	lines := strings.SplitN(string(csv), "\n", 3)
	lines[1] = "0,0"
	os.WriteFile(dataPath, []byte(strings.Join(lines, "\n")), 0o644)
	if stderr, code := resume(); code != 1 || stderr != prefix+"data.train "+dataPath+" changed since the run was interrupted (the same 512 rows, other values)"+suffix {
		t.Errorf("a value changed: got exit %d, %q", code, stderr)
	}
	for _, f := range []string{"checkpoint.gob", "resume.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Fatalf("a refused resume removed %s", f)
		}
	}
	os.WriteFile(dataPath, csv, 0o644)
	// As an older mdn wrote it: no fingerprint.
	infoPath := filepath.Join(out, "resume.json")
	b, _ := os.ReadFile(infoPath)
	var info map[string]any
	if err := json.Unmarshal(b, &info); err != nil || info["fingerprint"] == nil {
		t.Fatalf("resume.json %s: want a fingerprint (%v)", b, err)
	}
	delete(info, "fingerprint")
	b, _ = json.Marshal(info)
	os.WriteFile(infoPath, b, 0o644)
	if stderr, code := resume(); code != 0 {
		t.Fatalf("resume with the files put back: exit %d: %s", code, stderr)
	}
}

// TestResumeSkip: a resume pins the recipe the interrupted run trained
// with (resume.json's recipe), so a size rule that would now choose
// otherwise does not change the networks under the checkpoint; the files
// of an mdn that kept no recipe get a message naming the key to set.
func TestResumeSkip(t *testing.T) {
	if testing.Short() {
		t.Skip("trains an interrupted run on 11,200 rows")
	}
	dir := t.TempDir()
	dataPath := filepath.Join(dir, "d.csv")
	if _, stderr, code := mdnRun(t, "", "gen", "bimodal8", "--n", "11200", "--seed", "1", "--out", dataPath); code != 0 {
		t.Fatalf("gen: exit %d: %s", code, stderr)
	}
	body := "data: {train: d.csv, x: [x1, x2, x3, x4, x5, x6, x7, x8], y: [y1, y2]}\nmodel: {hidden: [4], skip: false}\ntrain: {steps: 300, ensemble: 1, noise_scale: 0, threads: 1}\n"
	cfg := filepath.Join(dir, "c.yaml")
	os.WriteFile(cfg, []byte(body), 0o644)
	out := filepath.Join(dir, "out")
	interruptRun(t, cfg, out)
	// The same config without the key: the same values (skip false is the
	// default), but the size rule would now turn it on for 10,080 training
	// rows, as a newer mdn's rule might for a run interrupted by an older.
	os.WriteFile(cfg, []byte(strings.Replace(body, ", skip: false", "", 1)), 0o644)
	infoPath := filepath.Join(out, "resume.json")
	withRecipe, err := os.ReadFile(infoPath)
	if err != nil {
		t.Fatal(err)
	}
	var info map[string]any
	if err := json.Unmarshal(withRecipe, &info); err != nil || info["recipe"] == nil {
		t.Fatalf("resume.json: %v, recipe %v; want a recipe", err, info["recipe"])
	}
	delete(info, "recipe")
	old, _ := json.Marshal(info)
	os.WriteFile(infoPath, old, 0o644)
	_, stderr, code := mdnRun(t, "", "train", "--resume", out)
	want := "mdn: train: --resume " + out + ": the checkpoint's networks have no skip path, but the size rule gives this run one (model.skip: true from 10000 training rows; this run has 10080); to resume the run as it was written, set model.skip: false in " + cfg + "\n"
	if code != 1 || withoutSummary(stderr) != want {
		t.Errorf("resume without a recipe: got exit %d, %q; want 1, %q", code, withoutSummary(stderr), want)
	}
	for _, f := range []string{"checkpoint.gob", "resume.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Fatalf("a refused resume removed %s", f)
		}
	}
	os.WriteFile(infoPath, withRecipe, 0o644)
	_, stderr, code = mdnRun(t, "", "train", "--resume", out)
	if code != 0 || !strings.Contains(stderr, "the interrupted run's recipe (resume.json)") {
		t.Fatalf("resume with its recipe: exit %d: %s", code, stderr)
	}
	m, err := os.ReadFile(filepath.Join(out, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(m, []byte(`"skip": true`)) {
		t.Errorf("the resumed run's model has a skip path; the interrupted run had none")
	}
}
