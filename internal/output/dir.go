package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Dir is an output directory held for one run: created if it was missing,
// and locked (LockDir) so that a second process writing into it fails at
// once instead of silently replacing the first one's files.
type Dir struct {
	Flag, Path string
	created    []string // directories OpenDir made, outermost first
	unlock     func()
}

// OpenDir makes dir (and missing parents) and locks it. A path that exists
// and is not a directory is an error, and so is a symbolic link whose
// target does not exist (it is neither followed into a new directory nor
// removed). flag names dir in messages.
func OpenDir(flag, dir string) (*Dir, error) {
	d := &Dir{Flag: flag, Path: dir}
	if err := d.make(); err != nil {
		d.removeCreated()
		return nil, err
	}
	unlock, err := LockDir(flag, dir)
	if err != nil {
		d.removeCreated()
		return nil, err
	}
	d.unlock = unlock
	return d, nil
}

func (d *Dir) errorf(format string, args ...any) error {
	return &Error{Flag: d.Flag, Path: d.Path, Err: fmt.Errorf(format, args...)}
}

// make creates d.Path level by level, recording the levels it created.
func (d *Dir) make() error {
	var missing []string
	p := filepath.Clean(d.Path)
	for {
		fi, err := os.Lstat(p)
		if err == nil {
			if fi.Mode()&fs.ModeSymlink != 0 {
				st, err := os.Stat(p)
				if err != nil {
					dst, _ := os.Readlink(p)
					if p == filepath.Clean(d.Path) {
						return d.errorf("is a symbolic link to %s, which does not exist; create it or choose another directory", dst)
					}
					return d.errorf("%s is a symbolic link to %s, which does not exist; create it or choose another directory", p, dst)
				}
				fi = st
			}
			if !fi.IsDir() {
				if p == filepath.Clean(d.Path) {
					return d.errorf("exists and is not a directory")
				}
				return d.errorf("%s is not a directory", p)
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return d.errorf("%w", cause(err))
		}
		missing = append(missing, p)
		parent := filepath.Dir(p)
		if parent == p {
			break
		}
		p = parent
	}
	for i := len(missing) - 1; i >= 0; i-- {
		err := os.Mkdir(missing[i], 0o755)
		if errors.Is(err, fs.ErrExist) {
			continue // made by someone else meanwhile: not ours to remove
		}
		if err != nil {
			return d.errorf("%w", cause(err))
		}
		d.created = append(d.created, missing[i])
	}
	return nil
}

// removeCreated removes the directories OpenDir made, innermost first,
// where they are still empty.
func (d *Dir) removeCreated() {
	for i := len(d.created) - 1; i >= 0; i-- {
		if os.Remove(d.created[i]) != nil {
			break
		}
	}
	d.created = nil
}

// Close releases the lock. When published is false (the run wrote nothing
// into the directory), the directories OpenDir created are removed if they
// are still empty; nothing else is ever removed.
func (d *Dir) Close(published bool) {
	if !published {
		d.removeCreated()
	}
	if d.unlock != nil {
		d.unlock()
		d.unlock = nil
	}
}
