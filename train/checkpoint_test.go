package train

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mdn-go/mdn/internal/infile"
)

// TestReadCheckpointBounded: a resume file or checkpoint that is not a
// regular file (a link to /dev/zero, a directory) is refused before it is
// read, naming the file; so is a history file that is /dev/zero.
func TestReadCheckpointBounded(t *testing.T) {
	dir := t.TempDir()
	info := filepath.Join(dir, ResumeFile)
	if err := os.Symlink("/dev/zero", info); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, err := ReadCheckpoint(dir)
		want := info + ": is a character device, not a regular file (a resume file is read whole)"
		if err == nil || err.Error() != want || !errors.Is(err, infile.ErrNotRegular) {
			t.Errorf("resume.json → /dev/zero: got %v, want %q", err, want)
		}
		os.Remove(info)
		os.WriteFile(info, []byte(`{"config":"/c.yaml","seed":3,"steps":10}`), 0o644)
		cp := filepath.Join(dir, CheckpointFile)
		os.Mkdir(cp, 0o755)
		_, err = ReadCheckpoint(dir)
		want = cp + ": is a directory, not a regular file (a checkpoint is read whole)"
		if err == nil || err.Error() != want {
			t.Errorf("checkpoint.gob a directory: got %v, want %q", err, want)
		}
		_, err = ReadHistoryFile("/dev/zero")
		want = "history: /dev/zero: is a character device, not a regular file (a history file is read whole)"
		if err == nil || err.Error() != want {
			t.Errorf("history /dev/zero: got %v, want %q", err, want)
		}
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("ReadCheckpoint of /dev/zero did not return")
	}
}
