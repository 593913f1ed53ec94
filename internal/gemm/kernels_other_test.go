//go:build !amd64

package gemm

// kernels32 and kernels64 list every kernel this CPU can run.
func kernels32() []kernel[float32] { return []kernel[float32]{goKernel32} }
func kernels64() []kernel[float64] { return []kernel[float64]{goKernel64} }
