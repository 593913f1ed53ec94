package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/mixture"
	"github.com/mdn-go/mdn/model"
	"github.com/mdn-go/mdn/plot"
)

// The original example's figure window: x in [−8, 8], y in [−1, 1].
var ex1dX, ex1dY = plot.Range{Min: -8, Max: 8}, plot.Range{Min: -1, Max: 1}

// sampleRows draws one y per row of d from m (n rows, Out values each).
func sampleRows(m *model.Model, d *data.Dataset, rng *rand.Rand) ([]float64, error) {
	const chunk = 4096
	p := m.Predictor(chunk)
	out := make([]float64, d.N*m.Spec.Out)
	var mix []mixture.Mixture
	for lo := 0; lo < d.N; lo += chunk {
		n := min(chunk, d.N-lo)
		var err error
		if mix, err = p.Predict(d.X[lo*d.XDim:(lo+n)*d.XDim], n, mix); err != nil {
			return nil, err
		}
		for i := range n {
			mix[i].Sample(rng, out[(lo+i)*m.Spec.Out:(lo+i+1)*m.Spec.Out])
		}
	}
	return out, nil
}

// fills reports whether the values v lie in r and span at least half of it,
// as the original example's data do in its window.
func fills(v []float64, r plot.Range) bool {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range v {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	return lo >= r.Min && hi <= r.Max && hi-lo >= (r.Max-r.Min)/2
}

// defaultFigure returns the drawing of the original's figure for a 1-D
// covariate and response: observed vs sampled 2-D histograms, 35 bins.
// Ranges come from xr and yr, else the original's window when the data fill
// it (see fills), else the data.
func defaultFigure(m *model.Model, d *data.Dataset, seed uint64, xr, yr *plot.Range, bare bool) (func(io.Writer) error, error) {
	if d.XDim != 1 || d.YDim != 1 {
		return nil, fmt.Errorf("the default figure needs one covariate and one response column, the model has %d and %d (use --kind scatter for d > 1)", d.XDim, d.YDim)
	}
	smp, err := sampleRows(m, d, rand.New(rand.NewPCG(seed, 7)))
	if err != nil {
		return nil, err
	}
	if xr == nil && yr == nil && fills(d.X, ex1dX) && fills(d.Y, ex1dY) {
		xr, yr = &ex1dX, &ex1dY
	}
	return func(w io.Writer) error {
		return plot.Hist2DPair(w, d.X, d.Y, d.X, smp, plot.Hist2DOptions{XRange: xr, YRange: yr,
			XLabel: m.XNames[0], YLabel: m.YNames[0], Bare: bare})
	}, nil
}
