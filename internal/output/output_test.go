package output

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func fillString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// entries lists the names in dir, to catch temporary files left behind.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

func TestWriteRegularKeepsMode(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.csv")
	if err := Write("--out", p, nil, fillString("one")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o644 {
		t.Fatalf("new file mode %v, want 0644", fi.Mode().Perm())
	}
	os.Chmod(p, 0o600)
	if err := Write("--out", p, nil, fillString("two")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, p); got != "two" {
		t.Fatalf("got %q, want %q", got, "two")
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Fatalf("replaced file mode %v, want the old 0600", fi.Mode().Perm())
	}
	if es := entries(t, dir); len(es) != 1 {
		t.Fatalf("files %v, want only a.csv", es)
	}
}

func TestWriteFailureKeepsOldAndRemovesTemp(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.csv")
	os.WriteFile(p, []byte("old"), 0o644)
	boom := errors.New("boom")
	err := Write("--out", p, nil, func(w io.Writer) error { io.WriteString(w, "half"); return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want %v", err, boom)
	}
	if got := read(t, p); got != "old" {
		t.Fatalf("got %q, want old", got)
	}
	if es := entries(t, dir); len(es) != 1 {
		t.Fatalf("files %v, want only a.csv", es)
	}
}

func TestWriteDevNullInPlace(t *testing.T) {
	before, err := os.Stat("/dev/null")
	if err != nil {
		t.Skip("no /dev/null")
	}
	if err := Write("--out", "/dev/null", nil, fillString("x")); err != nil {
		t.Fatal(err)
	}
	after, err := os.Lstat("/dev/null")
	if err != nil || after.Mode()&fs.ModeCharDevice == 0 || !os.SameFile(before, after) {
		t.Fatalf("/dev/null is no longer the device: %v %v", after, err)
	}
}

func TestWriteDevFullReportsError(t *testing.T) {
	before, err := os.Stat("/dev/full")
	if err != nil {
		t.Skip("no /dev/full")
	}
	err = Write("--out", "/dev/full", nil, fillString("x"))
	if !errors.Is(err, syscall.ENOSPC) || !strings.HasPrefix(err.Error(), "--out /dev/full: ") {
		t.Fatalf("got %v, want ENOSPC naming --out /dev/full", err)
	}
	after, _ := os.Lstat("/dev/full")
	if after == nil || !os.SameFile(before, after) || after.Mode()&fs.ModeCharDevice == 0 {
		t.Fatal("/dev/full was replaced")
	}
}

func TestWriteFIFOInPlace(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skip("mkfifo:", err)
	}
	got := make(chan string)
	go func() {
		f, err := os.Open(p)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	if err := Write("--out", p, nil, fillString("through the pipe")); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "through the pipe" {
		t.Fatalf("reader got %q", s)
	}
	if fi, _ := os.Lstat(p); fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Fatal("the FIFO was replaced")
	}
	if es := entries(t, dir); len(es) != 1 {
		t.Fatalf("files %v, want only the FIFO", es)
	}
}

func TestWriteFollowsSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.csv")
	link := filepath.Join(dir, "link.csv")
	os.WriteFile(target, []byte("old"), 0o644)
	os.Symlink("real.csv", link)
	if err := Write("--out", link, nil, fillString("new")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatal("the symbolic link was replaced by a file")
	}
	if got := read(t, target); got != "new" {
		t.Fatalf("target has %q, want new", got)
	}
}

func TestWriteDanglingSymlink(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "link.csv")
	os.Symlink("sub/real.csv", link)
	// The link's directory exists but the target's does not: refused, and
	// the link stays.
	err := Write("--out", link, nil, fillString("x"))
	if err == nil || !strings.Contains(err.Error(), "does not exist") || !strings.HasPrefix(err.Error(), "--out "+link+": ") {
		t.Fatalf("got %v, want an error about the missing directory naming the link", err)
	}
	if _, err := os.Lstat(link); err != nil {
		t.Fatal("the dangling link was removed")
	}
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	boom := errors.New("boom")
	if err := Write("--out", link, nil, func(io.Writer) error { return boom }); !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if _, err := os.Lstat(link); err != nil {
		t.Fatal("the dangling link was removed on failure")
	}
	if err := Write("--out", link, nil, fillString("made")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(dir, "sub", "real.csv")); got != "made" {
		t.Fatalf("got %q", got)
	}
}

func TestResolveRefusals(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	os.WriteFile(in, []byte("x,y\n1,2\n"), 0o644)
	hard := filepath.Join(dir, "hard.csv")
	os.Link(in, hard)
	sym := filepath.Join(dir, "sym.csv")
	os.Symlink(in, sym)
	loop := filepath.Join(dir, "loop")
	os.Symlink("loop", loop)
	inputs := []Input{{Flag: "--model", Path: filepath.Join(dir, "m.json")}, {Flag: "--input", Path: in}}
	for _, c := range []struct{ path, want string }{
		{in, "is the same file as an input: --input " + in},
		{hard, "is the same file as an input: --input " + in},
		{sym, "is the same file as an input: --input " + in},
		{filepath.Join(dir, ".", "in.csv"), "same file"},
		{dir, "is a directory"},
		{filepath.Join(dir, "nope", "x.csv"), "directory " + filepath.Join(dir, "nope") + " does not exist"},
		{loop, "too many levels of symbolic links"},
		{"", "empty path"},
	} {
		_, err := Resolve("--out", c.path, inputs...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Resolve(%q): got %v, want %q", c.path, err, c.want)
		}
	}
	if got := read(t, in); got != "x,y\n1,2\n" {
		t.Fatalf("input changed: %q", got)
	}
}

// TestReadOnlyRefused: an existing regular file without the owner's write
// bit is refused by Resolve, Write and Batch.Add, and left as it was (the
// mode bits are checked, so this holds when the test runs as root too); a
// file writable by its owner alone is replaced.
func TestReadOnlyRefused(t *testing.T) {
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro.csv")
	os.WriteFile(ro, []byte("keep"), 0o444)
	want := "--out " + ro + ": is read-only (mode -r--r--r--); make it writable (chmod u+w) to replace it, or write to another file"
	if _, err := Resolve("--out", ro); err == nil || err.Error() != want || !errors.Is(err, ErrReadOnly) {
		t.Errorf("Resolve: got %v, want %q", err, want)
	}
	fill := func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }
	if err := Write("--out", ro, nil, fill); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Write: got %v, want ErrReadOnly", err)
	}
	// Made read-only after Resolve: Batch.Add checks again.
	ro2 := filepath.Join(dir, "ro2.csv")
	os.WriteFile(ro2, []byte("keep"), 0o644)
	tg, err := Resolve("--out", ro2)
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(ro2, 0o400)
	var b Batch
	if err := b.Add(tg, fill); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Batch.Add: got %v, want ErrReadOnly", err)
	}
	b.Abort()
	for _, p := range []string{ro, ro2} {
		if got := read(t, p); got != "keep" {
			t.Errorf("%s: got %q, want it unchanged", p, got)
		}
	}
	own := filepath.Join(dir, "own.csv")
	os.WriteFile(own, []byte("old"), 0o600)
	if err := Write("--out", own, nil, fill); err != nil || read(t, own) != "new" {
		t.Errorf("a file writable by its owner: got %v, %q", err, read(t, own))
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 3 {
		t.Errorf("directory holds %d files, want 3 (no temporary file left)", len(ents))
	}
}

func TestSameFileAsStdin(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	os.WriteFile(in, []byte("x\n1\n"), 0o644)
	f, _ := os.Open(in)
	defer f.Close()
	_, err := Resolve("--out", in, Input{Flag: "--input", Path: "-", File: f})
	if !errors.Is(err, ErrSameFile) {
		t.Fatalf("got %v, want ErrSameFile", err)
	}
	out, _ := os.OpenFile(in, os.O_WRONLY|os.O_APPEND, 0)
	defer out.Close()
	if err := CheckStdout(out, Input{Flag: "--input", Path: in}); !errors.Is(err, ErrSameFile) {
		t.Fatalf("CheckStdout: got %v, want ErrSameFile", err)
	}
	if err := CheckStdout(out, Input{Flag: "--input", Path: filepath.Join(dir, "other")}); err != nil {
		t.Fatalf("CheckStdout of another file: %v", err)
	}
}

func TestBatchRollback(t *testing.T) {
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "model.json"), filepath.Join(dir, "history.csv"), filepath.Join(dir, "new.gob")
	os.WriteFile(a, []byte("old model"), 0o644)
	os.WriteFile(b, []byte("old history"), 0o644)
	var batch Batch
	for _, p := range []string{a, b, c} {
		tg, err := Resolve("--out", p)
		if err != nil {
			t.Fatal(err)
		}
		if err := batch.Add(tg, fillString("new "+filepath.Base(p))); err != nil {
			t.Fatal(err)
		}
	}
	// The third rename fails: the first two are taken back.
	n := 0
	rename = func(o, p string) error {
		if n++; n == 3 {
			return &os.LinkError{Op: "rename", Old: o, New: p, Err: syscall.EIO}
		}
		return os.Rename(o, p)
	}
	defer func() { rename = os.Rename }()
	err := batch.Commit()
	if err == nil || !strings.Contains(err.Error(), "--out "+c+": input/output error") {
		t.Fatalf("got %v", err)
	}
	if read(t, a) != "old model" || read(t, b) != "old history" {
		t.Fatalf("not rolled back: %q, %q", read(t, a), read(t, b))
	}
	if es := entries(t, dir); len(es) != 2 {
		t.Fatalf("files %v, want model.json and history.csv only", es)
	}

	// Without failures all three are published and the backups removed.
	rename = os.Rename
	batch = Batch{}
	for _, p := range []string{a, b, c} {
		tg, _ := Resolve("--out", p)
		if err := batch.Add(tg, fillString("new")); err != nil {
			t.Fatal(err)
		}
	}
	stale := filepath.Join(dir, "stale")
	os.WriteFile(stale, nil, 0o644)
	batch.Remove(stale)
	if err := batch.Commit(); err != nil {
		t.Fatal(err)
	}
	if es := entries(t, dir); len(es) != 3 || read(t, a) != "new" || read(t, c) != "new" {
		t.Fatalf("files %v", es)
	}
}

func TestBatchAbort(t *testing.T) {
	dir := t.TempDir()
	var batch Batch
	tg, _ := Resolve("--out", filepath.Join(dir, "m.json"))
	if err := batch.Add(tg, fillString("x")); err != nil {
		t.Fatal(err)
	}
	batch.Abort()
	if es := entries(t, dir); len(es) != 0 {
		t.Fatalf("files %v after Abort", es)
	}
}

func TestLockDir(t *testing.T) {
	dir := t.TempDir()
	unlock, err := LockDir("--out", dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LockDir("--out", dir); !errors.Is(err, ErrLocked) || !strings.HasPrefix(err.Error(), "--out "+dir+": ") {
		t.Fatalf("second lock: got %v, want ErrLocked", err)
	}
	unlock()
	unlock2, err := LockDir("--out", dir)
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	unlock2()
	if es := entries(t, dir); len(es) != 0 {
		t.Fatalf("the lock wrote %v into the directory", es)
	}
}

func TestOpenDir(t *testing.T) {
	base := t.TempDir()
	p := filepath.Join(base, "a", "b")
	d, err := OpenDir("--out", p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenDir("--out", p); !errors.Is(err, ErrLocked) {
		t.Fatalf("second OpenDir: got %v, want ErrLocked", err)
	}
	d.Close(false)
	if es := entries(t, base); len(es) != 0 {
		t.Fatalf("left %v after a run that published nothing", es)
	}

	// A directory that existed is never removed.
	os.Mkdir(filepath.Join(base, "keep"), 0o755)
	d, err = OpenDir("--out", filepath.Join(base, "keep"))
	if err != nil {
		t.Fatal(err)
	}
	d.Close(false)
	if _, err := os.Stat(filepath.Join(base, "keep")); err != nil {
		t.Fatal("an existing directory was removed")
	}

	// A dangling symbolic link is refused and left alone.
	link := filepath.Join(base, "dangling")
	os.Symlink("nowhere", link)
	if _, err := OpenDir("--out", link); err == nil || !strings.Contains(err.Error(), "which does not exist") {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Lstat(link); err != nil {
		t.Fatal("the dangling link was removed")
	}
	// A file is refused.
	f := filepath.Join(base, "file")
	os.WriteFile(f, nil, 0o644)
	if _, err := OpenDir("--out", f); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Fatalf("got %v", err)
	}
	// A symbolic link to a directory is followed.
	os.Symlink("keep", filepath.Join(base, "tokeep"))
	d, err = OpenDir("--out", filepath.Join(base, "tokeep"))
	if err != nil {
		t.Fatal(err)
	}
	d.Close(true)
}

func TestDistinct(t *testing.T) {
	dir := t.TempDir()
	m := filepath.Join(dir, "model.json")
	os.WriteFile(m, nil, 0o644)
	os.Symlink("model.json", filepath.Join(dir, "l"))
	a, _ := Resolve("--out", m)
	b, _ := Resolve("--figure", filepath.Join(dir, "l"))
	c, _ := Resolve("--figure", filepath.Join(dir, "new.png"))
	d, _ := Resolve("--figure", filepath.Join(dir, ".", "new.png"))
	if err := Distinct(a, b); err == nil || err.Error() != "--figure "+filepath.Join(dir, "l")+": is the same file as --out "+m+", another output of this command" {
		t.Fatalf("got %v", err)
	}
	if err := Distinct(a, c, nil); err != nil {
		t.Fatal(err)
	}
	if err := Distinct(c, d); err == nil {
		t.Fatal("two spellings of one new file accepted")
	}
}

// TestAbandonRemovesTemps: the staged files of a batch that will never be
// committed (the process is exiting) are removed, and nothing else.
func TestAbandonRemovesTemps(t *testing.T) {
	dir := t.TempDir()
	keep := filepath.Join(dir, "keep.csv")
	os.WriteFile(keep, []byte("k"), 0o644)
	var b Batch
	tg, _ := Resolve("--out", filepath.Join(dir, "m.json"))
	if err := b.Add(tg, fillString("x")); err != nil {
		t.Fatal(err)
	}
	if es := entries(t, dir); len(es) != 2 {
		t.Fatalf("files %v, want keep.csv and a temporary file", es)
	}
	removeTracked()
	if es := entries(t, dir); len(es) != 1 || es[0] != "keep.csv" {
		t.Fatalf("files %v, want keep.csv only", es)
	}
}

// TestWriteStdoutPipe: /dev/stdout when standard output is a pipe resolves
// through /proc/self/fd/1 to "pipe:[…]", which is not a path; it is written
// through the link.
func TestWriteStdoutPipe(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("no /proc")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p := filepath.Join("/proc/self/fd", strconv.Itoa(int(w.Fd())))
	done := make(chan string)
	go func() { b, _ := io.ReadAll(r); done <- string(b) }()
	if err := Write("--out", p, nil, fillString("via the pipe")); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if got := <-done; got != "via the pipe" {
		t.Fatalf("got %q", got)
	}
}
