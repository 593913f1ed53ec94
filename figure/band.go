package figure

import (
	"fmt"

	"github.com/mdn-go/mdn/mixture"
	"github.com/mdn-go/mdn/predict"
)

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
		return nil, fmt.Errorf("figure: band: %d mixtures for %d grid values", len(mix), len(xs))
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
			return nil, fmt.Errorf("figure: band: %w", err)
		}
		for l, lv := range levels {
			if b.Lower[l][g], b.Upper[l][g], err = predict.Interval(mg, lv); err != nil {
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
