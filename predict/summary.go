package predict

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/mdn-go/mdn/conformal"
	"github.com/mdn-go/mdn/mixture"
)

// Kind names a per-row summary of a predictive mixture (mdn predict --what).
type Kind string

const (
	// KindParams is the mixture itself: per component the weight π_k, the mean
	// μ_k and either σ_k (the square roots of diag Σ_k) or, for full
	// covariances, Σ_k.
	KindParams Kind = "params"
	// KindMean is the mixture mean E[y] = Σ_k π_k μ_k.
	KindMean Kind = "mean"
	// KindVar is the mixture covariance
	// Σ_k π_k (Σ_k + (μ_k − E[y])(μ_k − E[y])ᵀ) and its diagonal.
	KindVar Kind = "var"
	// KindModes are the local maxima of p(y|x) that mixture.Modes finds.
	KindModes Kind = "mode"
	// KindQuantiles are F_j⁻¹(q) of each response's marginal for each q.
	KindQuantiles Kind = "quantiles"
	// KindInterval is the central interval of a level of each marginal
	// (see Interval), or with a Calibration the calibrated interval: the
	// central interval of mass q̂ (conformal.Interval).
	KindInterval Kind = "interval"
	// KindRegion is the highest-density region {y : log p(y) ≥ t} of a
	// level: with a Calibration t is the calibrated threshold
	// (conformal.Calibration.RegionThreshold); without one, for one
	// response, the model's own region of mass Level
	// (conformal.HPDThreshold). For one response the region is also
	// given as disjoint intervals (conformal.LevelSet).
	KindRegion Kind = "region"
	// KindLogPDF is log p(y|x) of a candidate response y and, with a
	// Calibration, whether y is in the calibrated region of Level (mdn
	// predict --what logpdf). It is not in Kinds and Summarize does not
	// compute it: it needs the response, which LogPDF takes.
	KindLogPDF Kind = "logpdf"
)

// Kinds lists the summaries in the order of mdn predict --help.
var Kinds = []Kind{KindParams, KindMean, KindVar, KindModes, KindQuantiles, KindInterval, KindRegion}

// Validate reports whether k is one of Kinds.
func (k Kind) Validate() error {
	if slices.Contains(Kinds, k) {
		return nil
	}
	names := make([]string, len(Kinds))
	for i, v := range Kinds {
		names[i] = string(v)
	}
	return fmt.Errorf("must be one of %s, got %q", strings.Join(names, ", "), string(k))
}

// Component is one mixture component of a Params summary, in the original
// units of y.
type Component struct {
	Weight float64   // π_k
	Mean   []float64 // μ_k, len D
	// Sigma is sqrt(Σ_k[j][j]) per response (nil when Cov is set).
	Sigma []float64
	// Cov is Σ_k, D×D row-major, for full covariances (nil otherwise).
	Cov []float64
}

// Summary is one row's summary of the Kind a Summarizer computes; only
// that kind's fields are set. Slices are reused by the next Summarize into
// the same Summary.
type Summary struct {
	Components []Component    // Params
	Mean       []float64      // Mean: E[y], len D
	Var        []float64      // Var: diag Cov, len D
	Cov        []float64      // Var: the D×D mixture covariance, row-major
	Modes      []mixture.Mode // Modes, highest density first
	Quantiles  [][]float64    // Quantiles: [i][j] = F_j⁻¹(Q[i])
	Lower      []float64      // Interval: F_j⁻¹((1 − Level)/2)
	Upper      []float64      // Interval: F_j⁻¹((1 + Level)/2)
	Region     [][2]float64   // Region, one response: the disjoint intervals
	Threshold  float64        // Region, LogPDF (calibrated): the log-density threshold t
	Y          []float64      // LogPDF: the candidate response, len D
	LogDensity float64        // LogPDF: log p(y|x)
	InRegion   bool           // LogPDF (calibrated): LogDensity ≥ Threshold
}

// Summarizer computes one Kind of Summary per row.
type Summarizer struct {
	Kind Kind
	// Full reports Σ_k in Params (for a model with full covariances);
	// otherwise σ_k per response.
	Full bool
	// Q are the probabilities of Quantiles, each in (0, 1).
	Q []float64
	// Level is the level of Interval and Region, in (0, 1).
	Level float64
	// ModeOptions configures Modes.
	ModeOptions mixture.ModeOptions
	// Calibration, when not nil, calibrates Interval and Region (mdn
	// calibrate); Level must then be a level its rows allow.
	Calibration *conformal.Calibration
}

// Validate reports a Kind that is not known, a probability of Q not in
// (0, 1) (Quantiles), or a Level not in (0, 1) (Interval).
func (s *Summarizer) Validate() error {
	if err := s.Kind.Validate(); err != nil {
		return fmt.Errorf("predict: summary: %w", err)
	}
	switch s.Kind {
	case KindQuantiles:
		if len(s.Q) == 0 {
			return fmt.Errorf("predict: summary: quantiles need at least one probability")
		}
		for _, p := range s.Q {
			if !(p > 0 && p < 1) {
				return fmt.Errorf("predict: summary: probability %v is not in (0, 1)", p)
			}
		}
	case KindInterval, KindRegion:
		if err := CheckLevel(s.Level); err != nil {
			return fmt.Errorf("predict: summary: %w", err)
		}
		if s.Calibration != nil {
			if _, err := s.Calibration.IntervalQuantile(s.Level); err != nil {
				return fmt.Errorf("predict: summary: %w", err)
			}
		}
	}
	return nil
}

// Summarize writes the summary of m into dst, reusing dst's slices.
func (s *Summarizer) Summarize(m *mixture.Mixture, dst *Summary) error {
	d := m.D
	switch s.Kind {
	case KindParams:
		dst.Components = grow(dst.Components, m.K)
		for k := range m.K {
			c := &dst.Components[k]
			c.Weight = math.Exp(m.LogWeights[k])
			c.Mean = append(c.Mean[:0], m.Means[k*d:(k+1)*d]...)
			if s.Full {
				c.Sigma = nil
				c.Cov = m.Sigma(k, grow(c.Cov, d*d))
			} else {
				c.Cov = nil
				c.Sigma = grow(c.Sigma, d)
				for j := range d {
					c.Sigma[j] = m.Chol[k*d*d+j*d+j]
				}
			}
		}
	case KindMean:
		dst.Mean = m.Mean(grow(dst.Mean, d))
	case KindVar:
		dst.Cov = m.Cov(grow(dst.Cov, d*d))
		dst.Var = grow(dst.Var, d)
		for j := range d {
			dst.Var[j] = dst.Cov[j*d+j]
		}
	case KindModes:
		dst.Modes = m.Modes(s.ModeOptions)
	case KindQuantiles:
		ms := Marginals(m)
		dst.Quantiles = grow(dst.Quantiles, len(s.Q))
		for i, p := range s.Q {
			dst.Quantiles[i] = grow(dst.Quantiles[i], d)
			for j, mj := range ms {
				v, err := mj.Quantile(p)
				if err != nil {
					return err
				}
				dst.Quantiles[i][j] = v
			}
		}
	case KindInterval:
		dst.Lower, dst.Upper = grow(dst.Lower, d), grow(dst.Upper, d)
		if s.Calibration != nil {
			q, err := s.Calibration.IntervalQuantile(s.Level)
			if err != nil {
				return err
			}
			return conformal.Interval(m, q, dst.Lower, dst.Upper)
		}
		ms := Marginals(m)
		for j, mj := range ms {
			var err error
			if dst.Lower[j], dst.Upper[j], err = Interval(mj, s.Level); err != nil {
				return err
			}
		}
	case KindRegion:
		return s.region(m, dst)
	default:
		return s.Validate()
	}
	return nil
}

// LogPDF writes the LogPDF summary of a candidate response y whose log
// density is lp (LogDensities) into dst: y, lp and, with a Calibration,
// the calibrated threshold of Level and whether lp reaches it.
func (s *Summarizer) LogPDF(lp float64, y []float64, dst *Summary) error {
	dst.Y = append(dst.Y[:0], y...)
	dst.LogDensity, dst.Threshold, dst.InRegion = lp, 0, false
	if s.Calibration == nil {
		return nil
	}
	th, err := s.Calibration.RegionThreshold(s.Level)
	if err != nil {
		return err
	}
	dst.Threshold, dst.InRegion = th, lp >= th
	return nil
}

// Marginals returns the 1-D marginal of each response of m (m itself for
// D = 1).
func Marginals(m *mixture.Mixture) []*mixture.Mixture {
	if m.D == 1 {
		return []*mixture.Mixture{m}
	}
	out := make([]*mixture.Mixture, m.D)
	for j := range out {
		out[j] = m.Marginal(j)
	}
	return out
}

// grow returns s with length n, reusing its storage when it can.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// region computes the Region summary: the threshold, and for one response
// the intervals of the level set.
func (s *Summarizer) region(m *mixture.Mixture, dst *Summary) error {
	var err error
	switch {
	case s.Calibration != nil:
		dst.Threshold, err = s.Calibration.RegionThreshold(s.Level)
	case m.D == 1:
		dst.Threshold, err = conformal.HPDThreshold(m, s.Level)
	default:
		err = fmt.Errorf("the region of %d responses needs a calibrated model (mdn calibrate)", m.D)
	}
	if err != nil {
		return err
	}
	dst.Region = dst.Region[:0]
	if m.D == 1 {
		set, err := conformal.LevelSet(m, dst.Threshold)
		if err != nil {
			return err
		}
		dst.Region = append(dst.Region, set...)
	}
	return nil
}

// CheckFinite returns an error naming the first value of dst, as filled by
// Summarize, that is not finite (±Inf, NaN: a summary that overflows
// float64, such as the variance of a mixture whose means are 1e200 apart),
// by its CSV column of mdn predict (yNames are the response names), with
// the component or mode for Params and Modes:
//
//	var_y is +Inf (beyond the float64 range)
//	component 2: sigma_y is +Inf (beyond the float64 range)
//
// For Modes the density exp(log_density) is checked too. The ends of a
// calibrated interval and of a region may be ±Inf (unbounded; null in
// JSON), not NaN, and so may the log density of LogPDF. mdn predict
// refuses to write such a row rather than write text that reads as a
// number.
func (s *Summarizer) CheckFinite(dst *Summary, yNames []string) error {
	bad := func(name string, v float64) error {
		if math.IsNaN(v) {
			return fmt.Errorf("%s is NaN (not a number)", name)
		}
		return fmt.Errorf("%s is %v (beyond the float64 range)", name, v)
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	vec := func(prefix string, v []float64) error {
		for j, x := range v {
			if !finite(x) {
				return bad(prefix+yNames[j], x)
			}
		}
		return nil
	}
	// cov checks the entries (i, j) of the D×D matrix c with j < i, or
	// j ≤ i with diag.
	cov := func(c []float64, diag bool) error {
		d := len(yNames)
		for i := range d {
			for j := 0; j <= i; j++ {
				if (j < i || diag) && !finite(c[i*d+j]) {
					return bad("cov_"+yNames[i]+"_"+yNames[j], c[i*d+j])
				}
			}
		}
		return nil
	}
	switch s.Kind {
	case KindParams:
		for k, c := range dst.Components {
			err := vec("mean_", c.Mean)
			switch {
			case !finite(c.Weight):
				err = bad("weight", c.Weight)
			case err != nil:
			case c.Cov != nil:
				err = cov(c.Cov, true)
			default:
				err = vec("sigma_", c.Sigma)
			}
			if err != nil {
				return fmt.Errorf("component %d: %w", k, err)
			}
		}
	case KindMean:
		return vec("mean_", dst.Mean)
	case KindVar:
		if err := vec("var_", dst.Var); err != nil {
			return err
		}
		return cov(dst.Cov, false)
	case KindModes:
		for i, md := range dst.Modes {
			var err error
			switch {
			case !finite(md.LogDensity):
				err = bad("log_density", md.LogDensity)
			case !finite(math.Exp(md.LogDensity)):
				err = bad("density", math.Exp(md.LogDensity))
			case !finite(md.Mass):
				err = bad("mass", md.Mass)
			default:
				err = vec("", md.Y)
			}
			if err != nil {
				return fmt.Errorf("mode %d: %w", i, err)
			}
		}
	case KindQuantiles:
		for i, p := range s.Q {
			if err := vec("q"+strconv.FormatFloat(p, 'g', -1, 64)+"_", dst.Quantiles[i]); err != nil {
				return err
			}
		}
	case KindInterval:
		if s.Calibration != nil {
			// A calibrated interval of mass 1 is unbounded: ±Inf ends
			// are its answer (null in JSON), only NaN is refused.
			for j := range dst.Lower {
				if math.IsNaN(dst.Lower[j]) {
					return bad("lower_"+yNames[j], dst.Lower[j])
				}
				if math.IsNaN(dst.Upper[j]) {
					return bad("upper_"+yNames[j], dst.Upper[j])
				}
			}
			return nil
		}
		if err := vec("lower_", dst.Lower); err != nil {
			return err
		}
		return vec("upper_", dst.Upper)
	case KindLogPDF:
		// An underflowed density is −Inf (null in JSON).
		if math.IsNaN(dst.LogDensity) {
			return bad("log_density", dst.LogDensity)
		}
		return vec("", dst.Y)
	case KindRegion:
		// The region's ends may be ±Inf (an unbounded interval, null in
		// JSON); the threshold is finite.
		if !finite(dst.Threshold) {
			return bad("log_density_threshold", dst.Threshold)
		}
		for i, iv := range dst.Region {
			for e, end := range [2]string{"lower_", "upper_"} {
				if math.IsNaN(iv[e]) {
					return fmt.Errorf("interval %d: %w", i, bad(end+yNames[0], iv[e]))
				}
			}
		}
	}
	return nil
}
