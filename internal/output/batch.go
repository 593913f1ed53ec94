package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Batch publishes several files together or not at all: Add writes each
// regular file's new content to a temporary file and each device's or
// FIFO's to memory, Commit writes the devices and FIFOs first (a write
// error there, /dev/full say, fails the batch before any file is
// replaced), then renames the temporary files over their targets in the
// order added; if a rename fails, the files already renamed are put back
// as they were (the old file, or none).
//
// With Journal set (Dir.Journal), Commit survives a crash between two
// renames (SIGKILL, power loss): before the first rename it writes the
// journal, a list of the renames with the old file of each kept aside
// under a hidden name (a hard link), and removes it after the last; the
// next Dir.Recover in that directory finds the journal and rolls the batch
// back, so a new model never stands beside an old history.
type Batch struct {
	// Journal is the path of the journal file (Dir.Journal); "" for none.
	Journal string

	files   []*staged
	special []specialWrite
	removes []string
}

type specialWrite struct {
	t    *Target
	data []byte
}

// Add stages t's new content (see Target.Write for what is checked): a
// regular file in a temporary file, a device or FIFO in memory. fill's
// errors are Add's; on error nothing of t is left on disk.
func (b *Batch) Add(t *Target, fill func(w io.Writer) error) error {
	if err := t.resolve(); err != nil {
		return err
	}
	if err := t.check(); err != nil {
		return err
	}
	if t.special {
		var buf bytes.Buffer
		if err := fill(&buf); err != nil {
			return err
		}
		b.special = append(b.special, specialWrite{t, buf.Bytes()})
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

// Commit publishes the staged content: devices and FIFOs first, then the
// renames. If a device write or a rename fails, no regular file is
// replaced (those renamed are restored), every temporary file is removed,
// and the error names the file that failed. A device written before a
// failed rename keeps what it was given.
func (b *Batch) Commit() error {
	for _, w := range b.special {
		if err := w.t.writeInPlace(func(out io.Writer) error { _, err := out.Write(w.data); return err }); err != nil {
			b.Abort()
			return fmt.Errorf("%w (nothing of this run was published)", err)
		}
	}
	b.special = nil
	if err := b.renameAll(); err != nil {
		return err
	}
	var errs []error
	for _, p := range b.removes {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, &Error{Path: p, Err: cause(err)})
		}
	}
	b.removes = nil
	return errors.Join(errs...)
}

// journalEntry is one rename of a Batch, as its journal records it.
type journalEntry struct {
	Target  string `json:"target"`           // the file replaced
	Temp    string `json:"temp"`             // the new content until renamed
	Backup  string `json:"backup,omitempty"` // the old file kept aside; "" when there was none
	Existed bool   `json:"existed"`
}

// afterRename, when not nil, is called after each rename of a Batch with
// the target: a hook for tests that kill the process there.
var afterRename func(target string)

// AfterRenameHook sets the hook that runs after each rename of a Batch
// (nil: none). It is for tests of crashes between renames, such as a
// test binary that kills itself there; commands never set it.
func AfterRenameHook(f func(target string)) { afterRename = f }

// renameAll renames the staged files over their targets, or none of them,
// holding commitMu so that Abandon never interrupts it halfway.
func (b *Batch) renameAll() error {
	commitMu.Lock()
	defer commitMu.Unlock()
	entries := make([]journalEntry, len(b.files))
	// fail undoes the first i renames and removes what the batch made.
	fail := func(i int, err error) error {
		rollBack(entries, func(j int) bool { return j < i })
		for _, s := range b.files {
			removeTemp(s.tmp) // as tracked (a relative path stays relative)
		}
		if b.Journal != "" {
			os.Remove(b.Journal)
		}
		b.files = nil
		return err
	}
	for i, s := range b.files {
		// Absolute paths: the journal may be read from another directory.
		e := journalEntry{Target: absPath(s.t.real), Temp: absPath(s.tmp)}
		if _, err := os.Lstat(s.t.real); err == nil {
			e.Existed = true
			e.Backup = filepath.Join(filepath.Dir(e.Target), backupPrefix+strings.TrimPrefix(filepath.Base(s.tmp), tempPrefix))
		}
		entries[i] = e
	}
	// The journal first, then each old file kept aside (a hard link: the
	// target keeps it until its rename; where links are not supported,
	// moved aside), then the renames: Recover can undo any prefix of this.
	if b.Journal != "" {
		if err := writeJournal(b.Journal, entries); err != nil {
			return fail(0, err)
		}
	}
	for i, e := range entries {
		if e.Backup == "" {
			continue
		}
		track(e.Backup)
		if err := os.Link(e.Target, e.Backup); err != nil {
			if err := os.Rename(e.Target, e.Backup); err != nil {
				entries[i].Backup = "" // nothing of it to undo
				untrack(e.Backup)
				return fail(0, b.files[i].t.errorf("cannot keep the old file aside: %w (nothing of this run was published)", cause(err)))
			}
		}
	}
	for i, s := range b.files {
		if err := rename(s.tmp, s.t.real); err != nil {
			return fail(i, s.t.errorf("%w (nothing of this run was published)", cause(err)))
		}
		untrack(s.tmp)
		if afterRename != nil {
			afterRename(s.t.real)
		}
	}
	// The commit point: without the journal, Recover keeps the new files.
	if b.Journal != "" {
		if err := os.Remove(b.Journal); err != nil {
			return fail(len(b.files), &Error{Path: b.Journal, Err: fmt.Errorf("remove the journal: %w (nothing of this run was published)", cause(err))})
		}
		syncDir(filepath.Dir(b.Journal))
	}
	for _, e := range entries {
		if e.Backup != "" {
			removeTemp(e.Backup)
		}
	}
	b.files = nil
	return nil
}

// absPath is p made absolute (p itself if that fails).
func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// rollBack undoes a batch's renames, last first, and removes its hidden
// files: each old file goes back from its backup (a backup that is a hard
// link of the target makes that rename a no-op; the link is then removed),
// a target that did not exist is removed when renamed(j) says entry j was
// renamed, and every temporary file is removed. A backup that cannot be
// put back is left where it is, never removed.
func rollBack(entries []journalEntry, renamed func(j int) bool) {
	for j := len(entries) - 1; j >= 0; j-- {
		e := entries[j]
		switch {
		case e.Backup != "":
			if err := os.Rename(e.Backup, e.Target); err == nil {
				os.Remove(e.Backup)
			}
			untrack(e.Backup)
		case !e.Existed && e.Target != "" && renamed(j):
			os.Remove(e.Target)
		}
		removeTemp(e.Temp)
	}
}

// writeJournal writes the journal of entries at path, synced, by a rename,
// so that it is complete or absent.
func writeJournal(path string, entries []journalEntry) error {
	t := &Target{Flag: "", Path: path, real: path}
	s, err := t.stage(func(w io.Writer) error { return json.NewEncoder(w).Encode(entries) })
	if err != nil {
		return err
	}
	if err := os.Rename(s.tmp, path); err != nil {
		removeTemp(s.tmp)
		return &Error{Path: path, Err: cause(err)}
	}
	untrack(s.tmp)
	syncDir(filepath.Dir(path))
	return nil
}

// syncDir flushes a directory's entries (renames, removals) to disk;
// errors are ignored (some file systems cannot).
func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}
