package vec

// AddReLU64 sets z[i] = max(z[i] + b, 0) for every i: one channel of a
// dense layer's output, stored channel by channel (model.Predictor), given
// its bias and ReLU. The maximum is Go's max(v, 0) bit for bit on every
// path: −0 gives +0, NaN stays NaN. With AVX2 the first len(z) &^ 3
// values go through an assembly loop, the rest through Go.
func AddReLU64(z []float64, b float64) {
	i := 0
	if addReLUAsm && len(z) >= 4 {
		i = len(z) &^ 3
		addReLU64AVX2(&z[0], i, b)
	}
	for ; i < len(z); i++ {
		z[i] = max(z[i]+b, 0)
	}
}

// addReLUAsm: AddReLU64 runs its AVX2 loop (a variable so that a test can
// compare both paths).
var addReLUAsm = cpuTier >= tierAVX2
