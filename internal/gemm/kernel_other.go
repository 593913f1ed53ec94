//go:build !amd64

package gemm

var (
	sgemmKernel = goKernel32
	dgemmKernel = goKernel64
)
