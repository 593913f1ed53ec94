package train

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/encode"
)

// MaxSteps bounds the step count of a run, from train.steps or derived from
// train.epochs: the history keeps one Record (32 bytes) per step, so 10⁸
// steps hold at most 3.2 GB. A larger request is refused before training
// starts, with the estimate.
const MaxSteps = 100_000_000

// recordBytes is the size of one Record, for the estimate in messages.
const recordBytes = 32

// Plan is what a run will do, known once its data are loaded and before it
// starts: the rows, columns and parameters of the summary line, the step
// count, and warnings about data that will train but probably not as the
// user meant.
type Plan struct {
	TrainRows, ValRows int
	// CalRows is the number of calibration rows (Data.Cal), 0 without.
	CalRows         int
	Inputs, Outputs int // network inputs (encoded covariates) and responses
	Params          int
	Steps           int
	Batch           int // rows per step (all training rows for full batch)
	Warnings        []string
	// Notes say what reading the files dropped or imputed
	// (data.missing), one per file, as "train.csv: dropped 3 of 200 rows
	// with a missing response".
	Notes []string
	// Members is the ensemble's size (EnsembleSize: Recipe.Ensemble, grown
	// on a table smaller than a batch), the networks trained (each with Params
	// parameters and Steps steps).
	Members int
	// Asked is train.ensemble; Members > Asked when the ensemble grew.
	Asked int
	// NoiseSelect says train.noise_select trains every member with and
	// without noise (2·Members networks) and chooses which to keep.
	NoiseSelect bool
	// Sized says what the size rule changed for this table (config.Sized);
	// "" when nothing. PlanOf leaves it empty: the caller that applied the
	// rule (mdn train, with fitconfig.Recipe) fills it in.
	Sized string
}

// DefaultBatchSize is the batch size of the default recipe (the config's
// train.batch_size default): on a table smaller than it, full batch is what
// it means, and PlanOf does not warn.
const DefaultBatchSize = 256

// PlanOf checks the run that r describes on d and returns its plan. It is
// an error when r is not valid (Recipe.Validate) or the run cannot go ahead
// as described: a hold-out fraction that leaves no validation, no
// calibration or no training row, more steps than MaxSteps, or a network beyond
// arch.MaxParams. Warnings are for a constant response or covariate column
// and a batch size other than DefaultBatchSize that is larger than the
// training set.
func PlanOf(r Recipe, d *Data) (*Plan, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	p := &Plan{TrainRows: d.Train.N, Inputs: d.Train.XDim, Outputs: d.Train.YDim, Members: EnsembleSize(r, d.Train.N),
		Asked:       max(1, r.Ensemble),
		NoiseSelect: r.NoiseScale > 0 && r.NoiseSelect && d.Val != nil && d.Val.N > 0}
	for _, f := range []struct {
		file string
		rep  encode.Report
	}{{r.Data.Train, d.Report}, {r.Data.Validation, d.ValReport}, {r.Data.Calibration, d.CalReport}} {
		if msg := f.rep.String(); msg != "" {
			p.Notes = append(p.Notes, filepath.Base(f.file)+": "+msg)
		}
	}
	if d.Val != nil {
		p.ValRows = d.Val.N
	}
	if d.Cal != nil {
		p.CalRows = d.Cal.N
	}
	// n is the rows of the training file the fractions are of.
	n := p.TrainRows + p.ValRows
	if c := r.Data.CalibrationFraction; c > 0 {
		n += p.CalRows
		switch {
		case p.CalRows == 0:
			return nil, fmt.Errorf("data.calibration_fraction: %v of %d row%s holds out no row; give more rows, a data.calibration file, or calibration_fraction: 0", c, n, plural(n))
		case p.TrainRows+p.ValRows == 0:
			return nil, fmt.Errorf("data.calibration_fraction: %v of %d row%s leaves no training row", c, n, plural(n))
		}
	}
	if r.Data.Calibration != "" && p.CalRows == 0 {
		return nil, fmt.Errorf("data.calibration: %s has no rows", r.Data.Calibration)
	}
	if f := r.Data.ValidationFraction; r.Data.Validation == "" && f > 0 {
		also := ""
		if r.Data.CalibrationFraction > 0 {
			also = fmt.Sprintf(" with data.calibration_fraction %v", r.Data.CalibrationFraction)
		}
		switch {
		case p.ValRows == 0:
			return nil, fmt.Errorf("data.validation_fraction: %v of %d row%s%s holds out no row; give more rows, a data.validation file, or validation_fraction: 0", f, n, plural(n), also)
		case p.TrainRows == 0:
			return nil, fmt.Errorf("data.validation_fraction: %v of %d row%s%s leaves no training row", f, n, plural(n), also)
		}
	}
	if p.TrainRows == 0 {
		return nil, fmt.Errorf("data.train: no training rows")
	}
	steps, err := stepsOf(r, p.TrainRows)
	if err != nil {
		return nil, err
	}
	p.Steps = steps
	spec := SpecOf(r, p.Inputs, p.Outputs)
	if err := spec.Validate(); err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	p.Params = spec.Params()
	b := r.Train.BatchSize
	switch {
	case b == 0 || b == p.TrainRows:
		p.Batch = p.TrainRows
	case b > p.TrainRows:
		p.Batch = p.TrainRows
		if b == DefaultBatchSize {
			break // the default on a small file: full batch is what it means
		}
		p.Warnings = append(p.Warnings, fmt.Sprintf("train.batch_size %d is more than the %d training rows: every step uses all of them (full batch)", b, p.TrainRows))
	default:
		p.Batch = b
	}
	p.Warnings = append(p.Warnings, constantColumns(d.Train, d.Train.YNames, true)...)
	p.Warnings = append(p.Warnings, constantColumns(d.Train, d.Train.XNames, false)...)
	return p, nil
}

// stepsOf is r.Steps(n), refused beyond MaxSteps (computed without
// overflow for any r.Epochs).
func stepsOf(r Recipe, n int) (int, error) {
	t := r.Train
	if e := r.Epochs; e > 0 {
		per := 1
		if b := t.BatchSize; b > 0 && b < n {
			per = n / b
		}
		if float64(e)*float64(per) > MaxSteps {
			return 0, fmt.Errorf("train.epochs: %d epochs of %d steps are %.3g steps; at most %d are supported (the history keeps %d bytes per step: %s)",
				e, per, float64(e)*float64(per), MaxSteps, recordBytes, bytesString(float64(e)*float64(per)*recordBytes))
		}
	} else if t.Steps > MaxSteps {
		return 0, fmt.Errorf("train.steps: at most %d are supported, got %d (the history keeps %d bytes per step: %s)",
			MaxSteps, t.Steps, recordBytes, bytesString(float64(t.Steps)*recordBytes))
	}
	return r.Steps(n), nil
}

// constantColumns warns about each column of d (responses when y, else
// covariates) that has the same value in every row; at most three are
// named. names must match the columns (encoded covariates whose names
// differ in number are not checked).
func constantColumns(d *data.Dataset, names []string, y bool) []string {
	dim, vals := d.XDim, d.X
	if y {
		dim, vals = d.YDim, d.Y
	}
	if d.N < 2 || len(names) != dim {
		return nil
	}
	var constant []string
	for j := range dim {
		v0, same := vals[j], true
		for i := 1; i < d.N && same; i++ {
			same = vals[i*dim+j] == v0
		}
		if same {
			constant = append(constant, fmt.Sprintf("%q (%s)", names[j], fmtValue(v0)))
		}
	}
	if len(constant) == 0 {
		return nil
	}
	list := constant
	if len(list) > 3 {
		list = append(list[:3:3], fmt.Sprintf("and %d more", len(constant)-3))
	}
	if y {
		return []string{fmt.Sprintf("response column%s %s %s the same in every training row: the model can only learn a point mass there, and its σ will shrink to model.sigma_min",
			plural(len(constant)), strings.Join(list, ", "), isAre(len(constant)))}
	}
	return []string{fmt.Sprintf("covariate column%s %s %s the same in every training row and carr%s no information",
		plural(len(constant)), strings.Join(list, ", "), isAre(len(constant)), map[bool]string{true: "ies", false: "y"}[len(constant) == 1])}
}

func fmtValue(v float64) string { return fmt.Sprintf("%.6g", v) }

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// bytesString formats a byte count as "3.2 GB".
func bytesString(b float64) string {
	units := []string{"B", "kB", "MB", "GB", "TB", "PB", "EB"}
	i := 0
	for b >= 1000 && i < len(units)-1 {
		b /= 1000
		i++
	}
	return fmt.Sprintf("%.3g %s", b, units[i])
}

// String is the summary line printed before training:
//
//	900 training rows, 100 validation rows; 1 input, 1 response; 4485 parameters; 2000 steps of 900 rows
//
// with ", 250 calibration rows" after the validation rows when there are
// calibration rows.
func (p *Plan) String() string {
	val := "no validation"
	if p.ValRows > 0 {
		val = fmt.Sprintf("%d validation row%s", p.ValRows, plural(p.ValRows))
	}
	batch := fmt.Sprintf("%d rows", p.Batch)
	if p.Batch == p.TrainRows {
		batch = fmt.Sprintf("all %d rows (full batch)", p.Batch)
	}
	if p.CalRows > 0 {
		val += fmt.Sprintf(", %d calibration row%s", p.CalRows, plural(p.CalRows))
	}
	s := fmt.Sprintf("%d training row%s, %s; %d input%s, %d response%s; %d parameters; %d step%s of %s",
		p.TrainRows, plural(p.TrainRows), val, p.Inputs, plural(p.Inputs), p.Outputs, plural(p.Outputs),
		p.Params, p.Steps, plural(p.Steps), batch)
	if p.Members > 1 {
		s += fmt.Sprintf("; an ensemble of %d such networks (each with its own hold-out when the validation rows come from data.train)", p.Members)
	}
	if p.Members > p.Asked && p.Asked > 0 {
		s += fmt.Sprintf("; train.ensemble %d grown to %d: fewer training rows than a batch (train.ensemble_max)", p.Asked, p.Members)
	}
	if p.NoiseSelect {
		s += fmt.Sprintf("; each trained with and without noise, %d networks in all, and the validation rows choose which to keep (train.noise_select)", 2*p.Members)
	}
	if p.Sized != "" {
		s += "; " + p.Sized
	}
	return s
}
