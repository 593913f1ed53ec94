package predict

import (
	"fmt"

	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/mixture"
	"github.com/mdn-go/mdn/model"
)

// GridMixtures returns the predictive mixtures of m along covariate xi: at
// x_xi = xs[g] for each g, with every other covariate at its mean over the
// rows of d (which has m's covariate columns). These are the columns of a
// figure of p(y | x_xi).
func GridMixtures(m *model.Model, d *data.Dataset, xi int, xs []float64) ([]mixture.Mixture, error) {
	in := d.XDim
	if xi < 0 || xi >= in {
		return nil, fmt.Errorf("predict: grid: covariate %d of %d", xi, in)
	}
	if d.N < 1 {
		return nil, fmt.Errorf("predict: grid: no rows to average the other covariates over")
	}
	mean := make([]float64, in)
	for j := range in {
		for i := range d.N {
			mean[j] += d.X[i*in+j] / float64(d.N)
		}
	}
	x := make([]float64, len(xs)*in)
	for g, v := range xs {
		copy(x[g*in:(g+1)*in], mean)
		x[g*in+xi] = v
	}
	return m.Predictor(len(xs)).Predict(x, len(xs), nil)
}

// BandLevels are the levels of the central intervals of a quantile figure
// (mdn plot --kind quantiles), innermost first.
var BandLevels = []float64{0.5, 0.9}

// MinModeMass is the smallest Mode.Mass of a mode that a quantile figure
// draws: modes that fewer than 1 % of the mixture's weight climbed to are
// left out as clutter.
const MinModeMass = 0.01

// Band is the summary of one response's marginal along a grid of one
// covariate: the median, central intervals and modes at each grid value.
type Band struct {
	X      []float64   // the grid
	Median []float64   // F⁻¹(1/2) at each X
	Levels []float64   // the interval levels
	Lower  [][]float64 // Lower[l][g]: lower end of the Levels[l] interval at X[g]
	Upper  [][]float64
	// ModesX, ModesY are the modes of mass ≥ the minimum, as points.
	ModesX, ModesY []float64
}

// NewBand summarizes the marginal of response yi of each mixture mix[g]
// (at grid value xs[g]) with the central intervals of levels and the modes
// of mass ≥ minMass.
func NewBand(mix []mixture.Mixture, xs []float64, yi int, levels []float64, minMass float64) (*Band, error) {
	if len(mix) != len(xs) {
		return nil, fmt.Errorf("predict: band: %d mixtures for %d grid values", len(mix), len(xs))
	}
	b := &Band{X: xs, Median: make([]float64, len(xs)), Levels: levels,
		Lower: make([][]float64, len(levels)), Upper: make([][]float64, len(levels))}
	for l := range levels {
		b.Lower[l], b.Upper[l] = make([]float64, len(xs)), make([]float64, len(xs))
	}
	for g := range xs {
		mg := &mix[g]
		if mg.D > 1 {
			mg = mg.Marginal(yi)
		}
		var err error
		if b.Median[g], err = mg.Quantile(0.5); err != nil {
			return nil, fmt.Errorf("predict: band: %w", err)
		}
		for l, lv := range levels {
			if b.Lower[l][g], b.Upper[l][g], err = Interval(mg, lv); err != nil {
				return nil, err
			}
		}
		for _, md := range mg.Modes(mixture.ModeOptions{}) {
			if md.Mass >= minMass {
				b.ModesX, b.ModesY = append(b.ModesX, xs[g]), append(b.ModesY, md.Y[0])
			}
		}
	}
	return b, nil
}
