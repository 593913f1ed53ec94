package data

import (
	"math"
	"math/big"
	"math/bits"
	"strings"
	"sync"
)

// parseFloat is the fast path of ParseValue: for a plain decimal number it
// returns exactly what strconv.ParseFloat(s, 64) returns (the float64
// nearest to the decimal value, ties to even), and ok = false for anything
// else, which the caller then gives to strconv.ParseFloat. A plain decimal
// here is
//
//	[+-] digits [. digits] [(e|E) [+-] digits]
//
// with at least one digit before the exponent and at most 19 significant
// digits (leading zeros do not count), whose value is 0 or a normal float64:
// no underscores, hex, "inf" or "nan", no overflow and no subnormal result
// (those take the fallback, as does the rare case where the algorithm below
// cannot decide the rounding, such as 1282601391398646.5: exact in
// float64, but its 17 digits times the truncated 10^−1 fall just short of
// it).
//
// The digits d (< 10^19, so an exact uint64) and the exponent q of
// v = d·10^q are converted in one of two exact ways:
//
//   - Clinger's fast path (Clinger 1990): when d < 2^53 and |q| ≤ 22, both
//     d and 10^|q| are exact float64 values, so the one IEEE multiplication
//     or division d·10^q or d/10^−q is correctly rounded.
//   - Otherwise the Eisel–Lemire algorithm (Lemire, "Number parsing at a
//     gigabyte per second", Software: Practice and Experience 51(8), 2021):
//     d, shifted to have its top bit set, times a 128-bit truncation of
//     10^q gives the leading bits of v with an error bound small enough to
//     round correctly, unless the bits beyond the 54th lie where that
//     bound cannot tell which way to round, in which case it gives up.
func parseFloat(s string) (f float64, ok bool) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	var d uint64
	nd, digits, q := 0, 0, 0 // significant digits in d (or more), all digits, exponent
	for ; i+8 <= len(s) && nd <= 19-8; i += 8 {
		v, ok := eightDigits(s[i : i+8])
		if !ok {
			break
		}
		// Leading zeros among the eight count in nd: a stricter bound.
		if d != 0 || v != 0 {
			nd += 8
		}
		d = d*1e8 + v
		digits += 8
	}
	for ; i < len(s); i++ {
		c := s[i] - '0'
		if c > 9 {
			break
		}
		digits++
		if d == 0 && c == 0 {
			continue
		}
		if nd == 19 {
			return 0, false
		}
		d = d*10 + uint64(c)
		nd++
	}
	if i < len(s) && s[i] == '.' {
		for i++; i+8 <= len(s) && nd <= 19-8; i += 8 {
			v, ok := eightDigits(s[i : i+8])
			if !ok {
				break
			}
			if d != 0 || v != 0 {
				nd += 8
			}
			d = d*1e8 + v
			digits += 8
			q -= 8
		}
		for ; i < len(s); i++ {
			c := s[i] - '0'
			if c > 9 {
				break
			}
			digits++
			q--
			if d == 0 && c == 0 {
				continue
			}
			if nd == 19 {
				return 0, false
			}
			d = d*10 + uint64(c)
			nd++
		}
	}
	if digits == 0 {
		return 0, false
	}
	if i < len(s) && s[i]|0x20 == 'e' {
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		start, e := i, 0
		for ; i < len(s); i++ {
			c := s[i] - '0'
			if c > 9 {
				break
			}
			if e < 100_000 { // far beyond the range of float64 either way
				e = e*10 + int(c)
			}
		}
		if i == start {
			return 0, false
		}
		if eneg {
			e = -e
		}
		q += e
	}
	if i != len(s) {
		return 0, false
	}
	if d == 0 {
		if neg {
			return math.Copysign(0, -1), true
		}
		return 0, true
	}
	if d < 1<<53 && -22 <= q && q <= 22 {
		f = float64(d)
		if q < 0 {
			f /= exactPow10[-q]
		} else {
			f *= exactPow10[q]
		}
		if neg {
			f = -f
		}
		return f, true
	}
	return eiselLemire(d, q, neg)
}

// eightDigits returns the value of b, 8 bytes, if they are all ASCII
// digits, reading them as one little-endian word (SWAR, as in Lemire's
// fast_float): a byte c is a digit when c − '0' ≤ 9, tested in all eight
// lanes at once, and the digits are combined in pairs, quads and the whole
// with three multiplications.
func eightDigits(b string) (uint64, bool) {
	_ = b[7]
	v := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
	// Each lane: high nibble 3 and low nibble ≤ 9 (adding 6 does not carry
	// into the high nibble).
	if (v&0xf0f0f0f0f0f0f0f0)|(((v+0x0606060606060606)&0xf0f0f0f0f0f0f0f0)>>4) != 0x3333333333333333 {
		return 0, false
	}
	v -= 0x3030303030303030
	v = v*10 + v>>8 // lane 2k: 10·digit(2k) + digit(2k+1)
	v = ((v&0x000000ff000000ff)*(100+(1000000<<32)) + (v>>16&0x000000ff000000ff)*(1+(10000<<32))) >> 32
	return v, true
}

// exactPow10[i] is 10^i, exact in float64 for i ≤ 22 (5^22 < 2^53).
var exactPow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// Range of the exponents q of the table of powers of ten: beyond it a
// number of at most 19 digits is 0 or +Inf in float64 (handled by
// strconv).
const (
	pow10Min = -348
	pow10Max = 347
)

// pow10Table returns, for q in [pow10Min, pow10Max], entry q−pow10Min
// {hi, lo}: the 128 bits hi·2^64 + lo = ⌊10^q·2^b⌋ for the b that puts the
// top bit at bit 127 (a truncation, as the algorithm needs). It is computed
// once, exactly, with math/big (about a millisecond).
var pow10Table = sync.OnceValue(func() *[pow10Max - pow10Min + 1][2]uint64 {
	var t [pow10Max - pow10Min + 1][2]uint64
	one := big.NewInt(1)
	mask := new(big.Int).Sub(new(big.Int).Lsh(one, 64), one)
	set := func(q int, m *big.Int) {
		lo := new(big.Int).And(m, mask)
		hi := new(big.Int).Rsh(m, 64)
		t[q-pow10Min] = [2]uint64{hi.Uint64(), lo.Uint64()}
	}
	p := big.NewInt(1) // 10^q
	ten := big.NewInt(10)
	for q := 0; q <= max(pow10Max, -pow10Min); q++ {
		if q <= pow10Max {
			// ⌊10^q·2^b⌋: shift to 128 bits (left exact, right a floor).
			if n := p.BitLen(); n <= 128 {
				set(q, new(big.Int).Lsh(p, uint(128-n)))
			} else {
				set(q, new(big.Int).Rsh(p, uint(n-128)))
			}
		}
		if q > 0 && -q >= pow10Min {
			// ⌊2^k/10^q⌋ with k = 127 + bitlen(10^q): 10^q lies in
			// (2^(k−128), 2^(k−127)) (q > 0, not a power of two), so the
			// quotient in (2^127, 2^128).
			m := new(big.Int).Quo(new(big.Int).Lsh(one, uint(127+p.BitLen())), p)
			set(-q, m)
		}
		p.Mul(p, ten)
	}
	return &t
})

// eiselLemire converts d·10^q (d > 0) to the nearest float64, or reports
// ok = false when it cannot decide (see parseFloat) or the result would be
// subnormal, zero or infinite.
func eiselLemire(d uint64, q int, neg bool) (f float64, ok bool) {
	if q < pow10Min || q > pow10Max {
		return 0, false
	}
	t := &pow10Table()[q-pow10Min]
	lz := bits.LeadingZeros64(d)
	d <<= uint(lz)
	// The biased binary exponent of the result: ⌊q·log2(10)⌋ (as
	// 217706·q/2^16, exact over the table's range) plus the bits of d.
	exp := uint64(217706*q>>16+64+1023) - uint64(lz)
	hi, lo := bits.Mul64(d, t[0])
	if hi&0x1ff == 0x1ff && lo+d < lo {
		// The truncated low half of 10^q could carry into the bits that
		// decide the rounding: add d times it.
		hi2, lo2 := bits.Mul64(d, t[1])
		mlo, c := bits.Add64(lo, hi2, 0)
		mhi := hi + c
		if mhi&0x1ff == 0x1ff && mlo+1 == 0 && lo2+d < lo2 {
			return 0, false
		}
		hi, lo = mhi, mlo
	}
	top := hi >> 63
	m := hi >> (top + 9) // 54 bits: the 53 of the result and one to round
	exp -= 1 ^ top
	if lo == 0 && hi&0x1ff == 0 && m&3 == 1 {
		// Possibly exactly half-way between two floats: the truncation
		// cannot tell.
		return 0, false
	}
	m += m & 1 // round half up on the 54th bit (ties were excluded)
	m >>= 1
	if m>>53 > 0 {
		m >>= 1
		exp++
	}
	if exp-1 >= 0x7ff-1 {
		return 0, false
	}
	b := exp<<52 | m&(1<<52-1)
	if neg {
		b |= 1 << 63
	}
	return math.Float64frombits(b), true
}

// isDecimal reports whether s is a plain decimal number in the syntax of
// ParseValue (any number of digits):
//
//	[+-] (digits [. [digits]] | . digits) [(e|E) [+-] digits]
func isDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		start := i
		for ; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
		}
		if i == start {
			return false
		}
	}
	return i == len(s)
}

// isInfNaN reports whether s, but for a sign, is one of the words that
// strconv.ParseFloat reads as an infinity or NaN (inf, infinity, nan, in
// any case).
func isInfNaN(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	return strings.EqualFold(s, "inf") || strings.EqualFold(s, "infinity") || strings.EqualFold(s, "nan")
}
