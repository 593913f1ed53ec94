// Package output writes the files a command produces so that no file is
// lost, whatever path the user gives:
//
//   - a regular file (or a new one) is written atomically: to a temporary file
//     in the same directory, flushed, synced, then renamed over the target, so
//     a reader sees the old content or the complete new one;
//   - a target that exists and is not a regular file (a device such as
//     /dev/null or /dev/full, a FIFO, /dev/stdout) is written through in
//     place, as a shell redirection would; it is never replaced;
//   - a symbolic link is followed: the file it points to is written (created
//     when the link dangles) and the link itself is left alone;
//   - an output that is the same file as one of the command's inputs
//     (os.SameFile, or the same resolved path for one that does not exist yet)
//     is refused before anything is written;
//   - an existing regular file without the owner's write permission (chmod
//     a-w) is refused, not replaced;
//   - on failure only what the package created (its temporary files) is
//     removed.
//
// Errors name the flag and the path as the user gave them, never a temporary
// file: "--out in.csv: is the same file as --input in.csv".
package output

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// maxLinks is the longest chain of symbolic links Resolve follows, as the
// Linux kernel's limit (ELOOP beyond).
const maxLinks = 40

// Input is a file the command reads; an output must not be the same file.
type Input struct {
	Flag string // the flag or config key that named it, for messages: "--input", "data.train"
	Path string // as given; "" is skipped, "-" is standard input (see File)
	// File, when Path is "-", is the open standard input: a regular file
	// redirected to it counts as an input too.
	File *os.File
}

// Target is an output path, resolved. Build one with Resolve.
type Target struct {
	Flag string // the flag that named it ("--out"), for messages
	Path string // the path as the user gave it

	real    string      // the file that is written: Path with symbolic links followed
	info    fs.FileInfo // the existing file at real, nil if none
	special bool        // real exists and is not a regular file: written in place
	inputs  []Input
}

// Error is a problem with an output path. Error() reads
// "<flag> <path>: <problem>", with the path the user gave.
type Error struct {
	Flag, Path string
	Err        error
}

func (e *Error) Error() string {
	if e.Flag == "" {
		return e.Path + ": " + e.Err.Error()
	}
	return e.Flag + " " + e.Path + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// ErrSameFile is wrapped by the error for an output that is one of the
// inputs.
var ErrSameFile = errors.New("is the same file as an input")

// ErrReadOnly is wrapped by the error for an existing regular file without
// the owner's write permission: the user protected it, so it is not
// replaced (whoever runs mdn, root included, and whatever --force says).
var ErrReadOnly = errors.New("is read-only")

// Resolve checks the output path of flag before any work is done: symbolic
// links are followed (up to 40), the target must not be a directory, and
// for a regular or new file its directory must exist and accept a new file
// (a temporary file is created and removed to find out). The target must not
// be the same file as any of inputs.
func Resolve(flag, path string, inputs ...Input) (*Target, error) {
	t := &Target{Flag: flag, Path: path, inputs: inputs}
	if err := t.resolve(); err != nil {
		return nil, err
	}
	if err := t.check(); err != nil {
		return nil, err
	}
	if !t.special {
		f, err := os.CreateTemp(filepath.Dir(t.real), tempPrefix+filepath.Base(t.real)+".*")
		if err != nil {
			return nil, t.errorf("cannot create a file in %s: %w", filepath.Dir(t.real), cause(err))
		}
		track(f.Name())
		f.Close()
		removeTemp(f.Name())
	}
	return t, nil
}

func (t *Target) errorf(format string, args ...any) error {
	return &Error{Flag: t.Flag, Path: t.Path, Err: fmt.Errorf(format, args...)}
}

// cause strips the *fs.PathError around err, whose path may be a temporary
// file the user never named.
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// resolve follows the symbolic links of t.Path and records what is there.
func (t *Target) resolve() error {
	if t.Path == "" {
		return t.errorf("empty path")
	}
	p := t.Path
	for range maxLinks {
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			t.real, t.info, t.special = p, nil, false
			dir := filepath.Dir(p)
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				if p != t.Path {
					return t.errorf("is a symbolic link to %s, whose directory %s does not exist", p, dir)
				}
				return t.errorf("directory %s does not exist", dir)
			}
			return nil
		}
		if err != nil {
			return t.errorf("%w", cause(err))
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			// A link to a device or pipe is written through the link
			// itself: /dev/stdout → /proc/self/fd/1 → "pipe:[…]" is a
			// kernel link whose text is not a path.
			if st, err := os.Stat(p); err == nil && !st.Mode().IsRegular() && !st.IsDir() {
				t.real, t.info, t.special = p, st, true
				return nil
			}
			dst, err := os.Readlink(p)
			if err != nil {
				return t.errorf("%w", cause(err))
			}
			if !filepath.IsAbs(dst) {
				dst = filepath.Join(filepath.Dir(p), dst)
			}
			p = dst
			continue
		}
		t.real, t.info = p, fi
		switch {
		case fi.IsDir():
			return t.errorf("is a directory")
		case fi.Mode().IsRegular():
			t.special = false
		default:
			t.special = true
		}
		return nil
	}
	return t.errorf("too many levels of symbolic links")
}

// check refuses a target that is an input or read-only.
func (t *Target) check() error {
	if err := t.checkInputs(); err != nil {
		return err
	}
	if t.info != nil && !t.special && t.info.Mode().Perm()&0o200 == 0 {
		// Replacing it by a rename would work (the directory's permission
		// is what matters) and silently undo the user's protection.
		return t.errorf("%w (mode %s); make it writable (chmod u+w) to replace it, or write to another file",
			ErrReadOnly, t.info.Mode().Perm())
	}
	return nil
}

// checkInputs refuses a target that is the same file as an input. A
// character device (/dev/null, a terminal) may be both.
func (t *Target) checkInputs() error {
	for _, in := range t.inputs {
		if same, err := t.sameAs(in); err != nil {
			return err
		} else if same {
			name := in.Path
			if name == "-" {
				name = "(standard input)"
			}
			return &Error{Flag: t.Flag, Path: t.Path, Err: fmt.Errorf("%w: %s %s; write to another file", ErrSameFile, in.Flag, name)}
		}
	}
	return nil
}

func (t *Target) sameAs(in Input) (bool, error) {
	var fi fs.FileInfo
	var err error
	switch {
	case in.Path == "":
		return false, nil
	case in.Path == "-":
		if in.File == nil {
			return false, nil
		}
		fi, err = in.File.Stat()
	default:
		fi, err = os.Stat(in.Path)
	}
	if err != nil {
		// An input that cannot be read fails when the command reads it;
		// compare its resolved path with the target's.
		if in.Path == "-" {
			return false, nil
		}
		return samePath(in.Path, t.real), nil
	}
	if fi.Mode()&fs.ModeCharDevice != 0 {
		return false, nil
	}
	if t.info != nil {
		return os.SameFile(fi, t.info), nil
	}
	if in.Path == "-" {
		return false, nil
	}
	return samePath(in.Path, t.real), nil
}

// samePath reports whether a and b name the same place once the symbolic
// links of their directories are followed.
func samePath(a, b string) bool {
	ra, errA := realPath(a)
	rb, errB := realPath(b)
	return errA == nil && errB == nil && ra == rb
}

func realPath(p string) (string, error) {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return filepath.Abs(r)
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(p))
	if err != nil {
		return "", err
	}
	return filepath.Abs(filepath.Join(dir, filepath.Base(p)))
}

// CheckStdout refuses to write to w when it is a regular file that is one of
// inputs (mdn sample --input in.csv >> in.csv would read what it writes).
func CheckStdout(w io.Writer, inputs ...Input) error {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	t := &Target{Flag: "", Path: "standard output", info: fi, inputs: inputs}
	return t.checkInputs()
}

// Write writes path (named by flag in messages) with fill, as the package
// doc says: atomically for a regular or new file, in place for a device or
// FIFO. It checks the path and the inputs as Resolve does first.
func Write(flag, path string, inputs []Input, fill func(w io.Writer) error) error {
	t, err := Resolve(flag, path, inputs...)
	if err != nil {
		return err
	}
	return t.Write(fill)
}

// Write writes the target with fill. The path is resolved again, so a
// target that changed since Resolve (became a symbolic link, say) is still
// handled as the package doc says. fill's own errors are returned as they
// are; other errors name the flag and the user's path.
func (t *Target) Write(fill func(w io.Writer) error) error {
	if err := t.resolve(); err != nil {
		return err
	}
	if err := t.check(); err != nil {
		return err
	}
	if t.special {
		return t.writeInPlace(fill)
	}
	s, err := t.stage(fill)
	if err != nil {
		return err
	}
	commitMu.Lock()
	defer commitMu.Unlock()
	if err := rename(s.tmp, t.real); err != nil {
		removeTemp(s.tmp)
		return t.errorf("%w", cause(err))
	}
	untrack(s.tmp)
	return nil
}

// writeInPlace writes a device or FIFO as `> path` would: opened for
// writing, truncated where that means anything, never removed.
func (t *Target) writeInPlace(fill func(w io.Writer) error) error {
	f, err := os.OpenFile(t.real, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return t.errorf("%w", cause(err))
	}
	ew := &errWriter{w: f}
	bw := bufio.NewWriterSize(ew, 1<<16)
	err = fill(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err != nil && ew.err != nil {
		err = t.errorf("%w", cause(ew.err))
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = t.errorf("%w", cause(cerr))
	}
	return err
}

// staged is a complete temporary file waiting to be renamed over its target.
type staged struct {
	t   *Target
	tmp string
}

// stage writes fill's output to a synced temporary file next to t.real,
// with the existing file's permissions (0644 for a new file). On error the
// temporary file is removed.
func (t *Target) stage(fill func(w io.Writer) error) (s *staged, err error) {
	f, err := os.CreateTemp(filepath.Dir(t.real), tempPrefix+filepath.Base(t.real)+".*")
	if err != nil {
		return nil, t.errorf("%w", cause(err))
	}
	tmp := f.Name()
	track(tmp)
	defer func() {
		if err != nil {
			f.Close()
			removeTemp(tmp)
		}
	}()
	ew := &errWriter{w: f}
	bw := bufio.NewWriterSize(ew, 1<<16)
	wrap := func(e error) error { return t.errorf("%w", cause(e)) }
	if err = fill(bw); err != nil {
		if ew.err != nil {
			// The file could not be written (a full disk): say so with
			// the user's path, not the temporary file's.
			return nil, wrap(ew.err)
		}
		return nil, err
	}
	if e := bw.Flush(); e != nil {
		return nil, wrap(e)
	}
	if e := f.Sync(); e != nil {
		return nil, wrap(e)
	}
	if e := f.Close(); e != nil {
		return nil, wrap(e)
	}
	mode := fs.FileMode(0o644)
	if t.info != nil {
		mode = t.info.Mode().Perm()
	}
	if e := os.Chmod(tmp, mode); e != nil {
		return nil, wrap(e)
	}
	return &staged{t: t, tmp: tmp}, nil
}

// The names of the hidden files the package makes next to a target NAME:
// the new content ".mdn-tmp.NAME.<random>", the old file kept during a
// Batch's renames ".mdn-old.NAME.<random>". Dir.Recover removes those of
// a killed run by these prefixes.
const (
	tempPrefix   = ".mdn-tmp."
	backupPrefix = ".mdn-old."
)

// rename is os.Rename; tests replace it to inject failures.
var rename = os.Rename

// ErrLocked is wrapped by LockDir's error when another process holds the
// lock.
var ErrLocked = errors.New("is in use by another mdn process (locked); wait for it to finish or choose another directory")

// errWriter records the first error of the file it writes to, so that a
// failed write can be reported with the user's path whichever layer of
// buffering saw it first.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	if err != nil && e.err == nil {
		e.err = err
	}
	return n, err
}

// Distinct refuses two targets of one command that are the same file (a
// figure written over the model it was drawn from, say): the later one
// would replace the earlier. Nil targets are skipped.
func Distinct(ts ...*Target) error {
	for i, a := range ts {
		for _, b := range ts[:i] {
			if a == nil || b == nil {
				continue
			}
			same := samePath(a.real, b.real)
			if a.info != nil && b.info != nil {
				same = same || os.SameFile(a.info, b.info)
			}
			if same {
				return &Error{Flag: a.Flag, Path: a.Path, Err: fmt.Errorf("is the same file as %s %s, another output of this command", b.Flag, b.Path)}
			}
		}
	}
	return nil
}
