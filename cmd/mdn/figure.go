package main

import (
	"fmt"
	"io"
	"math/rand/v2"

	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/internal/atomicfile"
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

// within reports whether every value of v lies in r.
func within(v []float64, stride, j int, r plot.Range) bool {
	for i := j; i < len(v); i += stride {
		if v[i] < r.Min || v[i] > r.Max {
			return false
		}
	}
	return true
}

// writeDefaultFigure draws the original's figure for a 1-D covariate and
// response: observed vs sampled 2-D histograms, 35 bins. Ranges come from
// xr and yr, else the original's window when the data fit in it, else the
// data.
func writeDefaultFigure(path string, m *model.Model, d *data.Dataset, seed uint64, xr, yr *plot.Range) error {
	if d.XDim != 1 || d.YDim != 1 {
		return fmt.Errorf("plot: the default figure needs one covariate and one response column, the model has %d and %d (use --kind scatter for d > 1)", d.XDim, d.YDim)
	}
	smp, err := sampleRows(m, d, rand.New(rand.NewPCG(seed, 7)))
	if err != nil {
		return err
	}
	if xr == nil && yr == nil && within(d.X, 1, 0, ex1dX) && within(d.Y, 1, 0, ex1dY) {
		xr, yr = &ex1dX, &ex1dY
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		return plot.Hist2DPair(w, d.X, d.Y, d.X, smp, plot.Hist2DOptions{XRange: xr, YRange: yr})
	})
}
