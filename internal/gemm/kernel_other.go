//go:build !amd64 && !arm64

package gemm

// useGonum is false: gonum has no assembly here, and the 4×4 Go kernel
// fits the 32 floating-point registers of arm64 and similar machines.
const useGonum = false

// The kernels of this architecture: the portable ones.
var (
	sgemmKernels = []kernel[float32]{goKernel32}
	dgemmKernels = []kernel[float64]{goKernel64}
)
