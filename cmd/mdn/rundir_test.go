package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mdn-go/mdn/internal/infile"
)

// TestReadCheckpointBounded: a resume file or checkpoint that is not a
// regular file (a link to /dev/zero, a directory) is refused before it is
// read, naming the file; so is a history file that is /dev/zero.
func TestReadCheckpointBounded(t *testing.T) {
	dir := t.TempDir()
	info := filepath.Join(dir, "resume.json")
	if err := os.Symlink("/dev/zero", info); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, err := readCheckpoint(dir)
		want := info + ": is a character device, not a regular file (a resume file is read whole)"
		if err == nil || err.Error() != want || !errors.Is(err, infile.ErrNotRegular) {
			t.Errorf("resume.json → /dev/zero: got %v, want %q", err, want)
		}
		os.Remove(info)
		os.WriteFile(info, []byte(`{"config":"/c.yaml","seed":3,"steps":10}`), 0o644)
		cp := filepath.Join(dir, "checkpoint.gob")
		os.Mkdir(cp, 0o755)
		_, err = readCheckpoint(dir)
		want = cp + ": is a directory, not a regular file (a checkpoint is read whole)"
		if err == nil || err.Error() != want {
			t.Errorf("checkpoint.gob a directory: got %v, want %q", err, want)
		}
		_, _, _, err = readHistory("/dev/zero")
		want = "history: /dev/zero: is a character device, not a regular file (a history file is read whole)"
		if err == nil || err.Error() != want {
			t.Errorf("history /dev/zero: got %v, want %q", err, want)
		}
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("readCheckpoint of /dev/zero did not return")
	}
}

// TestReadCheckpointErrors: a directory without resume.json has no
// interrupted run; a resume.json that ReadInfo refuses is corrupt; a
// checkpoint.gob that ReadState refuses is named with ReadState's message.
func TestReadCheckpointErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := readCheckpoint(dir); err == nil || !strings.HasPrefix(err.Error(), dir+": no interrupted run there (") {
		t.Fatalf("empty dir: got %v", err)
	}
	info, cp := filepath.Join(dir, "resume.json"), filepath.Join(dir, "checkpoint.gob")
	os.WriteFile(info, []byte("{"), 0o644)
	if _, err := readCheckpoint(dir); err == nil || err.Error() != info+" is corrupt" {
		t.Fatalf("corrupt info: got %v", err)
	}
	os.WriteFile(info, []byte(`{"config":"/c.yaml","seed":3,"steps":10}`), 0o644)
	os.WriteFile(cp, []byte("not gob"), 0o644)
	if _, err := readCheckpoint(dir); err == nil || !strings.HasPrefix(err.Error(), cp+": not a training checkpoint: ") {
		t.Fatalf("corrupt state: got %v", err)
	}
}
