package cli

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestBounded: whatever a library puts into an error, mdn prints at most
// MaxMessage bytes of it, cut on a character boundary, saying how much
// was left out.
func TestBounded(t *testing.T) {
	long := strings.Repeat("é", MaxMessage) // 2 bytes a rune: 2000 bytes are cut
	got := Bounded(long)
	if len(got) > MaxMessage+40 || !strings.HasSuffix(got, "… (2000 more bytes)") || !utf8.ValidString(got) {
		t.Fatalf("got %d bytes ending %q", len(got), got[len(got)-30:])
	}
	if Bounded("short") != "short" {
		t.Fatal("a short message was changed")
	}
}

func TestOneLine(t *testing.T) {
	got := OneLine(errors.New(" a\nb\nc \n"))
	if want := "a; b; c"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
