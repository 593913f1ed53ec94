//go:build unix

package cputime

import "testing"

// TestNowAdvances: busy work makes the process's CPU time grow (on a
// Unix system).
func TestNowAdvances(t *testing.T) {
	t0 := Now()
	x := 0.0
	for i := 0; i < 50_000_000; i++ {
		x += float64(i)
	}
	if t1 := Now(); !(t1 > t0) || x == 0 {
		t.Fatalf("CPU time did not advance: %v then %v", t0, t1)
	}
}
