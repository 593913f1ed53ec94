//go:build !linux

package cli

import (
	"os"
	"testing"
)

// openPTY skips the test: opening a pseudo-terminal is done for Linux only.
func openPTY(t *testing.T) *os.File {
	t.Skip("opening a pseudo-terminal is done for Linux only")
	return nil
}
