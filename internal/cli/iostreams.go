package cli

import (
	"bytes"
	"io"
	"os"
)

// IOStreams are what a command reads and writes besides its files: its
// standard input, output and error, and how long it may take to stop after
// a signal. Every command takes one value instead of reaching for os.Stdin,
// os.Stdout and os.Stderr, so that a test runs it in-process on buffers
// (Test), as the iostreams package of GitHub's gh does.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// Grace is how long the command may take to stop after SIGINT or
	// SIGTERM (ExitWhenStuck); mdn serve extends it to its drain timeout.
	// Nil is InterruptGrace.
	Grace *Grace
}

// System is the process's streams: os.Stdin, Stdout() (which fails every
// write when the process was started with standard output closed) and
// os.Stderr, with a new Grace.
func System() *IOStreams {
	return &IOStreams{In: os.Stdin, Out: Stdout(), ErrOut: os.Stderr, Grace: new(Grace)}
}

// Test is IOStreams on new buffers, returned with them: standard input
// (empty; write to it before the command runs), output and error, and a new
// Grace.
func Test() (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = new(bytes.Buffer), new(bytes.Buffer), new(bytes.Buffer)
	return &IOStreams{In: in, Out: out, ErrOut: errOut, Grace: new(Grace)}, in, out, errOut
}
