//go:build unix

package infile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

var small = Limit{Bytes: 16, What: "a test file", Name: "infile.small"}

func TestOpenRefusals(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok")
	if err := os.WriteFile(ok, []byte("0123456789abcdef"), 0o644); err != nil { // exactly the limit
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, []byte("0123456789abcdefg"), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path, want string
		is         error
	}{
		{"/dev/zero", "/dev/zero: is a character device, not a regular file (a test file is read whole)", ErrNotRegular},
		{fifo, fifo + ": is a named pipe, not a regular file (a test file is read whole)", ErrNotRegular},
		{link, link + ": is a named pipe, not a regular file (a test file is read whole)", ErrNotRegular},
		{dir, dir + ": is a directory, not a regular file (a test file is read whole)", ErrNotRegular},
		{big, big + ": is 17 bytes, too large: a test file may have at most 16 bytes (infile.small)", ErrTooLarge},
		{filepath.Join(dir, "none"), filepath.Join(dir, "none") + ": no such file or directory", fs.ErrNotExist},
	} {
		done := make(chan struct{})
		go func() {
			defer close(done)
			_, err := ReadFile(c.path, small)
			if err == nil || err.Error() != c.want || !errors.Is(err, c.is) {
				t.Errorf("ReadFile(%s): got %v, want %q wrapping %v", c.path, err, c.want, c.is)
			}
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second): // a FIFO open would block for good
			t.Fatalf("ReadFile(%s) did not return", c.path)
		}
	}
	b, err := ReadFile(ok, small)
	if err != nil || string(b) != "0123456789abcdef" {
		t.Errorf("ReadFile of a file of exactly the limit: got %q, %v", b, err)
	}
}

// TestLimitReaderGrowth: a file that grows past the limit after the size
// check fails while it is read, at the limit.
func TestLimitReaderGrowth(t *testing.T) {
	lr := &limitReader{r: strings.NewReader(strings.Repeat("x", 40)), n: 16, lim: small}
	b, err := io.ReadAll(lr)
	if !errors.Is(err, ErrTooLarge) || len(b) != 16 {
		t.Fatalf("got %d bytes, %v; want 16 and ErrTooLarge", len(b), err)
	}
	want := "grew past 16 bytes while it was read, too large: a test file may have at most 16 bytes (infile.small)"
	if err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
	lr = &limitReader{r: strings.NewReader(strings.Repeat("x", 16)), n: 16, lim: small}
	if b, err := io.ReadAll(lr); err != nil || len(b) != 16 {
		t.Errorf("exactly the limit: got %d bytes, %v", len(b), err)
	}
}

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 bytes", 1: "1 byte", 1023: "1023 bytes", 1024: "1 KiB",
		1536: "1.5 KiB", 1 << 20: "1 MiB", 1 << 30: "1 GiB", 8<<30 + 1<<20: "8 GiB"} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}
