package data

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestPow10Table checks every entry against ⌊10^q·2^b⌋ computed another
// way (halving or doubling a big.Rat into [2^127, 2^128)).
func TestPow10Table(t *testing.T) {
	tab := pow10Table()
	lo, hi := new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), 127)), new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), 128))
	two := big.NewRat(2, 1)
	for q := pow10Min; q <= pow10Max; q++ {
		r := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(max(q, -q))), nil))
		if q < 0 {
			r.Inv(r)
		}
		// Scale by about 2^(127 − log2 10^q), then by halves or doubles.
		if b := 127 - int(math.Floor(float64(q)*math.Log2(10))); b > 0 {
			r.Mul(r, new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), uint(b))))
		} else {
			r.Quo(r, new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), uint(-b))))
		}
		for r.Cmp(lo) < 0 {
			r.Mul(r, two)
		}
		for r.Cmp(hi) >= 0 {
			r.Quo(r, two)
		}
		want := new(big.Int).Quo(r.Num(), r.Denom())
		got := new(big.Int).Lsh(new(big.Int).SetUint64(tab[q-pow10Min][0]), 64)
		got.Or(got, new(big.Int).SetUint64(tab[q-pow10Min][1]))
		if got.Cmp(want) != 0 {
			t.Fatalf("10^%d: table %x, want %x", q, got, want)
		}
	}
}

// checkParse fails t if parseFloat accepts s with another result than
// strconv.ParseFloat, and reports whether it accepted s.
func checkParse(t *testing.T, s string) bool {
	t.Helper()
	got, ok := parseFloat(s)
	if !ok {
		return false
	}
	want, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("parseFloat(%q) = %v, true; strconv.ParseFloat says %v", s, got, err)
	}
	if math.Float64bits(got) != math.Float64bits(want) {
		t.Fatalf("parseFloat(%q) = %v (%#016x), strconv.ParseFloat gives %v (%#016x)", s, got, math.Float64bits(got), want, math.Float64bits(want))
	}
	return true
}

// randomFinite returns a float64 with uniformly random bits, NaN and ±Inf
// excluded, so every binary exponent (subnormals too) is as likely.
func randomFinite(rng *rand.Rand) float64 {
	for {
		f := math.Float64frombits(rng.Uint64())
		if !math.IsNaN(f) && !math.IsInf(f, 0) {
			return f
		}
	}
}

// randomDecimal returns a plain decimal of 1 to 19 significant digits
// (up to 3 leading zeros, the point anywhere or absent, an exponent in
// [−360, 360] or none) in the spellings parseFloat accepts.
func randomDecimal(rng *rand.Rand) string {
	var b strings.Builder
	switch rng.IntN(3) {
	case 0:
		b.WriteByte('-')
	case 1:
		if rng.IntN(4) == 0 {
			b.WriteByte('+')
		}
	}
	nd := 1 + rng.IntN(19)
	digits := make([]byte, 0, nd+3)
	for range rng.IntN(4) {
		digits = append(digits, '0')
	}
	for k := range nd {
		c := byte('0' + rng.IntN(10))
		if k == 0 && c == '0' {
			c = '1' + byte(rng.IntN(9))
		}
		digits = append(digits, c)
	}
	if rng.IntN(4) == 0 {
		// Trailing zeros are significant digits here too.
		digits = digits[:len(digits)-rng.IntN(min(3, nd))]
	}
	point := rng.IntN(len(digits) + 2)
	for k, c := range digits {
		if k == point {
			b.WriteByte('.')
		}
		b.WriteByte(c)
	}
	if point == len(digits) {
		b.WriteByte('.')
	}
	if rng.IntN(3) > 0 {
		b.WriteByte("eE"[rng.IntN(2)])
		e := rng.IntN(721) - 360
		if e >= 0 && rng.IntN(2) == 0 {
			b.WriteByte('+')
		}
		b.WriteString(strconv.Itoa(e))
	}
	return b.String()
}

// nearHalfway returns decimals of 17 to 19 significant digits at and next
// to the point half-way between a random float64 and the next one up: the
// inputs whose rounding is hardest to decide.
func nearHalfway(rng *rand.Rand) []string {
	x := math.Abs(randomFinite(rng))
	next := math.Nextafter(x, math.Inf(1))
	if math.IsInf(next, 0) {
		return nil
	}
	mid := new(big.Float).SetPrec(2000).SetFloat64(x)
	mid.Add(mid, new(big.Float).SetPrec(2000).SetFloat64(next))
	mid.Quo(mid, big.NewFloat(2))
	var out []string
	for _, nd := range []int{17, 18, 19} {
		s := mid.Text('e', nd-1) // nd significant digits, rounded
		out = append(out, s)
		// The last digit one up and one down.
		m, e, _ := strings.Cut(s, "e")
		digits := strings.Replace(m, ".", "", 1)
		v, err := strconv.ParseUint(digits, 10, 64)
		if err != nil {
			continue
		}
		for _, w := range []uint64{v - 1, v + 1} {
			ds := strconv.FormatUint(w, 10)
			if len(ds) != len(digits) {
				continue
			}
			out = append(out, ds[:1]+"."+ds[1:]+"e"+e)
		}
	}
	return out
}

// TestParseFloatRandom compares parseFloat with strconv.ParseFloat, bit
// for bit, on random inputs of every kind it may meet: the shortest text
// of random float64 and float32 values (what WriteCSV and most tools
// write), fixed precisions, random decimals with any point and exponent,
// and decimals within a unit in the last digit of a half-way point.
func TestParseFloatRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 34))
	n := 100_000
	if testing.Short() {
		n = 20_000
	}
	shortest, shortestOK := 0, 0
	for range n {
		x := randomFinite(rng)
		for _, s := range []string{
			strconv.FormatFloat(x, 'g', -1, 64),
			strconv.FormatFloat(float64(float32(x)), 'g', -1, 32),
			strconv.FormatFloat(x, 'e', rng.IntN(19), 64),
			strconv.FormatFloat(x, 'E', -1, 64),
			strconv.FormatFloat(rng.NormFloat64()*math.Pow(10, float64(rng.IntN(20)-10)), 'f', -1, 64),
			strconv.FormatFloat(rng.NormFloat64(), 'g', -1, 64),
		} {
			checkParse(t, s)
		}
		// The values of a typical table: normal, of moderate magnitude.
		s := strconv.FormatFloat(rng.NormFloat64()*math.Pow(10, float64(rng.IntN(40)-20)), 'g', -1, 64)
		shortest++
		if checkParse(t, s) {
			shortestOK++
		}
		checkParse(t, randomDecimal(rng))
		if rng.IntN(4) == 0 {
			for _, s := range nearHalfway(rng) {
				checkParse(t, s)
			}
		}
	}
	// The fast path must be the common path, or it is only a slower
	// strconv: it may decline only rare inputs (here 0.7%: binary
	// fractions of 17 digits such as 1282601391398646.5, exact in float64,
	// where the truncated 10^−1 leaves Eisel–Lemire undecided).
	if shortestOK < shortest*98/100 {
		t.Errorf("fast path took %d of %d shortest-form values, want ≥ 98%%", shortestOK, shortest)
	}
}

func TestParseFloatCases(t *testing.T) {
	for _, s := range []string{
		"0", "-0", "+0", "0.0", "-0.000e5", "00012", "1.", ".5", "-.5e-3", "1E5", "1e+05", "9007199254740993",
		"9007199254740992", "1e22", "1e23", "123456789e-22", "1.7976931348623157e308", "2.2250738585072014e-308",
		"9999999999999999999", "0.1", "0.2", "0.30000000000000004", "5e-324", "2.4703282292062328e-324",
		"4.9406564584124654e-324", "1e-400", "1e400", "1.7976931348623159e308", "0e999999", "1234567890123456789e-30",
	} {
		checkParse(t, s)
	}
	// Not plain decimals (strconv handles or rejects them), more than 19
	// significant digits, and results beyond the normal range.
	for _, s := range []string{
		"", "+", "-", ".", "e5", ".e5", "1e", "1e+", "1e-", "0x1p3", "0x10", "inf", "+Inf", "NaN", "nan",
		"1_000", "1.2.3", "1e5.5", " 1", "1 ", "1,5", "12345678901234567890", "0.12345678901234567890",
		"1e400", "-1e400", "1.7976931348623159e308", "5e-324", "2.2250738585072011e-308", "1e-400", "١",
	} {
		if v, ok := parseFloat(s); ok {
			t.Errorf("parseFloat(%q) = %v, true; want the strconv fallback", s, v)
		}
	}
	if v, ok := parseFloat("-0"); !ok || !math.Signbit(v) || v != 0 {
		t.Errorf("parseFloat(-0) = %v, %v; want -0, true", v, ok)
	}
}

// TestParseValueSyntax: Go's float syntaxes that are not CSV numbers are
// ErrNotNumber, strconv's infinities and NaN stay ErrNotFinite, plain
// decimals keep their value.
func TestParseValueSyntax(t *testing.T) {
	for _, c := range []struct {
		field string
		want  float64 // when is is nil
		is    error
	}{
		{"0x1p3", 0, ErrNotNumber}, {"0X10", 0, ErrNotNumber}, {"1_000", 0, ErrNotNumber}, {"0b1", 0, ErrNotNumber},
		{"0o7", 0, ErrNotNumber}, {"1e1_0", 0, ErrNotNumber}, {"0x1.8p1", 0, ErrNotNumber}, {"+nan", 0, ErrNotNumber},
		{"inf", 0, ErrNotFinite}, {"-Infinity", 0, ErrNotFinite}, {"NaN", 0, ErrNotFinite}, {"1e400", 0, ErrNotFinite},
		{"12345678901234567890", 12345678901234567890, nil}, {" 1. ", 1, nil}, {"+.5e1", 5, nil}, {"0007", 7, nil},
		{"1e-400", 0, nil},
	} {
		got, err := ParseValue(c.field)
		switch {
		case c.is != nil && !errors.Is(err, c.is):
			t.Errorf("ParseValue(%q) = %v, %v; want an error wrapping %v", c.field, got, err, c.is)
		case c.is == nil && (err != nil || got != c.want):
			t.Errorf("ParseValue(%q) = %v, %v; want %v", c.field, got, err, c.want)
		}
	}
}

// csvNumber and infNaN are the syntaxes ParseValue gives to strconv: a
// plain decimal, and strconv's words for infinity and NaN.
var (
	csvNumber = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$`)
	infNaN    = regexp.MustCompile(`^(?i)[+-]?(inf|infinity|nan)$`)
)

// parseValueStrconv is ParseValue written the slow way, without its fast
// path: the CSV syntax checked by regular expressions, the value and the
// messages from strconv. The oracle for the values and messages of
// ParseValue.
func parseValueStrconv(field string) (float64, error) {
	s := strings.TrimSpace(field)
	if !csvNumber.MatchString(s) && !infNaN.MatchString(s) {
		return 0, fmt.Errorf("%w %q", ErrNotNumber, s)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) && math.IsInf(v, 0) {
			return 0, fmt.Errorf("%w %q (beyond float64 range)", ErrNotFinite, s)
		}
		if !errors.Is(err, strconv.ErrRange) {
			return 0, fmt.Errorf("%w %q", ErrNotNumber, s)
		}
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%w %q", ErrNotFinite, s)
	}
	return v, nil
}

// FuzzParseFloat: parseFloat agrees bit for bit with strconv.ParseFloat on
// every input it accepts, and ParseValue gives the value and the message
// it gave before the fast path.
func FuzzParseFloat(f *testing.F) {
	for _, s := range []string{"0", "-1.5e-3", "123456789012345678", "1e23", "9007199254740993", "0.1", "1e-320",
		" 7 ", "1_0", "0x1p-2", "NaN", "1e400", ".", "2.2250738585072011e-308", "4.9e-324", "\u00a01",
		"0x1p3", "1_000", "0b1", "0o7", "0X10", "1e1_0", "+nan", "-Infinity", "iNf", "1.e5", ".e5", "+.5", "1e+",
		"0x", "١"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkParse(t, s)
		got, gerr := ParseValue(s)
		want, werr := parseValueStrconv(s)
		if math.Float64bits(got) != math.Float64bits(want) || fmt.Sprint(gerr) != fmt.Sprint(werr) {
			t.Fatalf("ParseValue(%q) = %v, %v; before the fast path %v, %v", s, got, gerr, want, werr)
		}
	})
}

// BenchmarkParseValue parses the shortest text of normal random values
// of moderate magnitude, as in a table, with ParseValue and with the
// strconv path alone.
func BenchmarkParseValue(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	fields := make([]string, 4096)
	total := 0
	for i := range fields {
		fields[i] = strconv.FormatFloat(rng.NormFloat64()*math.Pow(10, float64(rng.IntN(6)-3)), 'g', -1, 64)
		total += len(fields[i])
	}
	for _, c := range []struct {
		name  string
		parse func(string) (float64, error)
	}{{"ParseValue", ParseValue}, {"strconv", parseValueStrconv}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(total))
			for b.Loop() {
				for _, s := range fields {
					if _, err := c.parse(s); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(fields)), "ns/value")
		})
	}
}

// TestEightDigits: every byte value in every lane, the others digits, is
// taken exactly when it is a digit, with the value of the eight.
func TestEightDigits(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for lane := range 8 {
		for c := range 256 {
			b := []byte(strconv.FormatUint(10_000_000+rng.Uint64N(90_000_000), 10))
			b[lane] = byte(c)
			v, ok := eightDigits(string(b))
			isDigit := '0' <= c && c <= '9'
			if ok != isDigit {
				t.Fatalf("%q: ok %v, want %v", b, ok, isDigit)
			}
			if want, _ := strconv.ParseUint(string(b), 10, 64); ok && v != want {
				t.Fatalf("%q: got %d, want %d", b, v, want)
			}
		}
	}
	for _, s := range []string{"00000000", "99999999", "00000001", "10000000", "12345678"} {
		want, _ := strconv.ParseUint(s, 10, 64)
		if v, ok := eightDigits(s); !ok || v != want {
			t.Errorf("%q: got %d, %v; want %d", s, v, ok, want)
		}
	}
}
