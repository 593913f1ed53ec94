package mixture

import (
	"errors"
	"fmt"
	"math"
)

// Mixture is a Gaussian mixture over R^D:
//
//	p(y) = Σ_k π_k N(y; μ_k, Σ_k),  Σ_k = L_k L_kᵀ
//
// The zero value is not usable; build one with New, NewDiagonal or a
// literal followed by Validate.
type Mixture struct {
	K, D       int
	LogWeights []float64 // len K: log π_k; logsumexp is 0 (normalized)
	Means      []float64 // len K*D: μ_k[j] = Means[k*D+j]
	// Chol, len K*D*D: lower-triangular Cholesky factor L_k of Σ_k, row-major,
	// L_k[i][j] = Chol[k*D*D+i*D+j], zero above the diagonal, positive diagonal.
	Chol []float64
}

// stackD is the largest dimension for which the hot paths (LogProb, Cov)
// keep their scratch vectors in fixed arrays on the stack.
const stackD = 8

// normTol is how far from 0 Validate lets logsumexp_k log π_k be.
const normTol = 1e-9

// halfLog2Pi is ½ log(2π).
const halfLog2Pi = 0.918938533204672741780329736405617639861397473637783412817151540

// ErrNotUnivariate is wrapped by the errors of methods that need D = 1.
var ErrNotUnivariate = errors.New("mixture is not 1-D")

// New returns a Mixture with K = k components over R^d built from copies of
// logWeights (len k), means (len k*d) and chol (len k*d*d, the row-major
// lower-triangular Cholesky factors L_k, see Mixture). The log weights may
// be unnormalized; New subtracts their logsumexp, so that
//
//	log π_k = logWeights[k] − logsumexp_l logWeights[l].
//
// A log weight of −Inf is a component of weight 0; not all may be −Inf.
// New returns an error if a length does not match, a value is NaN or
// infinite (other than a −Inf log weight), a diagonal entry of some L_k is
// not positive or an entry above the diagonal is not 0.
func New(logWeights, means, chol []float64, k, d int) (*Mixture, error) {
	if err := checkShape(k, d, len(logWeights), len(means), len(chol)); err != nil {
		return nil, fmt.Errorf("mixture: new: %w", err)
	}
	m := &Mixture{
		K:          k,
		D:          d,
		LogWeights: append([]float64(nil), logWeights...),
		Means:      append([]float64(nil), means...),
		Chol:       append([]float64(nil), chol...),
	}
	if err := m.checkLogWeights(); err != nil {
		return nil, fmt.Errorf("mixture: new: %w", err)
	}
	normalize(m.LogWeights)
	if err := m.checkMeansChol(); err != nil {
		return nil, fmt.Errorf("mixture: new: %w", err)
	}
	return m, nil
}

// NewDiagonal returns a Mixture with diagonal covariances
//
//	Σ_k = diag(σ_k1², …, σ_kd²),  σ_kj = sigmas[k*d+j] > 0,
//
// that is L_k = diag(σ_k). logWeights and means are as in New.
func NewDiagonal(logWeights, means, sigmas []float64, k, d int) (*Mixture, error) {
	if err := checkShape(k, d, len(logWeights), len(means), -1); err != nil {
		return nil, fmt.Errorf("mixture: new diagonal: %w", err)
	}
	if len(sigmas) != k*d {
		return nil, fmt.Errorf("mixture: new diagonal: len(sigmas) = %d, want K*D = %d", len(sigmas), k*d)
	}
	for i, s := range sigmas {
		if !(s > 0) || math.IsInf(s, 1) {
			return nil, fmt.Errorf("mixture: new diagonal: sigmas[%d] (component %d, dimension %d): must be finite and > 0, got %v",
				i, i/d, i%d, s)
		}
	}
	chol := make([]float64, k*d*d)
	for c := 0; c < k; c++ {
		for j := 0; j < d; j++ {
			chol[c*d*d+j*d+j] = sigmas[c*d+j]
		}
	}
	m, err := New(logWeights, means, chol, k, d)
	if err != nil {
		return nil, fmt.Errorf("mixture: new diagonal: %w", err)
	}
	return m, nil
}

// Validate reports whether m satisfies the invariants documented on
// Mixture: consistent lengths, log weights that are not NaN or +Inf, not
// all −Inf and normalized (|logsumexp| ≤ 1e-9), finite means, and finite
// lower-triangular Cholesky factors with a positive diagonal. Use it on a
// Mixture built as a literal over existing slices.
func (m *Mixture) Validate() error {
	if err := checkShape(m.K, m.D, len(m.LogWeights), len(m.Means), len(m.Chol)); err != nil {
		return fmt.Errorf("mixture: %w", err)
	}
	if err := m.checkLogWeights(); err != nil {
		return fmt.Errorf("mixture: %w", err)
	}
	if lse := logSumExp(m.LogWeights); math.Abs(lse) > normTol {
		return fmt.Errorf("mixture: LogWeights: must be normalized (logsumexp 0), got logsumexp %v", lse)
	}
	if err := m.checkMeansChol(); err != nil {
		return fmt.Errorf("mixture: %w", err)
	}
	return nil
}

// checkShape checks k, d and the slice lengths; a negative nChol is not checked.
func checkShape(k, d, nW, nMu, nChol int) error {
	if k < 1 {
		return fmt.Errorf("K: must be >= 1, got %d", k)
	}
	if d < 1 {
		return fmt.Errorf("D: must be >= 1, got %d", d)
	}
	// Guard k*d*d against overflow before comparing lengths with it.
	if d > 1<<20 || k > math.MaxInt/(d*d) {
		return fmt.Errorf("K*D*D: too large (K = %d, D = %d)", k, d)
	}
	if nW != k {
		return fmt.Errorf("len(LogWeights) = %d, want K = %d", nW, k)
	}
	if nMu != k*d {
		return fmt.Errorf("len(Means) = %d, want K*D = %d", nMu, k*d)
	}
	if nChol >= 0 && nChol != k*d*d {
		return fmt.Errorf("len(Chol) = %d, want K*D*D = %d", nChol, k*d*d)
	}
	return nil
}

func (m *Mixture) checkLogWeights() error {
	finite := false
	for k, lw := range m.LogWeights {
		if math.IsNaN(lw) || math.IsInf(lw, 1) {
			return fmt.Errorf("LogWeights[%d]: must be finite or -Inf, got %v", k, lw)
		}
		if !math.IsInf(lw, -1) {
			finite = true
		}
	}
	if !finite {
		return errors.New("LogWeights: all are -Inf, want at least one finite")
	}
	return nil
}

func (m *Mixture) checkMeansChol() error {
	for i, v := range m.Means {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("Means[%d] (component %d, dimension %d): must be finite, got %v", i, i/m.D, i%m.D, v)
		}
	}
	d := m.D
	for k := 0; k < m.K; k++ {
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				v := m.Chol[k*d*d+i*d+j]
				switch {
				case math.IsNaN(v) || math.IsInf(v, 0):
					return fmt.Errorf("Chol (component %d, row %d, column %d): must be finite, got %v", k, i, j, v)
				case j > i && v != 0:
					return fmt.Errorf("Chol (component %d, row %d, column %d): must be 0 above the diagonal, got %v", k, i, j, v)
				case j == i && !(v > 0):
					return fmt.Errorf("Chol (component %d, row %d, column %d): diagonal must be > 0, got %v", k, i, j, v)
				}
			}
		}
	}
	return nil
}

// logSumExp returns log Σ exp(s_i), max-subtracted so that it neither
// overflows nor underflows; −Inf entries contribute 0.
func logSumExp(s []float64) float64 {
	max := math.Inf(-1)
	for _, v := range s {
		if v > max {
			max = v
		}
	}
	if math.IsInf(max, 0) {
		return max
	}
	var sum float64
	for _, v := range s {
		sum += math.Exp(v - max)
	}
	return max + math.Log(sum)
}

// normalize subtracts logsumexp from s in place. s must have a finite
// entry. It subtracts the max first and then the (small) log of the sum,
// so that large log weights such as 1000 keep full precision relative to
// each other.
func normalize(s []float64) {
	max := math.Inf(-1)
	for _, v := range s {
		max = math.Max(max, v)
	}
	for i := range s {
		s[i] -= max
	}
	lse := logSumExp(s)
	for i := range s {
		s[i] -= lse
	}
}

// sized returns dst, allocating it if nil; a non-nil dst of the wrong
// length is a caller bug.
func sized(dst []float64, n int, method string) []float64 {
	if dst == nil {
		return make([]float64, n)
	}
	if len(dst) != n {
		panic(fmt.Sprintf("mixture: %s: len(dst) = %d, want %d", method, len(dst), n))
	}
	return dst
}

// mean returns μ_k as a subslice of m.Means.
func (m *Mixture) mean(k int) []float64 { return m.Means[k*m.D : (k+1)*m.D] }

// chol returns L_k as a subslice of m.Chol.
func (m *Mixture) chol(k int) []float64 { return m.Chol[k*m.D*m.D : (k+1)*m.D*m.D] }

// Weights returns the mixture weights π_k = exp(LogWeights[k]) in dst
// (len K, allocated if nil).
func (m *Mixture) Weights(dst []float64) []float64 {
	dst = sized(dst, m.K, "weights")
	for k, lw := range m.LogWeights {
		dst[k] = math.Exp(lw)
	}
	return dst
}

// Sigma returns the covariance of component k,
//
//	Σ_k[i][j] = Σ_{l ≤ min(i,j)} L_k[i][l] L_k[j][l],
//
// row-major in dst (len D*D, allocated if nil).
func (m *Mixture) Sigma(k int, dst []float64) []float64 {
	d := m.D
	dst = sized(dst, d*d, "sigma")
	l := m.chol(k)
	for i := 0; i < d; i++ {
		for j := 0; j <= i; j++ {
			var s float64
			for c := 0; c <= j; c++ {
				s += l[i*d+c] * l[j*d+c]
			}
			dst[i*d+j] = s
			dst[j*d+i] = s
		}
	}
	return dst
}

// Mean returns the mean of the mixture,
//
//	E[y] = Σ_k π_k μ_k,
//
// in dst (len D, allocated if nil).
func (m *Mixture) Mean(dst []float64) []float64 {
	dst = sized(dst, m.D, "mean")
	for j := range dst {
		dst[j] = 0
	}
	for k, lw := range m.LogWeights {
		w := math.Exp(lw)
		if w == 0 {
			continue
		}
		for j, v := range m.mean(k) {
			dst[j] += w * v
		}
	}
	return dst
}

// Cov returns the covariance of the mixture,
//
//	Cov[y] = Σ_k π_k (Σ_k + μ_k μ_kᵀ) − E[y] E[y]ᵀ
//	       = Σ_k π_k (Σ_k + (μ_k − E[y])(μ_k − E[y])ᵀ),
//
// row-major in dst (len D*D, allocated if nil). It evaluates the second,
// centred form, which equals the first but does not lose precision when
// the means are large compared with the spread.
func (m *Mixture) Cov(dst []float64) []float64 {
	d := m.D
	dst = sized(dst, d*d, "cov")
	var buf [stackD]float64
	var mu []float64
	if d <= stackD {
		mu = buf[:d]
	} else {
		mu = make([]float64, d)
	}
	m.Mean(mu)
	for i := range dst {
		dst[i] = 0
	}
	for k, lw := range m.LogWeights {
		w := math.Exp(lw)
		if w == 0 {
			continue
		}
		l, muk := m.chol(k), m.mean(k)
		for i := 0; i < d; i++ {
			di := muk[i] - mu[i]
			for j := 0; j <= i; j++ {
				var s float64
				for c := 0; c <= j; c++ {
					s += l[i*d+c] * l[j*d+c]
				}
				dst[i*d+j] += w * (s + di*(muk[j]-mu[j]))
			}
		}
	}
	for i := 0; i < d; i++ {
		for j := 0; j < i; j++ {
			dst[j*d+i] = dst[i*d+j]
		}
	}
	return dst
}

// Marginal returns the D = 1 mixture of output dimension j,
//
//	p(y_j) = Σ_k π_k N(y_j; μ_kj, σ_kj²),  σ_kj = sqrt(Σ_k[j][j]) = ‖row j of L_k‖,
//
// with the same weights. It panics if j is not in [0, D).
func (m *Mixture) Marginal(j int) *Mixture {
	if j < 0 || j >= m.D {
		panic(fmt.Sprintf("mixture: marginal: dimension %d out of range [0, %d)", j, m.D))
	}
	d := m.D
	out := &Mixture{
		K:          m.K,
		D:          1,
		LogWeights: append([]float64(nil), m.LogWeights...),
		Means:      make([]float64, m.K),
		Chol:       make([]float64, m.K),
	}
	for k := 0; k < m.K; k++ {
		out.Means[k] = m.Means[k*d+j]
		var s float64 // ‖row j of L_k‖ without overflow, by repeated hypot
		for _, v := range m.chol(k)[j*d : j*d+j+1] {
			s = math.Hypot(s, v)
		}
		out.Chol[k] = s
	}
	return out
}

// CheckTemperature returns an error unless t is a valid temperature for
// WithTemperature: finite and > 0.
func CheckTemperature(t float64) error {
	if !(t > 0) || math.IsInf(t, 1) {
		return fmt.Errorf("mixture: temperature: must be finite and > 0, got %v", t)
	}
	return nil
}

// WithTemperature returns a copy of m sampled "at temperature t", as the
// keras-mdn-layer sampler does: the weights become a softmax of the log
// weights divided by t and every covariance is scaled by t,
//
//	log π'_k = log π_k / t − logsumexp_l(log π_l / t),
//	L'_k = sqrt(t) L_k   (so Σ'_k = t Σ_k),
//
// with the means unchanged. t = 1 returns an equal copy; t → 0 puts all
// weight on the heaviest component(s) and shrinks them towards their
// means (greedy prediction); t > 1 flattens the weights and widens the
// components. It panics if CheckTemperature(t) fails; check user input
// with CheckTemperature first.
func (m *Mixture) WithTemperature(t float64) *Mixture {
	if err := CheckTemperature(t); err != nil {
		panic(err)
	}
	out := &Mixture{
		K:          m.K,
		D:          m.D,
		LogWeights: make([]float64, m.K),
		Means:      append([]float64(nil), m.Means...),
		Chol:       make([]float64, len(m.Chol)),
	}
	// Subtract the max before dividing (softmax is shift invariant), so that
	// a tiny t sends only the non-maximal weights to −Inf.
	max := math.Inf(-1)
	for _, lw := range m.LogWeights {
		max = math.Max(max, lw)
	}
	for k, lw := range m.LogWeights {
		out.LogWeights[k] = (lw - max) / t
	}
	normalize(out.LogWeights)
	s := math.Sqrt(t)
	for i, v := range m.Chol {
		out.Chol[i] = s * v
	}
	return out
}
