package output

import (
	"errors"
	"io"
	"os"
	"path/filepath"
)

// Batch publishes several files together or not at all: Add writes each
// one to a temporary file, Commit renames them over their targets in the
// order added, and if one rename fails the files already renamed are put
// back as they were (the old file, or none). Files that are not regular
// (devices, FIFOs) cannot be taken back; they are written last, by Commit,
// after every regular file is in place.
//
// A crash during Commit (power loss between two renames) can still leave
// some files new and some old, and a backup named .<name>.old-* next to a
// replaced file; there is no cross-file atomicity in POSIX short of
// renaming a whole directory.
type Batch struct {
	files   []*staged
	special []specialWrite
	removes []string
}

type specialWrite struct {
	t    *Target
	fill func(io.Writer) error
}

// Add stages t's new content (see Target.Write for what is checked). On
// error nothing of t is left on disk.
func (b *Batch) Add(t *Target, fill func(w io.Writer) error) error {
	if err := t.resolve(); err != nil {
		return err
	}
	if err := t.check(); err != nil {
		return err
	}
	if t.special {
		b.special = append(b.special, specialWrite{t, fill})
		return nil
	}
	s, err := t.stage(fill)
	if err != nil {
		return err
	}
	b.files = append(b.files, s)
	return nil
}

// Remove asks Commit to remove path after every file is published (a stale
// file that the new ones replace, such as a finished run's checkpoint). A
// missing file is fine.
func (b *Batch) Remove(path string) { b.removes = append(b.removes, path) }

// Abort removes the temporary files of a batch that will not be committed.
func (b *Batch) Abort() {
	for _, s := range b.files {
		removeTemp(s.tmp)
	}
	b.files, b.special, b.removes = nil, nil, nil
}

// Commit publishes the staged files. If a rename fails, the files renamed
// before it are restored, every temporary file is removed and the error
// names the file that failed.
func (b *Batch) Commit() error {
	if err := b.renameAll(); err != nil {
		return err
	}
	var errs []error
	for _, w := range b.special {
		errs = append(errs, w.t.writeInPlace(w.fill))
	}
	for _, p := range b.removes {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, &Error{Path: p, Err: cause(err)})
		}
	}
	b.special, b.removes = nil, nil
	return errors.Join(errs...)
}

// renameAll renames the staged files over their targets, or none of them,
// holding commitMu so that Abandon never interrupts it halfway.
func (b *Batch) renameAll() error {
	commitMu.Lock()
	defer commitMu.Unlock()
	type done struct {
		s       *staged
		existed bool   // there was a file at the target
		backup  string // the old file, kept aside; "" if none or it could not be kept
		linked  bool   // backup is a hard link (the target still has the old file)
	}
	var renamed []done
	rollback := func() {
		for i := len(renamed) - 1; i >= 0; i-- {
			d := renamed[i]
			switch {
			case d.backup != "":
				os.Rename(d.backup, d.s.t.real)
			case !d.existed:
				os.Remove(d.s.t.real)
			}
		}
	}
	for i, s := range b.files {
		d := done{s: s}
		if _, err := os.Lstat(s.t.real); err == nil {
			d.existed = true
			d.backup = filepath.Join(filepath.Dir(s.t.real), "."+filepath.Base(s.t.real)+".old-"+filepath.Base(s.tmp))
			// A hard link keeps the old file at its name until the rename;
			// where links are not supported, move it aside instead.
			if err := os.Link(s.t.real, d.backup); err == nil {
				d.linked = true
			} else if err := os.Rename(s.t.real, d.backup); err != nil {
				d.backup = ""
			}
		}
		if err := rename(s.tmp, s.t.real); err != nil {
			switch {
			case d.linked:
				os.Remove(d.backup)
			case d.backup != "":
				os.Rename(d.backup, s.t.real)
			}
			rollback()
			for _, r := range b.files[i:] {
				removeTemp(r.tmp)
			}
			b.files = nil
			return s.t.errorf("%w (nothing of this run was published)", cause(err))
		}
		untrack(s.tmp)
		renamed = append(renamed, d)
	}
	for _, d := range renamed {
		if d.backup != "" {
			os.Remove(d.backup)
		}
	}
	b.files = nil
	return nil
}
