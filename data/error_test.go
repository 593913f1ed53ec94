package data

import (
	"errors"
	"io/fs"
	"os"
	"testing"
)

// A read error of the file itself names the file once, and errors.Is still
// sees the cause.
func TestErrorNamesFileOnce(t *testing.T) {
	dir := t.TempDir()
	f, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, rerr := f.Read(make([]byte, 8))
	if rerr == nil {
		t.Fatal("reading a directory did not fail")
	}
	e := &Error{File: dir, Err: rerr}
	want := "data: read " + dir + ": " + errors.Unwrap(rerr).Error() // op "read"
	if e.Error() != want {
		t.Errorf("got %q, want %q", e.Error(), want)
	}
	// Another path in the PathError is kept.
	other := &Error{File: "a.csv", Err: &fs.PathError{Op: "open", Path: "b.csv", Err: fs.ErrNotExist}}
	if got, want := other.Error(), "data: read a.csv: open b.csv: file does not exist"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if !errors.Is(&Error{File: "x", Err: &fs.PathError{Op: "read", Path: "x", Err: fs.ErrPermission}}, fs.ErrPermission) {
		t.Error("errors.Is does not see the cause")
	}
}
