package vec

import (
	"os"
	"strings"
	"testing"
)

// allTiers are the tiers, highest first; simdTiers those with assembly.
var (
	allTiers  = []tier{tierAVX512, tierAVX2, tierGo}
	simdTiers = []tier{tierAVX512, tierAVX2}
)

// forTiers runs f as a subtest named after each of tiers that this CPU
// can run (every tier up to cpuTier), and skips, visibly, the ones it
// cannot.
func forTiers(t *testing.T, tiers []tier, f func(t *testing.T, tr tier)) {
	t.Helper()
	for _, tr := range tiers {
		t.Run(tr.String(), func(t *testing.T) {
			if tr > cpuTier {
				t.Skipf("no %s on this CPU (or GODEBUG turned it off)", tr)
			}
			f(t, tr)
		})
	}
}

// TestCPUTier: the tier follows GODEBUG's cpu.* settings, which
// golang.org/x/sys/cpu applies: cpu.avx512f=off leaves at most AVX2,
// cpu.avx2=off or cpu.fma=off only Go.
func TestCPUTier(t *testing.T) {
	t.Logf("tier of this CPU: %v (GODEBUG=%q)", cpuTier, os.Getenv("GODEBUG"))
	godebug := "," + os.Getenv("GODEBUG") + ","
	if strings.Contains(godebug, ",cpu.avx512f=off,") && cpuTier > tierAVX2 {
		t.Errorf("GODEBUG has cpu.avx512f=off, tier %v", cpuTier)
	}
	for _, off := range []string{",cpu.avx2=off,", ",cpu.fma=off,"} {
		if strings.Contains(godebug, off) && cpuTier != tierGo {
			t.Errorf("GODEBUG has %s, tier %v", strings.Trim(off, ","), cpuTier)
		}
	}
	if got := detectTier(); got != cpuTier {
		t.Errorf("detectTier() = %v, cpuTier %v", got, cpuTier)
	}
}
