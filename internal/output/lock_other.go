//go:build !unix

package output

// LockDir is a no-op where flock is not available.
func LockDir(flag, dir string) (unlock func(), err error) { return func() {}, nil }
