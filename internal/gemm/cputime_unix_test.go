//go:build unix

package gemm

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user and system) of the process so far: on a
// shared machine a benchmark's CPU time per op is steadier than its wall
// time, which includes the time the process waited for a core.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
