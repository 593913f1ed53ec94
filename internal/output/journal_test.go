package output

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestBatchDeviceFirst: a device that cannot be written (/dev/full) fails
// the batch before any regular file is replaced, and nothing of the batch
// is left on disk.
func TestBatchDeviceFirst(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full on this system")
	}
	dir := t.TempDir()
	model := filepath.Join(dir, "model.json")
	os.WriteFile(model, []byte("old model"), 0o644)
	var b Batch
	for _, p := range []string{model, "/dev/full"} {
		tg, err := Resolve("--out", p)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Add(tg, fillString("new "+p)); err != nil {
			t.Fatal(err)
		}
	}
	err := b.Commit()
	if err == nil || err.Error() != "--out /dev/full: no space left on device (nothing of this run was published)" {
		t.Fatalf("got %v", err)
	}
	if read(t, model) != "old model" {
		t.Errorf("model.json replaced: %q", read(t, model))
	}
	if es := entries(t, dir); !slices.Equal(es, []string{"model.json"}) {
		t.Errorf("files %v, want model.json only", es)
	}
}

// errKilled is what the afterRename hook panics with to stand for the
// process dying between two renames.
var errKilled = errors.New("killed")

// commitKilled commits a batch of the files, each with content "new NAME",
// and "kills" it after the rename of the file named at (the deferred
// unlock runs, nothing else of Commit does, as with SIGKILL).
func commitKilled(t *testing.T, journal string, at string, files ...string) {
	t.Helper()
	b := Batch{Journal: journal}
	for _, p := range files {
		tg, err := Resolve("--out", p)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Add(tg, fillString("new "+filepath.Base(p))); err != nil {
			t.Fatal(err)
		}
	}
	AfterRenameHook(func(target string) {
		if filepath.Base(target) == at {
			panic(errKilled)
		}
	})
	defer AfterRenameHook(nil)
	defer func() {
		if r := recover(); r != errKilled {
			t.Fatalf("Commit was not killed: %v", r)
		}
	}()
	b.Commit()
}

// TestRecoverRollsBack: a batch killed between its renames leaves a new
// model beside an old history; the next Recover in the directory puts
// every file back as it was (a file the batch created is removed) and
// removes the hidden files; a batch committed with a journal leaves no
// hidden file.
func TestRecoverRollsBack(t *testing.T) {
	dir := t.TempDir()
	model, hist, cp := filepath.Join(dir, "model.json"), filepath.Join(dir, "history.csv"), filepath.Join(dir, "checkpoint.gob")
	os.WriteFile(model, []byte("old model"), 0o644)
	os.WriteFile(hist, []byte("old history"), 0o644)
	d, err := OpenDir("--out", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(true)
	commitKilled(t, d.Journal(), "checkpoint.gob", model, cp, hist)
	if read(t, model) != "new model.json" || read(t, hist) != "old history" || read(t, cp) != "new checkpoint.gob" {
		t.Fatalf("the kill did not cut the batch: %q, %q, %q", read(t, model), read(t, hist), read(t, cp))
	}
	if _, err := os.Stat(d.Journal()); err != nil {
		t.Fatalf("no journal after the kill: %v", err)
	}
	back, err := d.Recover("model.json", "history.csv", "checkpoint.gob")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{model, cp, hist}; !slices.Equal(back, want) {
		t.Errorf("Recover: got %v, want %v", back, want)
	}
	if read(t, model) != "old model" || read(t, hist) != "old history" {
		t.Errorf("not rolled back: %q, %q", read(t, model), read(t, hist))
	}
	if es := entries(t, dir); !slices.Equal(es, []string{"history.csv", "model.json"}) {
		t.Errorf("files %v, want history.csv and model.json only", es)
	}
	AfterRenameHook(nil)
	b := Batch{Journal: d.Journal()}
	for _, p := range []string{model, hist} {
		tg, _ := Resolve("--out", p)
		b.Add(tg, fillString("new "+filepath.Base(p)))
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	if read(t, model) != "new model.json" || read(t, hist) != "new history.csv" {
		t.Errorf("commit: %q, %q", read(t, model), read(t, hist))
	}
	if es := entries(t, dir); !slices.Equal(es, []string{"history.csv", "model.json"}) {
		t.Errorf("after a commit: files %v, want history.csv and model.json only", es)
	}
}

// TestRecoverSweepsOnlyOurs: Recover removes the hidden temporary and
// backup files of the names it is given (and those of older versions),
// never another file.
func TestRecoverSweepsOnlyOurs(t *testing.T) {
	dir := t.TempDir()
	keep := []string{"model.json", ".mdn-tmp.samples.csv.123", "notes.txt", ".model.json.bak", "mdn-tmp.model.json.1"}
	gone := []string{".mdn-tmp.model.json.4242", ".mdn-old.history.csv.77", ".history.csv.tmp-99", ".model.json.old-.model.json.tmp-5",
		".mdn-tmp..mdn-publish.json.8"}
	for _, n := range append(slices.Clone(keep), gone...) {
		os.WriteFile(filepath.Join(dir, n), []byte(n), 0o644)
	}
	os.Mkdir(filepath.Join(dir, ".mdn-tmp.model.json.dir"), 0o755) // not a regular file: kept
	d, err := OpenDir("--out", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(true)
	if back, err := d.Recover("model.json", "history.csv"); err != nil || back != nil {
		t.Fatalf("Recover: %v, %v", back, err)
	}
	want := append(slices.Clone(keep), ".mdn-tmp.model.json.dir")
	slices.Sort(want)
	if es := entries(t, dir); !slices.Equal(es, want) {
		t.Errorf("files %v, want %v", es, want)
	}
}

// TestRecoverCorruptJournal: a journal that does not parse is not guessed
// at: Recover fails naming it and changes nothing.
func TestRecoverCorruptJournal(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, JournalFile), []byte("[{"), 0o644)
	d, err := OpenDir("--out", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(true)
	_, err = d.Recover("model.json")
	if err == nil || !strings.Contains(err.Error(), "--out "+dir+": journal .mdn-publish.json of an interrupted publication is corrupt") {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, JournalFile)); err != nil {
		t.Error("the corrupt journal was removed")
	}
}

// TestRecoverRelativePaths: a batch of relative paths is journalled with
// absolute ones, so a recovery run from another working directory rolls it
// back.
func TestRecoverRelativePaths(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	os.WriteFile("model.json", []byte("old model"), 0o644)
	os.WriteFile("history.csv", []byte("old history"), 0o644)
	d, err := OpenDir("--out", ".")
	if err != nil {
		t.Fatal(err)
	}
	commitKilled(t, d.Journal(), "model.json", "model.json", "history.csv")
	d.Close(true)
	t.Chdir(t.TempDir())
	d, err = OpenDir("--out", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(true)
	if _, err := d.Recover("model.json", "history.csv"); err != nil {
		t.Fatal(err)
	}
	if read(t, filepath.Join(dir, "model.json")) != "old model" || read(t, filepath.Join(dir, "history.csv")) != "old history" {
		t.Errorf("not rolled back: %q", read(t, filepath.Join(dir, "model.json")))
	}
	if es := entries(t, dir); !slices.Equal(es, []string{"history.csv", "model.json"}) {
		t.Errorf("files %v, want history.csv and model.json only", es)
	}
}
