package plot

import (
	"fmt"
	"math"
)

// Range is a closed interval [Min, Max] of data coordinates.
type Range struct{ Min, Max float64 }

// rangePad is the fraction of the data span added on each side of a range
// computed from the data.
const rangePad = 0.02

// validate reports an error unless Min and Max are finite and Min < Max.
func (r Range) validate(name string) error {
	if math.IsNaN(r.Min) || math.IsNaN(r.Max) || math.IsInf(r.Min, 0) || math.IsInf(r.Max, 0) {
		return fmt.Errorf("%s: must be finite, got [%v, %v]", name, r.Min, r.Max)
	}
	if !(r.Min < r.Max) {
		return fmt.Errorf("%s: min must be < max, got [%v, %v]", name, r.Min, r.Max)
	}
	if math.IsInf(r.Max-r.Min, 0) {
		// gonum/plot's tick search never ends on an infinite span.
		return fmt.Errorf("%s: max − min must be finite (below %g), got [%v, %v]", name, math.MaxFloat64, r.Min, r.Max)
	}
	return nil
}

// width returns Max − Min.
func (r Range) width() float64 { return r.Max - r.Min }

// contains reports whether v lies in [Min, Max].
func (r Range) contains(v float64) bool { return v >= r.Min && v <= r.Max }

// dataRange returns the range of the finite values of all slices padded by
// 2% of its span on each side, or v ± max(0.5, 2% of |v|) when every value
// equals v (unpadded when padding would make the span overflow).
// ok is false if there is no finite value.
func dataRange(vals ...[]float64) (r Range, ok bool) {
	r = Range{Min: math.Inf(1), Max: math.Inf(-1)}
	for _, vs := range vals {
		for _, v := range vs {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			r.Min = math.Min(r.Min, v)
			r.Max = math.Max(r.Max, v)
		}
	}
	if r.Min > r.Max {
		return Range{}, false
	}
	pad := rangePad * (r.Max - r.Min)
	if pad == 0 {
		pad = math.Max(0.5, rangePad*math.Abs(r.Min))
	}
	if p := (Range{Min: r.Min - pad, Max: r.Max + pad}); !math.IsInf(p.Max-p.Min, 0) {
		return p, true
	}
	return r, true // padding would overflow; resolveRange checks the span
}

// resolveRange returns *given after validating it, or the padded range of
// the data when given is nil.
func resolveRange(name string, given *Range, vals ...[]float64) (Range, error) {
	if given != nil {
		if err := given.validate(name); err != nil {
			return Range{}, err
		}
		return *given, nil
	}
	r, ok := dataRange(vals...)
	if !ok {
		return Range{}, fmt.Errorf("%s: no finite data to take the range from", name)
	}
	if err := r.validate(name + " of the data"); err != nil {
		return Range{}, err
	}
	return r, nil
}

// checkPoints reports an error unless xs and ys have the same length and
// every value is finite. what names the data in messages ("observed").
// If needPoints is true an empty pair is an error too.
func checkPoints(what string, xs, ys []float64, needPoints bool) error {
	if len(xs) != len(ys) {
		return fmt.Errorf("%s: x and y lengths differ: %d != %d", what, len(xs), len(ys))
	}
	if needPoints && len(xs) == 0 {
		return fmt.Errorf("%s: no points", what)
	}
	if err := checkFinite(what+" x", xs); err != nil {
		return err
	}
	return checkFinite(what+" y", ys)
}

// checkFinite reports the first non-finite value of vs.
func checkFinite(what string, vs []float64) error {
	for i, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s[%d]: not finite: %v", what, i, v)
		}
	}
	return nil
}
