package data

import (
	"fmt"
	"math"
)

// Scaler is a per-column z-score standardization of covariates and
// responses:
//
//	x'_j = (x_j - XMean[j]) / XStd[j]
//	y'_k = (y_k - YMean[k]) / YStd[k]
//
// It is fitted on the training rows only (FitScaler) and stored with the
// model, so that held-out and new data are transformed the same way.
type Scaler struct {
	XMean []float64 `json:"x_mean"`
	XStd  []float64 `json:"x_std"`
	YMean []float64 `json:"y_mean"`
	YStd  []float64 `json:"y_std"`
}

// FitScaler returns the means and population standard deviations (ddof 0)
// of d's columns:
//
//	mean_j = (1/N) Σ_i v_ij
//	std_j  = sqrt( (1/N) Σ_i (v_ij - mean_j)² )
//
// computed in two passes for accuracy. A column whose std is 0 (all values
// equal, or N = 1) gets std 1, so the transform never divides by zero: such a
// column is only shifted to 0. An empty dataset (N = 0) gives the identity
// scaler.
func FitScaler(d *Dataset) Scaler {
	s := IdentityScaler(d.XDim, d.YDim)
	if d.N == 0 {
		return s
	}
	fitColumns(d.N, d.XDim, func(i int) []float64 { return d.X[i*d.XDim : (i+1)*d.XDim] }, s.XMean, s.XStd)
	fitColumns(d.N, d.YDim, func(i int) []float64 { return d.Y[i*d.YDim : (i+1)*d.YDim] }, s.YMean, s.YStd)
	return s
}

// FitScalerRows is FitScaler over n rows given by row(i) (covariates x and
// responses y of row i, of xdim and ydim values): the same sums in the same
// order, so that a table held once in memory can give the scaler of any
// subset of its rows without a copy.
func FitScalerRows(n, xdim, ydim int, row func(i int) (x, y []float64)) Scaler {
	s := IdentityScaler(xdim, ydim)
	if n == 0 {
		return s
	}
	fitColumns(n, xdim, func(i int) []float64 { x, _ := row(i); return x }, s.XMean, s.XStd)
	fitColumns(n, ydim, func(i int) []float64 { _, y := row(i); return y }, s.YMean, s.YStd)
	return s
}

// fitColumns fills mean and std for the n rows of dim values that at gives.
// Each column's sums run over the rows in order (so the results are those of
// a loop over one column), all columns in one pass over the rows.
func fitColumns(n, dim int, at func(i int) []float64, mean, std []float64) {
	if dim == 0 {
		return
	}
	sum := make([]float64, dim)
	for i := range n {
		for j, x := range at(i)[:dim] {
			sum[j] += x
		}
	}
	for j := range dim {
		mean[j] = sum[j] / float64(n)
		sum[j] = 0
	}
	for i := range n {
		for j, x := range at(i)[:dim] {
			dv := x - mean[j]
			sum[j] += dv * dv
		}
	}
	for j := range dim {
		sd := math.Sqrt(sum[j] / float64(n))
		if !(sd > 0) {
			sd = 1
		}
		std[j] = sd
	}
}

// IdentityScaler returns the scaler with all means 0 and all stds 1, which
// leaves data unchanged.
func IdentityScaler(xdim, ydim int) Scaler {
	s := Scaler{
		XMean: make([]float64, xdim),
		XStd:  make([]float64, xdim),
		YMean: make([]float64, ydim),
		YStd:  make([]float64, ydim),
	}
	for j := range s.XStd {
		s.XStd[j] = 1
	}
	for k := range s.YStd {
		s.YStd[k] = 1
	}
	return s
}

// Validate checks that s fits data with xdim covariates and ydim responses
// (the ydim 0 of an input-only file always fits), and that every mean is
// finite and every std finite and positive. Call it on a scaler loaded from a
// file before Apply, which panics on a mismatch.
func (s Scaler) Validate(xdim, ydim int) error {
	if len(s.XMean) != xdim || len(s.XStd) != xdim {
		return fmt.Errorf("data: scaler: has %d x means and %d x stds, want %d", len(s.XMean), len(s.XStd), xdim)
	}
	if len(s.YMean) != len(s.YStd) || (ydim != 0 && len(s.YMean) != ydim) {
		return fmt.Errorf("data: scaler: has %d y means and %d y stds, want %d", len(s.YMean), len(s.YStd), ydim)
	}
	for _, c := range []struct {
		name string
		v    []float64
		std  bool
	}{{"x_mean", s.XMean, false}, {"x_std", s.XStd, true}, {"y_mean", s.YMean, false}, {"y_std", s.YStd, true}} {
		for j, v := range c.v {
			switch {
			case math.IsNaN(v) || math.IsInf(v, 0):
				return fmt.Errorf("data: scaler: %s[%d]: must be finite, got %v", c.name, j, v)
			case c.std && v <= 0:
				return fmt.Errorf("data: scaler: %s[%d]: must be > 0, got %v", c.name, j, v)
			}
		}
	}
	return nil
}

// Apply returns a standardized copy of d (rows, names, Path and Lines kept).
// A dataset without responses (YDim 0) may be given to a scaler fitted with
// them. Apply panics if the dimensions do not match (see Validate).
func (s Scaler) Apply(d *Dataset) *Dataset {
	if len(s.XMean) != d.XDim || (d.YDim != 0 && len(s.YMean) != d.YDim) {
		panic(fmt.Sprintf("data: scaler for %d×%d applied to dataset %d×%d", len(s.XMean), len(s.YMean), d.XDim, d.YDim))
	}
	all := make([]int, d.N)
	for i := range all {
		all[i] = i
	}
	out := d.Subset(all)
	for i := range out.N {
		x, y := out.Row(i)
		s.TransformX(x, x)
		if d.YDim != 0 {
			s.TransformY(y, y)
		}
	}
	return out
}

// LogJacobian returns Σ_k log YStd[k]. A density of standardized responses
// y' = (y - YMean)/YStd relates to the density in original units by
//
//	log p(y|x) = log p'(y'|x) - Σ_k log YStd[k]
//
// so a negative log-likelihood per row computed on standardized y becomes the
// NLL in original units by adding LogJacobian.
func (s Scaler) LogJacobian() float64 {
	var sum float64
	for _, sd := range s.YStd {
		sum += math.Log(sd)
	}
	return sum
}

// TransformX standardizes one row of covariates, x'_j = (x_j - XMean[j]) /
// XStd[j], into dst (allocated if its capacity is short; dst may be x) and
// returns it. It panics if len(x) != len(XMean).
func (s Scaler) TransformX(x, dst []float64) []float64 {
	return transform(x, dst, s.XMean, s.XStd)
}

// TransformY standardizes one row of responses, y'_k = (y_k - YMean[k]) /
// YStd[k], into dst (allocated if its capacity is short; dst may be y).
// It panics if len(y) != len(YMean).
func (s Scaler) TransformY(y, dst []float64) []float64 {
	return transform(y, dst, s.YMean, s.YStd)
}

// InverseY maps one row of standardized responses back to original units,
// y_k = y'_k·YStd[k] + YMean[k], into dst (allocated if its capacity is
// short; dst may be y). It panics if len(y) != len(YMean).
func (s Scaler) InverseY(y, dst []float64) []float64 {
	if len(y) != len(s.YMean) {
		panic(fmt.Sprintf("data: scaler: row of %d for %d columns", len(y), len(s.YMean)))
	}
	dst = grow(dst, len(y))
	for k, v := range y {
		dst[k] = v*s.YStd[k] + s.YMean[k]
	}
	return dst
}

func transform(v, dst, mean, std []float64) []float64 {
	if len(v) != len(mean) {
		panic(fmt.Sprintf("data: scaler: row of %d for %d columns", len(v), len(mean)))
	}
	dst = grow(dst, len(v))
	for j, x := range v {
		dst[j] = (x - mean[j]) / std[j]
	}
	return dst
}

// grow returns dst resliced to n, or a new slice if its capacity is short.
func grow(dst []float64, n int) []float64 {
	if cap(dst) < n {
		return make([]float64, n)
	}
	return dst[:n]
}
