package cli

import (
	"io"
	"os"
	"testing"
)

// TestIOStreams: Test's streams are its buffers, each in its place; System's
// are the process's. Both have their own Grace.
func TestIOStreams(t *testing.T) {
	ios, in, out, errOut := Test()
	in.WriteString("rows")
	io.WriteString(ios.Out, "out")
	io.WriteString(ios.ErrOut, "err")
	b, _ := io.ReadAll(ios.In)
	if string(b) != "rows" || out.String() != "out" || errOut.String() != "err" {
		t.Errorf("got in %q, out %q, err %q; want rows, out, err", b, out, errOut)
	}
	sys := System()
	if sys.In != os.Stdin || sys.ErrOut != os.Stderr || sys.Out == nil {
		t.Errorf("System: got %+v", sys)
	}
	if ios.Grace == nil || sys.Grace == nil || sys.Grace == System().Grace {
		t.Error("want a new Grace in each")
	}
}
