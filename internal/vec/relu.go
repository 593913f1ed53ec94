package vec

import "math"

// ReLUGrad32 sets dz[i] = g[i]·1{out[i] > 0} for i < len(out): the
// backward pass of out = max(z, 0). The product is a real multiplication
// by 1 or 0 (not a select), so a negative g gives −0 and a NaN or infinite
// g gives NaN where out ≤ 0, exactly as the scalar formula.
// dz and g must be at least as long as out.
func ReLUGrad32(dz, g, out []float32) { reluGrad32(cpuTier, dz, g, out) }

// reluGrad32 is ReLUGrad32 as a CPU of tier t runs it.
func reluGrad32(t tier, dz, g, out []float32) {
	n := len(out)
	dz, g = dz[:n], g[:n]
	i := 0
	if t >= tierAVX2 && n >= 32 {
		i = n &^ 31
		reluGrad32AVX2(&dz[0], &g[0], &out[0], i)
	}
	reluGradGo(dz[i:], g[i:], out[i:])
}

// ReLUGrad64 is ReLUGrad32 for float64 (plain Go).
func ReLUGrad64(dz, g, out []float64) {
	n := len(out)
	dz, g = dz[:n], g[:n]
	for i, o := range out {
		// 1 for o > 0 else 0, without a branch: the sign pattern of a ReLU
		// layer is random, so a branch mispredicts half the time.
		b := int64(math.Float64bits(o))
		m := uint64(-b>>63) &^ uint64(b>>63) &^ uint64((0x7ff0000000000000-b)>>63)
		dz[i] = g[i] * math.Float64frombits(0x3ff0000000000000&m)
	}
}

// reluGradGo is the portable ReLUGrad32. out > 0 iff its bits b, as a
// signed integer, satisfy 0 < b ≤ bits(+Inf); -b>>31, b>>31 and
// (bits(+Inf)-b)>>31 are all-ones masks of b > 0, b < 0 and b > bits(+Inf)
// (NaN), so the mask of out > 0 selects the bits of 1.0 without a branch.
func reluGradGo(dz, g, out []float32) {
	g, dz = g[:len(out)], dz[:len(out)]
	for i, o := range out {
		b := int32(math.Float32bits(o))
		m := uint32(-b>>31) &^ uint32(b>>31) &^ uint32((0x7f800000-b)>>31)
		dz[i] = g[i] * math.Float32frombits(0x3f800000&m)
	}
}

// ReLUGradColSum32 is ReLUGrad32 on a rows×cols row-major matrix that also
// sets db[j] = Σ_r dz[r·cols+j], the bias gradient, summing the rows in
// order (r = 0, 1, …) from +0, so that db is what a separate column sum of
// dz gives, bit for bit.
func ReLUGradColSum32(dz, g, out, db []float32, rows, cols int) {
	reluGradColSum32(cpuTier, dz, g, out, db, rows, cols)
}

// reluGradColSum32 is ReLUGradColSum32 as a CPU of tier t runs it.
func reluGradColSum32(t tier, dz, g, out, db []float32, rows, cols int) {
	n := rows * cols
	dz, g, out, db = dz[:n], g[:n], out[:n], db[:cols]
	clear(db)
	// Columns are independent: AVX-512 takes the blocks of 64 (four
	// chains of sums; a narrower block waits on its one chain and loses to
	// AVX2's blocks of 32), AVX2 the blocks of 8 after them, Go the rest;
	// each path forms the same products and sums.
	c8, c64 := 0, 0
	if t >= tierAVX512 && cols >= 64 && rows > 0 {
		c64 = cols &^ 63
		reluGradColSum32AVX512(&dz[0], &g[0], &out[0], &db[0], rows, c64, cols)
		c8 = c64
	}
	if t >= tierAVX2 && cols-c64 >= 8 && rows > 0 {
		c8 = cols &^ 7
		reluGradColSum32AVX2(&dz[c64], &g[c64], &out[c64], &db[c64], rows, c8-c64, cols)
	}
	if c8 == cols {
		return
	}
	// The last cols−c8 columns one at a time, down the rows (a loop of a
	// few elements per row costs more in its setup than in its work): the
	// same products, and each sum in row order from +0.
	for j := c8; j < cols; j++ {
		var s float32
		for o := j; o < n; o += cols {
			b := int32(math.Float32bits(out[o]))
			m := uint32(-b>>31) &^ uint32(b>>31) &^ uint32((0x7f800000-b)>>31)
			v := g[o] * math.Float32frombits(0x3f800000&m)
			dz[o] = v
			s += v
		}
		db[j] = s
	}
}

// ReLUGradColSum64 is ReLUGradColSum32 for float64 (plain Go).
func ReLUGradColSum64(dz, g, out, db []float64, rows, cols int) {
	n := rows * cols
	ReLUGrad64(dz[:n], g[:n], out[:n])
	db = db[:cols]
	clear(db)
	for r := range rows {
		row := dz[r*cols : (r+1)*cols]
		for j, v := range row {
			db[j] += v
		}
	}
}
