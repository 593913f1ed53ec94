package gemm

// kernels32 and kernels64 list every kernel this CPU can run.
func kernels32() []kernel[float32] {
	ks := []kernel[float32]{goKernel32}
	if hasAVX2FMA() {
		ks = append(ks, avx2Kernel32)
	}
	if hasAVX512() {
		ks = append(ks, avx512Kernel32, avx512Kernel32n, avx512Kernel32w)
	}
	return ks
}

func kernels64() []kernel[float64] {
	ks := []kernel[float64]{goKernel64}
	if hasAVX2FMA() {
		ks = append(ks, avx2Kernel64)
	}
	if hasAVX512() {
		ks = append(ks, avx512Kernel64)
	}
	return ks
}
