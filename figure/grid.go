package figure

import (
	"fmt"
	"slices"

	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/encode"
	"github.com/mdn-go/mdn/mixture"
	"github.com/mdn-go/mdn/model"
)

// GridMixtures returns the predictive mixtures of m along network input
// xi: at x_xi = xs[g] for each g, with every other input as in the
// reference row of d (which holds inputs encoded by m.Schema()): a number
// at its mean, a label at its most frequent level (encode.Schema.Reference).
// These are the columns of a figure of p(y | x_xi).
func GridMixtures(m *model.Model, d *data.Dataset, xi int, xs []float64) ([]mixture.Mixture, error) {
	if d.N < 1 {
		return nil, fmt.Errorf("figure: grid: no rows to average the other covariates over")
	}
	if d.XDim != m.Spec.In {
		return nil, fmt.Errorf("figure: grid: the data have %d inputs, the model %d", d.XDim, m.Spec.In)
	}
	return GridMixturesAt(m, m.Schema().Reference(d), xi, xs)
}

// GridMixturesAt is GridMixtures with the other inputs as in the row ref
// (len m.Spec.In).
func GridMixturesAt(m *model.Model, ref []float64, xi int, xs []float64) ([]mixture.Mixture, error) {
	in := len(ref)
	if xi < 0 || xi >= in {
		return nil, fmt.Errorf("figure: grid: covariate %d of %d", xi, in)
	}
	x := make([]float64, len(xs)*in)
	for g, v := range xs {
		copy(x[g*in:(g+1)*in], ref)
		x[g*in+xi] = v
	}
	return m.Predictor(len(xs)).Predict(x, len(xs), nil)
}

// Panel is one panel of a figure split by a label: its title, the
// reference row of inputs with the label at the panel's level, and the rows
// of the data that have that level.
type Panel struct {
	Title string
	Ref   []float64
	Rows  []int
}

// MaxPanels is the most levels PanelsBy splits a figure into.
const MaxPanels = 24

// PanelsBy splits the rows of d (inputs encoded by m.Schema()) by the
// levels of the categorical covariate by, one Panel per level (and one for
// its missing level), in the order of the levels. by = "" gives one panel
// of all rows with no title. It is an error when by is not a label column
// of m or has more than MaxPanels levels.
func PanelsBy(m *model.Model, d *data.Dataset, by string) ([]Panel, error) {
	sch := m.Schema()
	ref := sch.Reference(d)
	if by == "" {
		all := make([]int, d.N)
		for i := range all {
			all[i] = i
		}
		return []Panel{{Ref: ref, Rows: all}}, nil
	}
	c := sch.Column(by)
	switch {
	case c < 0:
		return nil, fmt.Errorf("%q is not a covariate of the model; they are %s", by, data.QuoteList(sch.ColumnNames()))
	case sch.Columns[c].Kind != encode.Label:
		return nil, fmt.Errorf("%q is not a categorical covariate (data.categorical)", by)
	case sch.Columns[c].Width() > MaxPanels:
		return nil, fmt.Errorf("%q has %d levels; at most %d panels are drawn", by, sch.Columns[c].Width(), MaxPanels)
	}
	col, off := sch.Columns[c], sch.Offset(c)
	var out []Panel
	for j := range col.Width() {
		r := slices.Clone(ref)
		sch.SetLevel(r, c, j)
		name := "missing"
		if j < len(col.Levels) {
			name = col.Levels[j]
		}
		p := Panel{Title: by + " = " + name, Ref: r}
		for i := range d.N {
			if d.X[i*d.XDim+off+j] == 1 {
				p.Rows = append(p.Rows, i)
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// PDRows is the most rows of a panel over which the density figure with
// --by averages (its partial dependence); more rows are thinned evenly.
const PDRows = 100

// PDSample returns rows when there are at most PDRows of them, else PDRows
// of them evenly spaced: rows[⌊j·n/PDRows⌋] for j = 0 … PDRows−1.
func PDSample(rows []int) []int {
	n := len(rows)
	if n <= PDRows {
		return rows
	}
	out := make([]int, PDRows)
	for j := range out {
		out[j] = rows[j*n/PDRows]
	}
	return out
}
