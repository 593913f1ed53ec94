package mixture

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Mode is a local maximum of a mixture density.
type Mode struct {
	// Y is the location of the mode, len D.
	Y []float64
	// LogDensity is log p(Y).
	LogDensity float64
	// Mass is the total weight Σ π_k of the components whose mean, used
	// as a start of the fixed-point iteration, climbed to this mode (0 for
	// a mode of D ≥ 2 found only from the extra starts, see Modes). The
	// masses of the modes returned by one Modes call sum to 1. It is a
	// share of starts, not the probability of the mode's basin of
	// attraction.
	Mass float64
}

// ModeOptions configures Modes. The zero value gives the defaults; a
// value ≤ 0 also means the default. Lengths are in units of σ_min, the
// smallest marginal standard deviation sqrt(Σ_k[j][j]) over all
// components of positive weight and all dimensions j.
type ModeOptions struct {
	// MaxIter caps the fixed-point iterations from each start. Default 1000.
	MaxIter int
	// Tol stops the fixed-point iteration when a step is shorter than
	// Tol·σ_min. Default 1e-9.
	Tol float64
	// NewtonSteps caps the Newton steps that polish each converged point.
	// Default 10.
	NewtonSteps int
	// MergeTol merges points closer than MergeTol·σ_min into one mode.
	// Default 1e-4.
	MergeTol float64
}

func (o ModeOptions) withDefaults() ModeOptions {
	if o.MaxIter <= 0 {
		o.MaxIter = 1000
	}
	if !(o.Tol > 0) {
		o.Tol = 1e-9
	}
	if o.NewtonSteps <= 0 {
		o.NewtonSteps = 10
	}
	if !(o.MergeTol > 0) {
		o.MergeTol = 1e-4
	}
	return o
}

// Modes returns the modes of the mixture density, highest LogDensity
// first. From the mean of every component of positive weight it runs the
// fixed-point (mean-shift) iteration for Gaussian mixtures of
// Carreira-Perpiñán (2000, IEEE TPAMI 22(11)),
//
//	x ← (Σ_k r_k(x) Σ_k⁻¹)⁻¹ Σ_k r_k(x) Σ_k⁻¹ μ_k,
//	r_k(x) = π_k N(x; μ_k, Σ_k) / p(x),
//
// which increases p at every step and stops at a stationary point of p.
// The point is then polished by Newton steps on log p,
//
//	x ← x − H⁻¹ g,  g = Σ_k r_k v_k,  H = Σ_k r_k (v_k v_kᵀ − Σ_k⁻¹) − g gᵀ,
//	v_k = Σ_k⁻¹ (μ_k − x),
//
// taken only while H is negative definite and log p does not decrease.
// A stationary point where H has a positive eigenvalue is a saddle; the
// iteration is restarted from both sides of it along that eigenvector,
// each side inheriting half of the start's weight. Points closer than
// MergeTol·σ_min are one mode, as are two points that p does not dip
// between (sampled at 63 points of the segment joining them) when they
// are closer than 0.1·σ_min or one of them is not a strict maximum (H not
// negative definite). The second rule joins the ends of the slow
// (sublinear) approach to a flat, degenerate mode, such as that of
// 0.5 N(0,1) + 0.5 N(2,1) at 1, which is then located only to the
// accuracy MaxIter iterations reach (about 1e-3·σ by default).
//
// For D = 1 the segment from each mean to the point its climb reached is
// then checked for a decrease of p (see climb1), so that a step that jumps
// across a narrow basin does not give the mean's weight to the wrong mode.
// For D ≥ 2 the climb also starts, with no mass, from the points of
// extraStarts; a strict maximum reached from them that is not already a
// mode is returned with Mass 0. Modes returns the local maxima reached from
// these starts; for D ≥ 2 that is not proven to be every mode
// (docs/math.md, section 9).
//
// So 0.5 N(0,1) + 0.5 N(1,1) has one mode (at 0.5, mass 1) and
// 0.5 N(0,1) + 0.5 N(10,1) has two (mass 0.5 each).
func (m *Mixture) Modes(opts ModeOptions) []Mode {
	opts = opts.withDefaults()
	w := newModeWork(m)
	var found []foundPoint
	for k, lw := range m.LogWeights {
		pk := math.Exp(lw)
		if pk == 0 {
			continue
		}
		start := append([]float64(nil), m.mean(k)...)
		if m.D == 1 {
			found = w.climb1(start, pk, opts, found)
			continue
		}
		found = w.climb(start, pk, opts, 2, found)
	}
	if m.D >= 2 {
		// Starts that carry no mass, for the modes that no component mean
		// climbs to (a mixture in D ≥ 2 can have more modes than
		// components, e.g. at the centre of three equal components on a
		// triangle). Their points join a mode found from a mean, or become
		// a mode of mass 0 if they are a strict maximum.
		// An extra climb that comes near a strict maximum already found is
		// abandoned: it would merge into that mode.
		for _, f := range found {
			if f.strict {
				w.known = append(w.known, f.y)
			}
		}
		for _, x := range w.extraStarts() {
			for _, f := range w.climb(x, 0, opts, 2, nil) {
				if f.strict {
					found = append(found, f)
				}
			}
		}
	}

	// Merge, visiting strict maxima first so that they represent a mode.
	slices.SortStableFunc(found, func(a, b foundPoint) int {
		switch {
		case a.strict && !b.strict:
			return -1
		case !a.strict && b.strict:
			return 1
		}
		return 0
	})
	var modes []foundPoint
	for _, f := range found {
		merged := false
		for i := range modes {
			if w.same(f, modes[i], opts) {
				modes[i].mass += f.mass
				if f.logp > modes[i].logp && (f.strict || !modes[i].strict) {
					f.mass = modes[i].mass
					modes[i] = f
				}
				merged = true
				break
			}
		}
		if !merged {
			modes = append(modes, f)
		}
	}
	out := make([]Mode, len(modes))
	for i, f := range modes {
		out[i] = Mode{Y: f.y, LogDensity: f.logp, Mass: f.mass}
	}
	slices.SortStableFunc(out, func(a, b Mode) int {
		switch {
		case a.LogDensity > b.LogDensity:
			return -1
		case a.LogDensity < b.LogDensity:
			return 1
		}
		return 0
	})
	return out
}

// foundPoint is where one start ended.
type foundPoint struct {
	y      []float64
	logp   float64
	mass   float64
	strict bool // H negative definite at y
}

// modeWork holds the precisions of a mixture and scratch space for Modes.
type modeWork struct {
	m        *Mixture
	d        int
	sigmaMin float64
	prec     [][]float64 // Σ_k⁻¹, D*D row-major
	precMu   [][]float64 // Σ_k⁻¹ μ_k
	logTerm  []float64   // log π_k + log N(x; μ_k, Σ_k)
	z        []float64
	a, b     []float64 // D*D and D scratch
	g, v     []float64
	h        []float64
	x2       []float64
	// known are modes already found; a climb that comes within
	// knownTol·σ_min of one stops and reports nothing (extra starts only).
	known [][]float64
}

// knownTol is the distance, in units of σ_min, at which an extra start's
// climb is taken to have joined a known mode.
const knownTol = 1e-2

func newModeWork(m *Mixture) *modeWork {
	d := m.D
	w := &modeWork{
		m: m, d: d, sigmaMin: math.Inf(1),
		prec: make([][]float64, m.K), precMu: make([][]float64, m.K),
		logTerm: make([]float64, m.K), z: make([]float64, d),
		a: make([]float64, d*d), b: make([]float64, d),
		g: make([]float64, d), v: make([]float64, d), h: make([]float64, d*d),
		x2: make([]float64, d),
	}
	sig := make([]float64, d*d)
	for k := 0; k < m.K; k++ {
		if math.IsInf(m.LogWeights[k], -1) {
			continue
		}
		m.Sigma(k, sig)
		for j := 0; j < d; j++ {
			w.sigmaMin = math.Min(w.sigmaMin, math.Sqrt(sig[j*d+j]))
		}
		// Σ⁻¹ = L⁻ᵀ L⁻¹ with M = L⁻¹ lower triangular.
		l := m.chol(k)
		inv := make([]float64, d*d)
		for c := 0; c < d; c++ { // column c of M solves L x = e_c
			for i := c; i < d; i++ {
				var s float64
				if i == c {
					s = 1
				}
				for j := c; j < i; j++ {
					s -= l[i*d+j] * inv[j*d+c]
				}
				inv[i*d+c] = s / l[i*d+i]
			}
		}
		p := make([]float64, d*d)
		for i := 0; i < d; i++ {
			for j := 0; j <= i; j++ {
				var s float64
				for r := i; r < d; r++ {
					s += inv[r*d+i] * inv[r*d+j]
				}
				p[i*d+j], p[j*d+i] = s, s
			}
		}
		pm := make([]float64, d)
		mu := m.mean(k)
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				pm[i] += p[i*d+j] * mu[j]
			}
		}
		w.prec[k], w.precMu[k] = p, pm
	}
	return w
}

// logp fills w.logTerm at x and returns log p(x).
func (w *modeWork) logp(x []float64) float64 {
	for k, lw := range w.m.LogWeights {
		if math.IsInf(lw, -1) {
			w.logTerm[k] = lw
			continue
		}
		w.logTerm[k] = lw + w.m.logNormal(k, x, w.z)
	}
	return logSumExp(w.logTerm)
}

// shift does one fixed-point step from x into x (in place) and reports
// whether the linear system was solvable.
func (w *modeWork) shift(x []float64) bool {
	lp := w.logp(x)
	clear(w.a)
	clear(w.b)
	for k, lt := range w.logTerm {
		r := math.Exp(lt - lp)
		if r == 0 {
			continue
		}
		for i, v := range w.prec[k] {
			w.a[i] += r * v
		}
		for i, v := range w.precMu[k] {
			w.b[i] += r * v
		}
	}
	if !cholSolve(w.a, w.b, w.d) {
		return false
	}
	copy(x, w.b)
	return true
}

// gradHess fills w.g and w.h with the gradient and Hessian of log p at x
// and returns log p(x).
func (w *modeWork) gradHess(x []float64) float64 {
	d := w.d
	lp := w.logp(x)
	clear(w.g)
	clear(w.h)
	for k, lt := range w.logTerm {
		r := math.Exp(lt - lp)
		if r == 0 {
			continue
		}
		p, mu := w.prec[k], w.m.mean(k)
		for i := 0; i < d; i++ { // v = Σ⁻¹ (μ − x)
			var s float64
			for j := 0; j < d; j++ {
				s += p[i*d+j] * (mu[j] - x[j])
			}
			w.v[i] = s
		}
		for i := 0; i < d; i++ {
			w.g[i] += r * w.v[i]
			for j := 0; j < d; j++ {
				w.h[i*d+j] += r * (w.v[i]*w.v[j] - p[i*d+j])
			}
		}
	}
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			w.h[i*d+j] -= w.g[i] * w.g[j]
		}
	}
	return lp
}

// climb runs the fixed-point iteration and Newton polish from x, appends
// the points reached to found and returns it. At a saddle it restarts from
// both sides, up to depth more times.
func (w *modeWork) climb(x []float64, mass float64, opts ModeOptions, depth int, found []foundPoint) []foundPoint {
	d := w.d
	step := opts.Tol * w.sigmaMin
	for range opts.MaxIter {
		copy(w.x2, x)
		if !w.shift(w.x2) || !finite(w.x2) {
			break // singular, or Σ⁻¹ overflowed (σ below about 1e-154)
		}
		dist := distance(x, w.x2)
		copy(x, w.x2)
		if dist <= step {
			break
		}
		for _, k := range w.known {
			if distance(x, k) <= knownTol*w.sigmaMin {
				return found
			}
		}
	}

	lp := w.gradHess(x)
	for range opts.NewtonSteps {
		// Newton step s solves (−H) s = g.
		for i := range w.h {
			w.a[i] = -w.h[i]
		}
		copy(w.b, w.g)
		if !cholSolve(w.a, w.b, d) {
			break
		}
		for i := range x {
			w.x2[i] = x[i] + w.b[i]
		}
		lp2 := w.logp(w.x2)
		if !(lp2 >= lp) || distance(x, w.x2) <= 1e-15*w.sigmaMin {
			break
		}
		copy(x, w.x2)
		lp = w.gradHess(x)
	}
	lp = w.gradHess(x)
	for i := range w.h {
		w.a[i] = -w.h[i]
	}
	strict := cholFactor(w.a, d)

	if !strict && depth > 0 {
		// Restart from both sides of a saddle along the direction of
		// largest curvature of log p, if it curves upwards.
		var eig mat.EigenSym
		if eig.Factorize(mat.NewSymDense(d, append([]float64(nil), w.h...)), true) {
			vals := eig.Values(nil)
			top := len(vals) - 1 // ascending order
			if vals[top] > 1e-8/(w.sigmaMin*w.sigmaMin) {
				var vecs mat.Dense
				eig.VectorsTo(&vecs)
				delta := 1e-3 * w.sigmaMin
				var starts [2][]float64
				ok := true
				for s, sign := range [2]float64{-1, 1} {
					starts[s] = make([]float64, d)
					for i := range starts[s] {
						starts[s][i] = x[i] + sign*delta*vecs.At(i, top)
					}
					// H overflowed (scales far apart): no restart.
					ok = ok && finite(starts[s])
				}
				if ok {
					for _, start := range starts {
						found = w.climb(start, mass/2, opts, depth-1, found)
					}
					return found
				}
			}
		}
	}
	return append(found, foundPoint{y: x, logp: lp, mass: mass, strict: strict})
}

// maxPairStarts is the largest K for which Modes (D ≥ 2) starts from the
// midpoint of every pair of component means.
const maxPairStarts = 32

// extraStarts are the massless starts of Modes for D ≥ 2: the mixture
// mean; the points at 1/4, 1/2 and 3/4 of the segment between every pair
// of component means (K ≤ 32); and μ_k ± √λ_kj e_kj, μ_k ± 2√λ_kj e_kj
// for each component k and each eigenpair (λ_kj, e_kj) of Σ_k, one and two
// standard deviations along each principal axis.
func (w *modeWork) extraStarts() [][]float64 {
	m, d := w.m, w.d
	var live []int
	for k, lw := range m.LogWeights {
		if !math.IsInf(lw, -1) {
			live = append(live, k)
		}
	}
	starts := [][]float64{m.Mean(nil)}
	if len(live) <= maxPairStarts {
		for a, i := range live {
			for _, j := range live[a+1:] {
				for _, t := range [3]float64{0.25, 0.5, 0.75} {
					x := make([]float64, d)
					for c := range x {
						x[c] = (1-t)*m.mean(i)[c] + t*m.mean(j)[c]
					}
					starts = append(starts, x)
				}
			}
		}
	}
	sig := make([]float64, d*d)
	for _, k := range live {
		var eig mat.EigenSym
		if !eig.Factorize(mat.NewSymDense(d, m.Sigma(k, sig)), true) {
			continue
		}
		vals := eig.Values(nil)
		var vecs mat.Dense
		eig.VectorsTo(&vecs)
		for j, l := range vals {
			for _, sign := range [4]float64{-2, -1, 1, 2} {
				x := append([]float64(nil), m.mean(k)...)
				for c := range x {
					x[c] += sign * math.Sqrt(math.Max(l, 0)) * vecs.At(c, j)
				}
				starts = append(starts, x)
			}
		}
	}
	return starts
}

// climb1 is climb for D = 1, where the mode of a start is the one that
// gradient ascent from it reaches: the first maximum of p in the uphill
// direction. A fixed-point step can jump across a narrow basin to a higher
// mode beyond it, so after climbing, the segment from the start to the
// point reached is scanned at steps of at most σ_min/8; if p dips on it
// below p(start), the start's own mode lies before the dip and is found by
// bracketing (golden section, then the Newton polish of climb).
func (w *modeWork) climb1(x []float64, mass float64, opts ModeOptions, found []foundPoint) []foundPoint {
	x0 := x[0]
	lp0 := w.logp(x)
	end := w.climb(append([]float64(nil), x...), mass, opts, 2, nil)
	for _, f := range end {
		found = append(found, w.checkBasin(x0, lp0, f, opts))
	}
	return found
}

// maxBasinScan bounds the points checkBasin evaluates on one segment.
const maxBasinScan = 1 << 14

// maxGolden bounds the golden-section steps of checkBasin. Each step keeps
// 0.618 of the bracket; the search stops at width Tol·σ_min or when the two
// inner points round to the same float64 (for a bracket [a, b] away from 0,
// (b−a)/ulp < 2^55, so within about 80 steps). 256 steps shrink any bracket
// by 1e-53, so the cap ends only searches that approach 0 with a σ_min
// below about 1e-40 of the bracket.
const maxGolden = 256

// checkBasin returns f if p increases from x0 all the way to f.y (sampled
// at steps of at most σ_min/8), and otherwise the first maximum of p from
// x0 towards f.y, located by golden section to Tol·σ_min, or to the float
// spacing at that point where the spacing is wider (x of order 1e300 with
// σ_min of order 1, say), in at most maxGolden steps. (In 1-D every
// fixed-point step from x is a positive multiple of p'(x), so the climb
// heads uphill; a decrease on the segment means it passed a maximum.)
func (w *modeWork) checkBasin(x0, lp0 float64, f foundPoint, opts ModeOptions) foundPoint {
	dist := math.Abs(f.y[0] - x0)
	if dist == 0 {
		return f
	}
	n := int(math.Min(math.Ceil(8*dist/w.sigmaMin), maxBasinScan))
	dir := math.Copysign(1, f.y[0]-x0)
	h := dist / float64(n)
	y := []float64{0}
	at := func(t float64) float64 { y[0] = x0 + dir*t; return w.logp(y) }
	prev, prevT := lp0, 0.0
	for i := 1; i <= n; i++ {
		t := float64(i) * h
		v := f.logp
		if i < n {
			v = at(t)
		}
		if v < prev-1e-12*math.Max(1, math.Abs(prev)) {
			a, b := math.Max(prevT-h, 0), t
			for range maxGolden {
				if b-a <= opts.Tol*w.sigmaMin {
					break
				}
				c, e := b-0.618033988749895*(b-a), a+0.618033988749895*(b-a)
				if x0+dir*c == x0+dir*e {
					break // the bracket is within the float spacing at x0 + dir·t
				}
				if at(c) < at(e) {
					a = c
				} else {
					b = e
				}
			}
			x := []float64{x0 + dir*(a+b)/2}
			lp := w.gradHess(x)
			return foundPoint{y: x, logp: lp, mass: f.mass, strict: w.h[0] < 0}
		}
		prev, prevT = v, t
	}
	return f
}

// nearMerge is the distance, in units of σ_min, below which two strict
// maxima are tested for a dip between them (see same).
const nearMerge = 0.1

// same reports whether a and b are one mode: closer than MergeTol·σ_min,
// or joined by a segment along which p has no dip, tested when one of them
// is not a strict maximum or they are closer than nearMerge·σ_min (as the
// two ends of the slow approach to a flat, degenerate mode are).
func (w *modeWork) same(a, b foundPoint, opts ModeOptions) bool {
	dist := distance(a.y, b.y)
	if dist <= opts.MergeTol*w.sigmaMin {
		return true
	}
	if a.strict && b.strict && dist > nearMerge*w.sigmaMin {
		return false
	}
	floor := math.Min(a.logp, b.logp) - 1e-12*math.Max(1, math.Abs(math.Min(a.logp, b.logp)))
	const n = 64
	x := make([]float64, w.d)
	for i := 1; i < n; i++ {
		t := float64(i) / n
		for j := range x {
			x[j] = a.y[j] + t*(b.y[j]-a.y[j])
		}
		if w.logp(x) < floor {
			return false
		}
	}
	return true
}

// finite reports whether every element of x is finite.
func finite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

func distance(a, b []float64) float64 {
	var s float64
	for i := range a {
		s = math.Hypot(s, a[i]-b[i])
	}
	return s
}

// cholFactor overwrites the symmetric n×n matrix a (row-major) with its
// lower Cholesky factor and reports whether a was positive definite.
func cholFactor(a []float64, n int) bool {
	for j := 0; j < n; j++ {
		s := a[j*n+j]
		for c := 0; c < j; c++ {
			s -= a[j*n+c] * a[j*n+c]
		}
		if !(s > 0) {
			return false
		}
		ljj := math.Sqrt(s)
		a[j*n+j] = ljj
		for i := j + 1; i < n; i++ {
			t := a[i*n+j]
			for c := 0; c < j; c++ {
				t -= a[i*n+c] * a[j*n+c]
			}
			a[i*n+j] = t / ljj
		}
	}
	return true
}

// cholSolve solves a x = b for symmetric positive definite a, overwriting
// a with its factor and b with x; it reports false if a is not positive
// definite.
func cholSolve(a, b []float64, n int) bool {
	if !cholFactor(a, n) {
		return false
	}
	for i := 0; i < n; i++ { // L y = b
		s := b[i]
		for c := 0; c < i; c++ {
			s -= a[i*n+c] * b[c]
		}
		b[i] = s / a[i*n+i]
	}
	for i := n - 1; i >= 0; i-- { // Lᵀ x = y
		s := b[i]
		for c := i + 1; c < n; c++ {
			s -= a[c*n+i] * b[c]
		}
		b[i] = s / a[i*n+i]
	}
	return true
}
