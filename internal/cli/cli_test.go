package cli

import (
	"errors"
	"strings"
	"testing"
	"time"
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

// TestGrace: the grace is InterruptGrace until a command asks for more,
// and never shrinks; a nil Grace is InterruptGrace.
func TestGrace(t *testing.T) {
	var nilGrace *Grace
	nilGrace.AtLeast(time.Hour) // no effect, no panic
	if got := nilGrace.Duration(); got != InterruptGrace {
		t.Errorf("nil: got %v, want %v", got, InterruptGrace)
	}
	g := new(Grace)
	for _, c := range []struct{ ask, want time.Duration }{
		{0, InterruptGrace}, {time.Second, InterruptGrace}, {45 * time.Second, 45 * time.Second}, {20 * time.Second, 45 * time.Second},
	} {
		g.AtLeast(c.ask)
		if got := g.Duration(); got != c.want {
			t.Errorf("after AtLeast(%v): got %v, want %v", c.ask, got, c.want)
		}
	}
}
