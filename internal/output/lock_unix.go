//go:build unix

package output

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// LockDir takes an exclusive advisory lock (flock) on the directory dir for
// as long as the process holds it, without waiting: a second process that
// asks for the same directory gets an error at once. The lock is released by
// unlock, or by the kernel when the process ends, however it ends; nothing
// is written into dir. flag names dir in messages.
func LockDir(flag, dir string) (unlock func(), err error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, &Error{Flag: flag, Path: dir, Err: cause(err)}
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &Error{Flag: flag, Path: dir, Err: ErrLocked}
		}
		return nil, &Error{Flag: flag, Path: dir, Err: fmt.Errorf("lock: %w", err)}
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
