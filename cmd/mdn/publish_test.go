package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/mdn-go/mdn/internal/output"
)

// publishConfig writes a small training config into dir.
func publishConfig(t *testing.T, dir string) string {
	return writeConfig(t, dir, "c.yaml", "data: {train: TRAIN, x: [x], y: [y]}\nmodel: {hidden: [8]}\ntrain: {steps: 20, ensemble: 1}\n")
}

// TestTrainFigureDeviceFails: train --force --figure /dev/full fails
// (exit 1) without replacing model.json or history.csv: the device is
// written before any file is renamed.
func TestTrainFigureDeviceFails(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full on this system")
	}
	dir := t.TempDir()
	cfg := publishConfig(t, dir)
	out := filepath.Join(dir, "out")
	if _, stderr, code := mdnRun(t, "", "train", "--config", cfg, "--out", out, "--seed", "1"); code != 0 {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	model, _ := os.ReadFile(filepath.Join(out, "model.json"))
	hist, _ := os.ReadFile(filepath.Join(out, "history.csv"))
	_, stderr, code := mdnRun(t, "", "train", "--config", cfg, "--out", out, "--seed", "2", "--force", "--figure", "/dev/full")
	want := "mdn: train: --figure /dev/full: no space left on device (nothing of this run was published)\n"
	if code != 1 || !strings.HasSuffix(stderr, "\n"+want) {
		t.Errorf("got exit %d, %q; want 1, ending %q", code, stderr, want)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "model.json")); !bytes.Equal(b, model) {
		t.Error("model.json was replaced")
	}
	if b, _ := os.ReadFile(filepath.Join(out, "history.csv")); !bytes.Equal(b, hist) {
		t.Error("history.csv was replaced")
	}
	if es, _ := os.ReadDir(out); len(es) != 2 {
		t.Errorf("out holds %d files, want model.json and history.csv", len(es))
	}
}

// TestTrainKilledWhilePublishing: a real mdn train process killed (SIGKILL)
// between the renames of model.json and history.csv leaves a new model
// beside the old history and its journal; the next mdn train in that
// directory rolls the publication back (here it then stops: model.json
// exists and there is no --force) and leaves no hidden file.
func TestTrainKilledWhilePublishing(t *testing.T) {
	dir := t.TempDir()
	cfg := publishConfig(t, dir)
	out := filepath.Join(dir, "out")
	if _, stderr, code := mdnRun(t, "", "train", "--config", cfg, "--out", out, "--seed", "1"); code != 0 {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	model, _ := os.ReadFile(filepath.Join(out, "model.json"))
	hist, _ := os.ReadFile(filepath.Join(out, "history.csv"))

	cmd := exec.Command(os.Args[0], "train", "--config", cfg, "--out", out, "--seed", "2", "--force")
	cmd.Env = append(os.Environ(), "MDN_TEST_MAIN=1", "MDN_TEST_KILL_AFTER_RENAME=model.json")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the run was not killed: %v; stderr %s", err, stderr.String())
	}
	if b, _ := os.ReadFile(filepath.Join(out, "model.json")); bytes.Equal(b, model) {
		t.Fatal("the killed run had not replaced model.json: the kill came too early to test anything")
	}
	if b, _ := os.ReadFile(filepath.Join(out, "history.csv")); !bytes.Equal(b, hist) {
		t.Fatal("the killed run had replaced history.csv too")
	}
	if _, err := os.Stat(filepath.Join(out, output.JournalFile)); err != nil {
		t.Fatalf("no journal after the kill: %v", err)
	}

	_, errText, code := mdnRun(t, "", "train", "--config", cfg, "--out", out, "--seed", "2")
	wantWarn := "mdn: train: warning: a run killed while publishing left " + filepath.Join(out, "model.json") + ", " +
		filepath.Join(out, "history.csv") + " half replaced; restored as before it\n"
	if code != 1 || !strings.HasPrefix(errText, wantWarn) || !strings.Contains(errText, "model.json exists; use --force") {
		t.Errorf("next run: got exit %d, %q; want 1, the warning %q, then model.json exists", code, errText, wantWarn)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "model.json")); !bytes.Equal(b, model) {
		t.Error("model.json is not the old one after the recovery")
	}
	if b, _ := os.ReadFile(filepath.Join(out, "history.csv")); !bytes.Equal(b, hist) {
		t.Error("history.csv is not the old one after the recovery")
	}
	var names []string
	es, _ := os.ReadDir(out)
	for _, e := range es {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"history.csv", "model.json"}) {
		t.Errorf("out holds %v, want history.csv and model.json only", names)
	}
}
