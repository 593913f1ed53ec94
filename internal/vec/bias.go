package vec

// BiasReLU32 sets z[r·cols+j] = max(z[r·cols+j] + b[j], 0) for r < rows,
// j < cols: the bias and ReLU of a dense layer after its matrix product.
// The maximum is Go's max(v, 0) bit for bit on every path: −0 gives +0,
// NaN stays NaN.
func BiasReLU32(z, b []float32, rows, cols int) { biasAct32(cpuTier, z, b, rows, cols, true) }

// AddBias32 sets z[r·cols+j] += b[j] for r < rows, j < cols.
func AddBias32(z, b []float32, rows, cols int) { biasAct32(cpuTier, z, b, rows, cols, false) }

// biasAct32 is BiasReLU32 (relu true) and AddBias32 as a CPU of tier t
// runs them: AVX2 for the blocks of 8 columns, Go for the rest.
func biasAct32(t tier, z, b []float32, rows, cols int, relu bool) {
	z, b = z[:rows*cols], b[:cols]
	c8 := 0
	if t >= tierAVX2 && cols >= 8 && rows > 0 {
		c8 = cols &^ 7
		biasAct32AVX2(&z[0], &b[0], rows, c8, cols, relu)
	}
	if c8 == cols {
		return
	}
	// The last cols−c8 columns one at a time, down the rows (fewer loop
	// setups than a short loop per row).
	n := rows * cols
	for j := c8; j < cols; j++ {
		bj := b[j]
		if relu {
			for o := j; o < n; o += cols {
				z[o] = max(z[o]+bj, 0)
			}
			continue
		}
		for o := j; o < n; o += cols {
			z[o] += bj
		}
	}
}
