package output

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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

// JournalFile is the name of a Batch's journal in a Dir (Dir.Journal).
const JournalFile = ".mdn-publish.json"

// Journal is the path of the journal for a Batch published into d.
func (d *Dir) Journal() string { return filepath.Join(d.Path, JournalFile) }

// Recover cleans up after a run killed in d (call it with the lock held,
// before anything else is done in d): if a Batch's journal is there, the
// publication was cut between its renames and is rolled back (every file
// back as it was before it); then the hidden temporary and backup files
// that this package makes for the given file names (".mdn-tmp.NAME.*",
// ".mdn-old.NAME.*", and the ".NAME.tmp-*", ".NAME.old-*" of older
// versions) are removed, and nothing else. It returns the files the
// rollback restored or removed.
func (d *Dir) Recover(names ...string) (rolledBack []string, err error) {
	jp := d.Journal()
	b, err := os.ReadFile(jp)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, d.errorf("journal %s: %w", JournalFile, cause(err))
	default:
		var entries []journalEntry
		if err := json.Unmarshal(b, &entries); err != nil {
			return nil, d.errorf("journal %s of an interrupted publication is corrupt (%v); remove it to go on", JournalFile, err)
		}
		rollBack(entries, func(j int) bool {
			_, err := os.Lstat(entries[j].Temp)
			return errors.Is(err, fs.ErrNotExist)
		})
		for _, e := range entries {
			rolledBack = append(rolledBack, e.Target)
		}
		if err := os.Remove(jp); err != nil {
			return rolledBack, d.errorf("journal %s: %w", JournalFile, cause(err))
		}
		syncDir(d.Path)
	}
	ents, err := os.ReadDir(d.Path)
	if err != nil {
		return rolledBack, d.errorf("%w", cause(err))
	}
	names = append(names[:len(names):len(names)], JournalFile)
	for _, ent := range ents {
		if ent.Type().IsRegular() && ours(ent.Name(), names) {
			os.Remove(filepath.Join(d.Path, ent.Name()))
		}
	}
	return rolledBack, nil
}

// ours reports whether name is a hidden temporary or backup file that this
// package makes for one of names.
func ours(name string, names []string) bool {
	for _, n := range names {
		for _, p := range []string{tempPrefix + n + ".", backupPrefix + n + ".", "." + n + ".tmp-", "." + n + ".old-"} {
			if strings.HasPrefix(name, p) {
				return true
			}
		}
	}
	return false
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
