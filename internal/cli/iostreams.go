package cli

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams are what a command reads and writes besides its files: its
// standard input, output and error, whether output and error are
// terminals, and how long it may take to stop after a signal. Every
// command takes one value instead of reaching for os.Stdin, os.Stdout and
// os.Stderr, so that a test runs it in-process on buffers (Test) and can
// make it believe it writes to a terminal (SetStderrTTY), as the iostreams
// package of GitHub's gh does.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// Grace is how long the command may take to stop after SIGINT or
	// SIGTERM (ExitWhenStuck); mdn serve extends it to its drain timeout.
	// Nil is InterruptGrace.
	Grace *Grace

	stdoutTTY, stderrTTY bool
}

// IsStdoutTTY reports whether Out is to be treated as a terminal: as
// System found it, or as SetStdoutTTY set it.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether ErrOut is to be treated as a terminal (mdn
// train then draws a progress bar instead of plain lines): as System found
// it, or as SetStderrTTY set it.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// SetStdoutTTY overrides whether Out is treated as a terminal.
func (s *IOStreams) SetStdoutTTY(tty bool) { s.stdoutTTY = tty }

// SetStderrTTY overrides whether ErrOut is treated as a terminal.
func (s *IOStreams) SetStderrTTY(tty bool) { s.stderrTTY = tty }

// System is the process's streams: os.Stdin, Stdout() (which fails every
// write when the process was started with standard output closed) and
// os.Stderr, each of output and error a terminal when its file descriptor
// is one, with a new Grace.
func System() *IOStreams {
	out := Stdout()
	return &IOStreams{In: os.Stdin, Out: out, ErrOut: os.Stderr, Grace: new(Grace),
		stdoutTTY: isTerminal(out), stderrTTY: isTerminal(os.Stderr)}
}

// isTerminal reports whether w is a file that is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Test is IOStreams on new buffers, returned with them: standard input
// (empty; write to it before the command runs), output and error, neither
// a terminal (SetStdoutTTY and SetStderrTTY make them one), and a new
// Grace.
func Test() (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = new(bytes.Buffer), new(bytes.Buffer), new(bytes.Buffer)
	return &IOStreams{In: in, Out: out, ErrOut: errOut, Grace: new(Grace)}, in, out, errOut
}
