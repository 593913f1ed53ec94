package gemm

// kernelTiers are the kernels of each tier: NEON (every arm64 CPU) and
// the portable ones.
func kernelTiers() []kernelTier {
	return []kernelTier{
		{"NEON", true, []kernel[float32]{neonKernel32}, nil},
		{"Go", true, []kernel[float32]{goKernel32}, []kernel[float64]{goKernel64}},
	}
}
