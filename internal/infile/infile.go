// Package infile opens the files a user names that a command reads whole
// (a training config, a checkpoint, a history), checking them first so that
// a wrong path fails at once with a message naming it instead of reading
// forever or without bound:
//
//   - the path must name a regular file (symbolic links followed): a
//     directory, a device such as /dev/zero, a FIFO or a socket is refused
//     before it is opened (opening a FIFO would wait for a writer);
//   - its size must be at most the caller's limit, checked before the first
//     byte is read, and the reader returned stops with an error if the file
//     grows past the limit while it is read.
//
// CSV files are not read through this package: they are streamed with a
// bound on each line (package data).
package infile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Limit is the most bytes a kind of file may have, with the names used in
// messages.
type Limit struct {
	Bytes int64  // at most this many bytes; ≤ 0 for no limit
	What  string // the kind of file: "a config file"
	Name  string // the constant that sets it: "config.MaxBytes"
}

// Error is a file that cannot be read as asked: Error() reads
// "<path>: <problem>".
type Error struct {
	Path string
	Err  error
}

func (e *Error) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// ErrNotRegular is wrapped by the error for a path that is not a regular
// file; ErrTooLarge by the error for a file over its limit.
var (
	ErrNotRegular = errors.New("not a regular file")
	ErrTooLarge   = errors.New("too large")
)

// Open opens the regular file at path for reading after the checks of the
// package doc, and returns it with a reader of it that fails once more than
// lim.Bytes bytes have been read. The caller closes the file. Errors are
// *Error values naming path, and wrap the os error (fs.ErrNotExist, …),
// ErrNotRegular or ErrTooLarge.
func Open(path string, lim Limit) (*os.File, io.Reader, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, &Error{Path: path, Err: cause(err)}
	}
	if err := check(fi, lim); err != nil {
		return nil, nil, &Error{Path: path, Err: err}
	}
	f, err := openNonBlocking(path)
	if err != nil {
		return nil, nil, &Error{Path: path, Err: cause(err)}
	}
	// The path may have changed since Stat: check what was opened.
	if fi, err = f.Stat(); err == nil {
		err = check(fi, lim)
	}
	if err != nil {
		f.Close()
		return nil, nil, &Error{Path: path, Err: err}
	}
	var r io.Reader = f
	if lim.Bytes > 0 {
		r = &limitReader{r: f, n: lim.Bytes, lim: lim}
	}
	return f, r, nil
}

// ReadFile is Open and io.ReadAll: the whole of a small file.
func ReadFile(path string, lim Limit) ([]byte, error) {
	f, r, err := Open(path, lim)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, &Error{Path: path, Err: cause(err)}
	}
	return b, nil
}

// check refuses what is not a regular file, or is one larger than lim.
func check(fi fs.FileInfo, lim Limit) error {
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("is %s, %w (%s is read whole)", kind(fi.Mode()), ErrNotRegular, lim.What)
	}
	if lim.Bytes > 0 && fi.Size() > lim.Bytes {
		return tooLarge(fi.Size(), lim)
	}
	return nil
}

func tooLarge(size int64, lim Limit) error {
	have := fmt.Sprintf("is %d bytes", size)
	if size < 0 {
		have = "grew past " + Bytes(lim.Bytes) + " while it was read"
	}
	return fmt.Errorf("%s, %w: %s may have at most %s (%s)", have, ErrTooLarge, lim.What, Bytes(lim.Bytes), lim.Name)
}

// kind names a file mode that is not a regular file.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	default:
		return "a special file"
	}
}

// Bytes writes a size in bytes with a binary unit: "1 MiB", "1.5 GiB",
// "812 bytes".
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		if n == 1 {
			return "1 byte"
		}
		return fmt.Sprintf("%d bytes", n)
	}
	v, i := float64(n), -1
	for v >= unit && i < 5 {
		v /= unit
		i++
	}
	s := fmt.Sprintf("%.1f", v)
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		s = s[:len(s)-2]
	}
	return s + " " + []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}[i]
}

// limitReader reads at most n bytes of r; past them it fails.
type limitReader struct {
	r   io.Reader
	n   int64
	lim Limit
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n < 0 {
		return 0, tooLarge(-1, l.lim)
	}
	// Read one byte beyond the limit to tell a file of exactly the limit
	// from a longer one.
	if int64(len(p)) > l.n+1 {
		p = p[:l.n+1]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	if l.n < 0 {
		return n + int(l.n), tooLarge(-1, l.lim)
	}
	return n, err
}

// cause strips the *fs.PathError around err: the callers name the path.
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
