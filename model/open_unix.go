//go:build unix

package model

import "syscall"

// openNonblock makes opening a FIFO return at once rather than wait for a
// writer (ReadFile then refuses it as not a regular file).
const openNonblock = syscall.O_NONBLOCK
