//go:build unix

package infile

import (
	"os"
	"syscall"
)

// openNonBlocking opens path with O_NONBLOCK, so that a FIFO put at path
// after Stat does not block the open (the caller then refuses it); on a
// regular file the flag changes nothing.
func openNonBlocking(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
