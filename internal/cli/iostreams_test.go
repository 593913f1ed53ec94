package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestIOStreams: Test's streams are its buffers, each in its place; System's
// are the process's. Both have their own Grace.
func TestIOStreams(t *testing.T) {
	ios, in, out, errOut := Test()
	in.WriteString("rows")
	io.WriteString(ios.Out, "out")
	io.WriteString(ios.ErrOut, "err")
	b, _ := io.ReadAll(ios.In)
	if string(b) != "rows" || out.String() != "out" || errOut.String() != "err" {
		t.Errorf("got in %q, out %q, err %q; want rows, out, err", b, out, errOut)
	}
	sys := System()
	if sys.In != os.Stdin || sys.ErrOut != os.Stderr || sys.Out == nil {
		t.Errorf("System: got %+v", sys)
	}
	if ios.Grace == nil || sys.Grace == nil || sys.Grace == System().Grace {
		t.Error("want a new Grace in each")
	}
}

// TestIOStreamsTTY: Test's streams are not terminals until SetStdoutTTY or
// SetStderrTTY says so, each for its own stream; System takes them for
// terminals when their files are (isTerminal: a pseudo-terminal is, a
// regular file, a buffer and the closed standard output are not).
func TestIOStreamsTTY(t *testing.T) {
	ios, _, _, _ := Test()
	if ios.IsStdoutTTY() || ios.IsStderrTTY() {
		t.Fatal("Test: want neither stream a terminal")
	}
	ios.SetStderrTTY(true)
	if ios.IsStdoutTTY() || !ios.IsStderrTTY() {
		t.Errorf("SetStderrTTY(true): got stdout %v, stderr %v; want false, true", ios.IsStdoutTTY(), ios.IsStderrTTY())
	}
	ios.SetStdoutTTY(true)
	ios.SetStderrTTY(false)
	if !ios.IsStdoutTTY() || ios.IsStderrTTY() {
		t.Errorf("SetStdoutTTY(true), SetStderrTTY(false): got stdout %v, stderr %v; want true, false", ios.IsStdoutTTY(), ios.IsStderrTTY())
	}

	sys := System()
	if got, want := sys.IsStderrTTY(), isTerminal(os.Stderr); got != want {
		t.Errorf("System: stderr a terminal %v, its file %v", got, want)
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) || isTerminal(new(bytes.Buffer)) || isTerminal(closedWriter{}) {
		t.Error("a regular file, a buffer or the closed standard output taken for a terminal")
	}
	if pty := openPTY(t); !isTerminal(pty) {
		t.Error("a pseudo-terminal not taken for a terminal")
	}
}
