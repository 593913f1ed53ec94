// Package cputime reads the CPU time of the process, for benchmarks that
// report CPU time per operation beside wall time: on a shared machine the
// CPU time is steadier than the wall time, which includes the time the
// process waited for a core.
package cputime
