//go:build unix

package cli

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestStdoutClosed: /dev/null opened read-write (what the runtime puts in
// place of a closed descriptor) is taken for closed; /dev/null opened for
// writing (a shell's >/dev/null) and a regular file opened read-write are
// not.
func TestStdoutClosed(t *testing.T) {
	reg := filepath.Join(t.TempDir(), "f")
	for _, c := range []struct {
		path string
		flag int
		want bool
	}{
		{os.DevNull, os.O_RDWR, true},
		{os.DevNull, os.O_WRONLY, false},
		{reg, os.O_RDWR | os.O_CREATE, false},
	} {
		f, err := os.OpenFile(c.path, c.flag, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		if got := stdoutClosed(f); got != c.want {
			t.Errorf("%s opened with flags %#x: got %v, want %v", c.path, c.flag, got, c.want)
		}
		f.Close()
	}
	if _, err := (closedWriter{}).Write([]byte("x")); !errors.Is(err, ErrStdoutClosed) {
		t.Errorf("closedWriter: got %v, want ErrStdoutClosed", err)
	}
}
