package hugepage

import (
	"testing"
)

// TestAdviseKeepsValues: advising changes no value, before or after the
// storage is written, for small and large slices, and does not touch the
// length.
func TestAdviseKeepsValues(t *testing.T) {
	for _, n := range []int{0, 1, 1000, minBytes/8 + 3, 3 * minBytes / 8} {
		s := make([]float64, n/2, n+1)
		for i := range s {
			s[i] = float64(i) + 0.5
		}
		Advise(s)
		if len(s) != n/2 {
			t.Fatalf("n=%d: length %d after Advise, want %d", n, len(s), n/2)
		}
		s = s[:cap(s)]
		for i := range s {
			want := 0.0
			if i < n/2 {
				want = float64(i) + 0.5
			}
			if s[i] != want {
				t.Fatalf("n=%d: s[%d] = %v after Advise, want %v", n, i, s[i], want)
			}
		}
	}
}

// BenchmarkFill fills 88 MB (the columns of a 1,000,000-row, 10-column
// CSV with line numbers) in new storage, with and without Advise: the
// difference is the page faults.
func BenchmarkFill(b *testing.B) {
	const n = 11_000_000
	for _, c := range []struct {
		name   string
		advise bool
	}{{"plain", false}, {"advised", true}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(8 * n)
			for b.Loop() {
				s := make([]float64, 0, n)
				if c.advise {
					Advise(s)
				}
				for i := range n {
					s = append(s, float64(i))
				}
				if s[n-1] != n-1 {
					b.Fatal("bad fill")
				}
			}
		})
	}
}
