//go:build unix

package model

import (
	"path/filepath"
	"syscall"
	"testing"
)

// mkfifo makes a FIFO in dir and returns its path.
func mkfifo(t *testing.T, dir string) string {
	p := filepath.Join(dir, "fifo.json")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	return p
}
