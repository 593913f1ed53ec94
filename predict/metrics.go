package predict

import (
	"fmt"
	"math"
	"slices"

	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/mixture"
	"github.com/mdn-go/mdn/model"
)

// PITBins is the number of equal bins on [0, 1] of Response.PITHistogram.
const PITBins = 10

// DeadWeight is the mean weight below which a component counts as dead in
// Metrics.DeadComponents.
const DeadWeight = 1e-3

// Metrics are the scores of a model on n labelled rows (x_i, y_i). The JSON
// names are those of `mdn eval --json` (see docs/cli.md).
type Metrics struct {
	// N is the number of rows scored.
	N int `json:"n"`
	// NLL is the mean negative log-likelihood per row, in nats, in the
	// original units of y and including the 2π constant:
	//
	//	NLL = −(1/n) Σ_i log p(y_i|x_i).
	NLL float64 `json:"nll"`
	// MeanWeights are the mixture weights averaged over the rows,
	// w̄_k = (1/n) Σ_i π_k(x_i), len K; they sum to 1.
	MeanWeights []float64 `json:"mean_weights"`
	// EffectiveComponents is the exponential of the entropy of the mean
	// weights,
	//
	//	exp(H(w̄)) = exp(−Σ_k w̄_k log w̄_k),
	//
	// between 1 (one component does all the work) and K (all are used
	// equally on average).
	EffectiveComponents float64 `json:"effective_components"`
	// DeadComponents are the indices k (from 0, ascending) with
	// w̄_k < DeadWeight; empty, not nil, when there are none.
	DeadComponents []int `json:"dead_components"`
	// Responses are the per-dimension scores, one per response column in
	// the model's order.
	Responses []Response `json:"responses"`
}

// Response holds the scores of one response dimension j, computed from the
// 1-D marginal F_i of the predictive mixture of row i,
//
//	F_i(y) = Σ_k π_k Φ((y − μ_kj)/σ_kj),  σ_kj² = Σ_k[j][j].
type Response struct {
	// Name is the response column's name.
	Name string `json:"name"`
	// CRPS is the mean continuous ranked probability score of the
	// marginals (mixture.Mixture.CRPS), in the unit of y_j; lower is better.
	CRPS float64 `json:"crps"`
	// RMSE and MAE are the root mean squared and mean absolute errors of
	// the mixture mean E[y_j|x_i] = Σ_k π_k μ_kj, in the unit of y_j.
	RMSE float64 `json:"rmse"`
	MAE  float64 `json:"mae"`
	// Coverage50, Coverage80 and Coverage95 are the fractions of rows whose
	// y_ij lies in the central interval of level 0.5, 0.8 and 0.95 of F_i
	// (see Interval); a calibrated model gives about the level.
	Coverage50 float64 `json:"coverage_50"`
	Coverage80 float64 `json:"coverage_80"`
	Coverage95 float64 `json:"coverage_95"`
	// PITHistogram is the fraction of the probability integral transform
	// values u_i = F_i(y_ij) in each of PITBins equal bins of [0, 1] (u = 1
	// in the last); a calibrated model gives about 1/PITBins each.
	PITHistogram []float64 `json:"pit_histogram"`
	// PIT are the PIT values u_i = F_i(y_ij) themselves, in row order (not
	// in the JSON form of Metrics).
	PIT []float64 `json:"-"`
	// CalibrationError is the Kolmogorov–Smirnov distance between the
	// empirical CDF of the u_i and the uniform CDF,
	//
	//	KS = sup_u |ECDF(u) − u| = max_i max(i/n − u_(i), u_(i) − (i−1)/n),
	//
	// with u_(1) ≤ … ≤ u_(n) sorted; 0 is perfect calibration.
	CalibrationError float64 `json:"calibration_error"`
}

// coverageLevels are the levels of Response.Coverage50, 80 and 95.
var coverageLevels = [3]float64{0.5, 0.8, 0.95}

// Evaluator accumulates Metrics row by row. Build one with NewEvaluator,
// call Add for every row and Metrics at the end. It keeps the PIT values
// (n·D floats) for the calibration error, and otherwise O(K + D) numbers.
type Evaluator struct {
	k     int
	names []string
	n     int
	// sums over rows
	logp   float64
	weight []float64 // K
	crps   []float64 // D
	se, ae []float64 // D
	cover  [3][]int  // per level, D
	pit    [][]float64
	// scratch: the row's E[y] and CRPS per response (checkSums)
	mean, rowCRPS []float64
}

// NewEvaluator returns an Evaluator for mixtures with k components over the
// len(yNames) response columns named yNames.
func NewEvaluator(k int, yNames []string) (*Evaluator, error) {
	d := len(yNames)
	if k < 1 || d < 1 {
		return nil, fmt.Errorf("predict: evaluator: need k ≥ 1 and at least one response name, got k = %d and %d names", k, d)
	}
	e := &Evaluator{
		k:       k,
		names:   slices.Clone(yNames),
		weight:  make([]float64, k),
		crps:    make([]float64, d),
		se:      make([]float64, d),
		ae:      make([]float64, d),
		pit:     make([][]float64, d),
		mean:    make([]float64, d),
		rowCRPS: make([]float64, d),
	}
	for l := range e.cover {
		e.cover[l] = make([]int, d)
	}
	return e, nil
}

// Add scores one row: the predictive mixture m of its covariates and its
// observed responses y (len D). It returns an error if m does not have the
// Evaluator's K and D, a value of y is not finite, or log p(y) is not
// finite (the model gives y zero density).
func (e *Evaluator) Add(m *mixture.Mixture, y []float64) error {
	if err := e.add(m, y); err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	return nil
}

// add is Add with errors that do not start with "predict: ".
func (e *Evaluator) add(m *mixture.Mixture, y []float64) error {
	d := len(e.names)
	if m.K != e.k || m.D != d {
		return fmt.Errorf("mixture has K = %d and D = %d, want %d and %d", m.K, m.D, e.k, d)
	}
	if len(y) != d {
		return fmt.Errorf("y has %d values, want %d", len(y), d)
	}
	for j, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("response %q is %v, want a finite number", e.names[j], v)
		}
	}
	lp := m.LogProb(y)
	if math.IsNaN(lp) || math.IsInf(lp, 0) {
		return fmt.Errorf("log density of y = %v is %v", y, lp)
	}
	if err := e.checkSums(m, y, lp); err != nil {
		return err
	}
	e.logp += lp
	for k, lw := range m.LogWeights {
		e.weight[k] += math.Exp(lw)
	}
	for j := range d {
		mj := m
		if d > 1 {
			mj = m.Marginal(j)
		}
		yj := y[j]
		e.crps[j] += e.rowCRPS[j]
		r := yj - e.mean[j]
		e.se[j] += r * r
		e.ae[j] += math.Abs(r)
		for l, level := range coverageLevels {
			lo, hi, err := Interval(mj, level)
			if err != nil { // not reached: mj is 1-D and level in (0, 1)
				return err
			}
			if lo <= yj && yj <= hi {
				e.cover[l][j]++
			}
		}
		e.pit[j] = append(e.pit[j], mj.CDF(yj))
	}
	e.n++
	return nil
}

// checkSums computes the row's E[y] (e.mean) and CRPS per response
// (e.rowCRPS) and returns an error, before anything is added, if the row
// would make a sum of Metrics overflow float64 (a squared error of
// 1e200², say), so that every metric of the rows added stays finite.
func (e *Evaluator) checkSums(m *mixture.Mixture, y []float64, lp float64) error {
	over := func(what string, v float64) error {
		return fmt.Errorf("%s overflows float64 (%v)", what, v)
	}
	if v := e.logp + lp; math.IsInf(v, 0) {
		return over("the sum of the log densities", v)
	}
	mean := m.Mean(e.mean)
	for j, name := range e.names {
		r := y[j] - mean[j]
		switch {
		case math.IsInf(r, 0) || math.IsInf(r*r, 0):
			return over(fmt.Sprintf("the squared error of response %q, (y − E[y])²,", name), r*r)
		case math.IsInf(e.se[j]+r*r, 0):
			return over(fmt.Sprintf("the sum of squared errors of response %q", name), e.se[j]+r*r)
		case math.IsInf(e.ae[j]+math.Abs(r), 0):
			return over(fmt.Sprintf("the sum of absolute errors of response %q", name), e.ae[j]+math.Abs(r))
		}
		mj := m
		if m.D > 1 {
			mj = m.Marginal(j)
		}
		c := mj.CRPS(y[j])
		if math.IsNaN(c) || math.IsInf(c, 0) || math.IsInf(e.crps[j]+c, 0) {
			return over(fmt.Sprintf("the CRPS of response %q", name), e.crps[j]+c)
		}
		e.rowCRPS[j] = c
	}
	return nil
}

// Metrics returns the metrics of the rows added so far. It returns an error
// if no row was added.
func (e *Evaluator) Metrics() (*Metrics, error) {
	if e.n == 0 {
		return nil, fmt.Errorf("predict: no rows to evaluate")
	}
	n := float64(e.n)
	m := &Metrics{
		N:              e.n,
		NLL:            -e.logp / n,
		MeanWeights:    make([]float64, e.k),
		DeadComponents: []int{},
	}
	var h float64
	for k, s := range e.weight {
		w := s / n
		m.MeanWeights[k] = w
		if w > 0 {
			h -= w * math.Log(w)
		}
		if w < DeadWeight {
			m.DeadComponents = append(m.DeadComponents, k)
		}
	}
	m.EffectiveComponents = math.Exp(h)
	for j, name := range e.names {
		r := Response{
			Name:         name,
			CRPS:         e.crps[j] / n,
			RMSE:         math.Sqrt(e.se[j] / n),
			MAE:          e.ae[j] / n,
			Coverage50:   float64(e.cover[0][j]) / n,
			Coverage80:   float64(e.cover[1][j]) / n,
			Coverage95:   float64(e.cover[2][j]) / n,
			PITHistogram: PITHistogram(e.pit[j], PITBins),
			PIT:          slices.Clone(e.pit[j]),
		}
		r.CalibrationError = KSUniform(e.pit[j])
		m.Responses = append(m.Responses, r)
	}
	return m, nil
}

// PITHistogram returns the fraction of the values u (each in [0, 1]) in
// each of bins equal bins of [0, 1]: u goes to bin min(⌊u·bins⌋, bins−1),
// so u = 1 is in the last bin. Values outside [0, 1] are clamped. It
// returns all zeros for an empty u.
func PITHistogram(u []float64, bins int) []float64 {
	h := make([]float64, bins)
	if len(u) == 0 {
		return h
	}
	for _, v := range u {
		b := int(v * float64(bins))
		b = max(0, min(b, bins-1))
		h[b]++
	}
	for b := range h {
		h[b] /= float64(len(u))
	}
	return h
}

// KSUniform returns the Kolmogorov–Smirnov distance between the empirical
// distribution of u and Uniform(0, 1),
//
//	KS = sup_t |ECDF(t) − t| = max_i max(i/n − u_(i), u_(i) − (i−1)/n),
//
// with u_(1) ≤ … ≤ u_(n) the sorted values (i from 1). u is not modified.
// It returns NaN for an empty u.
func KSUniform(u []float64) float64 {
	if len(u) == 0 {
		return math.NaN()
	}
	s := slices.Clone(u)
	slices.Sort(s)
	n := float64(len(s))
	var ks float64
	for i, v := range s {
		ks = max(ks, float64(i+1)/n-v, v-float64(i)/n)
	}
	return ks
}

// Evaluate returns the Metrics of model m on the rows of d, which must have
// the model's covariate and response columns in the model's order (as
// encode.Read(path, m.Schema(), m.YNames) gives). Rows are predicted in chunks of
// model.DefaultBatch. An error about a row names its line in d.Path when d
// has Lines, otherwise its 1-based row.
func Evaluate(m *model.Model, d *data.Dataset) (*Metrics, error) {
	if d.XDim != m.Spec.In || d.YDim != m.Spec.Out {
		return nil, fmt.Errorf("predict: evaluate: the data have %d covariate and %d response columns, the model wants %d and %d",
			d.XDim, d.YDim, m.Spec.In, m.Spec.Out)
	}
	e, err := NewEvaluator(m.Components(), m.YNames)
	if err != nil {
		return nil, err
	}
	const chunk = model.DefaultBatch
	p := m.Predictor(chunk)
	var mix []mixture.Mixture
	for lo := 0; lo < d.N; lo += chunk {
		n := min(chunk, d.N-lo)
		if mix, err = p.Predict(d.X[lo*d.XDim:(lo+n)*d.XDim], n, mix); err != nil {
			return nil, fmt.Errorf("predict: evaluate: %w", err)
		}
		for i := range n {
			_, y := d.Row(lo + i)
			if err := e.add(&mix[i], y); err != nil {
				return nil, rowError(d, lo+i, err)
			}
		}
	}
	return e.Metrics()
}

// rowError wraps err with the place of row i of d:
// "predict: evaluate FILE: line L: err" (or "row R" without Lines).
func rowError(d *data.Dataset, i int, err error) error {
	where := fmt.Sprintf("row %d", i+1)
	if d.Lines != nil {
		where = fmt.Sprintf("line %d", d.Lines[i])
	}
	if d.Path != "" {
		where = d.Path + ": " + where
	}
	return fmt.Errorf("predict: evaluate %s: %w", where, err)
}
