//go:build !amd64 && !arm64

package gemm

// kernelTiers are the kernels of each tier: the portable ones.
func kernelTiers() []kernelTier {
	return []kernelTier{{"Go", true, []kernel[float32]{goKernel32}, []kernel[float64]{goKernel64}}}
}
