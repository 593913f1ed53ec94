package model

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestDocsVersion holds docs/model-format.md to FormatVersion,
// CalibratedVersion and MinFormatVersion: the versions the page describes,
// what mdn writes and reads, and the message for another version; and model/testdata holds a
// fixture of every version (see fixtures in golden_test.go).
func TestDocsVersion(t *testing.T) {
	b, err := os.ReadFile("../docs/model-format.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, want := range []string{
		fmt.Sprintf("This page describes format version %d and version %d,", FormatVersion, CalibratedVersion),
		fmt.Sprintf("`mdn train` writes `%d`, `mdn calibrate` writes `%d`; `mdn` reads `%d` to `%d`.",
			FormatVersion, CalibratedVersion, MinFormatVersion, CalibratedVersion),
		fmt.Sprintf("(this mdn reads %d to %d)", MinFormatVersion, CalibratedVersion),
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("docs/model-format.md does not say %q", want)
		}
	}
	for v := MinFormatVersion; v <= CalibratedVersion; v++ {
		found := false
		for _, fx := range fixtures {
			found = found || fx.version == v
		}
		if !found {
			t.Errorf("no fixture of format version %d in model/testdata (add one to fixtures)", v)
		}
	}
}
