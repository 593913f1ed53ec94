//go:build !unix

package cli

import "os"

// stdoutClosed is false where the runtime does not replace a closed
// descriptor.
func stdoutClosed(*os.File) bool { return false }
