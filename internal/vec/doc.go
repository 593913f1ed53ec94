// Package vec holds the element-wise kernels of the training step that are
// worth SIMD code: on amd64 with AVX2 they are Go assembly, elsewhere (and
// for the tails of a slice) plain Go with the same arithmetic, so that the
// results are the same bit for bit on every path.
package vec
