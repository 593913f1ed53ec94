package cli

import (
	"errors"
	"io"
	"os"
)

// ErrStdoutClosed is the error of every write to the standard output of a
// process that was started with it closed (mdn predict … >&-).
var ErrStdoutClosed = errors.New("standard output is closed (started with >&-, or given /dev/null opened read-write; to discard the output use >/dev/null); nothing was written")

// Stdout is the process's standard output for the commands: os.Stdout, or,
// when the process was started with file descriptor 1 closed, a writer
// whose every Write fails with ErrStdoutClosed, so that a command whose
// output would be lost fails (exit status 1) instead of writing into the
// void.
//
// The Go runtime opens /dev/null read-write in place of a closed standard
// descriptor before main runs; a shell's `>/dev/null` opens it write-only.
// So standard output that is /dev/null opened for reading and writing is
// taken for closed; so are `1<>/dev/null` and Python's
// subprocess.DEVNULL, which opens /dev/null read-write (the message says to
// use >/dev/null to discard the output).
func Stdout() io.Writer {
	if stdoutClosed(os.Stdout) {
		return closedWriter{}
	}
	return os.Stdout
}

type closedWriter struct{}

func (closedWriter) Write([]byte) (int, error) { return 0, ErrStdoutClosed }
