package gemm

// kernels32 and kernels64 list every kernel this CPU can run.
func kernels32() []kernel[float32] {
	ks := []kernel[float32]{goKernel32}
	if hasAVX2FMA() {
		ks = append(ks, kernel[float32]{mr: 6, nr: 16, tile: tileAVX2x32})
	}
	return ks
}

func kernels64() []kernel[float64] {
	ks := []kernel[float64]{goKernel64}
	if hasAVX2FMA() {
		ks = append(ks, kernel[float64]{mr: 6, nr: 8, tile: tileAVX2x64})
	}
	return ks
}
