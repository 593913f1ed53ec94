package model

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestDocsVersion holds docs/model-format.md to FormatVersion and
// MinFormatVersion: the version the page describes, what mdn writes and
// reads, and the message for another version; and model/testdata holds a
// fixture of every version (see fixtures in golden_test.go).
func TestDocsVersion(t *testing.T) {
	b, err := os.ReadFile("../docs/model-format.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, want := range []string{
		fmt.Sprintf("This page describes format version %d;", FormatVersion),
		fmt.Sprintf("`mdn` writes `%d` and reads `%d` to `%d`.", FormatVersion, MinFormatVersion, FormatVersion),
		fmt.Sprintf("(this mdn reads %d to %d)", MinFormatVersion, FormatVersion),
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("docs/model-format.md does not say %q", want)
		}
	}
	for v := MinFormatVersion; v <= FormatVersion; v++ {
		found := false
		for _, fx := range fixtures {
			found = found || fx.version == v
		}
		if !found {
			t.Errorf("no fixture of format version %d in model/testdata (add one to fixtures)", v)
		}
	}
}
