// Package vec holds the element-wise kernels of the training step that are
// worth SIMD code. Each runs at the tier of the CPU, read once at start-up
// from golang.org/x/sys/cpu (so GODEBUG=cpu.avx512f=off and cpu.avx2=off
// select a lower tier): on amd64 with AVX-512F, AVX-512 assembly where an
// operation has it; with AVX2 and FMA, AVX2 assembly; elsewhere, and for
// the tails of a slice, plain Go with the same arithmetic, so that the
// results are the same bit for bit on every tier. The tests run every tier
// the CPU has against a reference and skip, by name, the ones it lacks.
package vec
