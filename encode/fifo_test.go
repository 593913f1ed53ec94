//go:build unix

package encode

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestFIFOReadOnce: a FIFO of numbers with a bad cell is read once, by the
// general reader (it cannot be read again), and gives its message.
func TestFIFOReadOnce(t *testing.T) {
	in := "x,y\n1,2\nNA,3\n"
	for _, read := range []struct {
		name string
		f    func(path string) error
	}{
		{"ReadTrain", func(p string) error {
			_, _, _, err := ReadTrain(p, Options{X: []string{"x"}, Y: []string{"y"}})
			return err
		}},
		{"Read", func(p string) error { _, _, err := Read(p, Numeric([]string{"x"}), []string{"y"}); return err }},
	} {
		p := filepath.Join(t.TempDir(), "in.csv")
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Skip("no FIFO:", err)
		}
		go func() {
			if f, err := os.OpenFile(p, os.O_WRONLY, 0); err == nil {
				f.WriteString(in)
				f.Close()
			}
		}()
		err := read.f(p)
		if want := `line 3, column "x": missing value "NA" (1 missing cells in 1 rows;`; err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %s…", read.name, err, want)
		}
	}
}
