package output

import (
	"os"
	"sync"
)

// The temporary files of this process that are not yet renamed or removed,
// and the lock that a rename (or a Batch's renames) holds: package state,
// so that Abandon can clean up when the process must exit at once. (The
// one exception to "no package-level state": the files are the process's.)
var (
	tempMu   sync.Mutex
	temps    = map[string]struct{}{}
	commitMu sync.Mutex
)

func track(p string) {
	tempMu.Lock()
	temps[p] = struct{}{}
	tempMu.Unlock()
}

func untrack(p string) {
	tempMu.Lock()
	delete(temps, p)
	tempMu.Unlock()
}

// removeTemp removes a temporary file of this package.
func removeTemp(p string) {
	os.Remove(p)
	untrack(p)
}

// Abandon prepares the process to exit at once (a second SIGINT, or a
// command that does not stop when asked): it waits for a publication in
// progress to finish (so a Batch is never left half renamed), then removes
// every temporary file the package created and has not published. Nothing
// else is removed. Writes after Abandon block: call it just before
// os.Exit.
func Abandon() {
	commitMu.Lock() // never released: the process is about to exit
	removeTracked()
}

// removeTracked removes every tracked temporary file.
func removeTracked() {
	tempMu.Lock()
	defer tempMu.Unlock()
	for p := range temps {
		os.Remove(p)
		delete(temps, p)
	}
}
