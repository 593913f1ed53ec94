//go:build !amd64

package gemm

// The kernels of this architecture: the portable ones.
var (
	sgemmKernels = []kernel[float32]{goKernel32}
	dgemmKernels = []kernel[float64]{goKernel64}
)
