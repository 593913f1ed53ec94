package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mdn-go/mdn/encode"
	"github.com/mdn-go/mdn/internal/cli"
	"github.com/mdn-go/mdn/model"
	"github.com/mdn-go/mdn/predict"
	"github.com/spf13/cobra"
)

// evalOptions are mdn eval's flags.
type evalOptions struct {
	model string
	data  string
	json  bool
	seed  uint64
	schemaFlags
}

// newEvalCmd is mdn eval; runF, when not nil, gets the checked options
// instead of runEval.
func newEvalCmd(ios *cli.IOStreams, runF func(*evalOptions) error) *cobra.Command {
	o := &evalOptions{}
	c := &cobra.Command{
		Use:   "eval --model FILE --data CSV",
		Short: "Score the model on labelled data: NLL, CRPS, errors, coverage, calibration",
		Long: `Score the model on a labelled CSV file with its covariate and response
columns, in the original units of y (package predict, predict.Evaluate).
Without --json a small table is printed; with --json one JSON object:

  n                     number of rows
  nll                   mean negative log-likelihood per row in nats,
                        −(1/n) Σ_i log p(y_i|x_i), with the 2π constant
  mean_weights          the mixture weights averaged over the rows, w̄_k
  effective_components  exp(−Σ_k w̄_k log w̄_k), from 1 to K
  dead_components       indices k (from 0) with w̄_k < 0.001
  responses             one object per response column:
    name                the column
    crps                mean CRPS of the marginal (closed form), unit of y
    rmse, mae           errors of the mixture mean Σ_k π_k μ_k, unit of y
    coverage_50, coverage_80, coverage_95
                        fraction of rows with y inside the central 50/80/95%
                        interval of the marginal (from its exact quantiles)
    pit_histogram       fraction of the PIT values u_i = F_i(y_i) in each of
                        10 equal bins of [0, 1] (0.1 each when calibrated)
    calibration_error   Kolmogorov–Smirnov distance sup_u |ECDF(u) − u| of
                        the PIT values from uniform, 0 when calibrated
  input                 what was done with the rows of --data:
    rows, used          rows in the file, rows scored
    dropped_missing_covariate, dropped_missing_response
                        rows left out for a missing cell (missing: drop; a
                        missing response is left out under impute too)
    imputed_cells       covariate cells imputed (missing: impute)
  conformal             only for a model calibrated by mdn calibrate:
    calibration_rows    the rows it was calibrated on
    levels              one object per calibration level:
      level
      interval, region  the calibrated interval (the box of the responses'
                        central intervals of mass q̂) and region
                        ({y : log p(y|x) ≥ t}): "coverage", the fraction of
                        rows inside, and "mean_size", the mean length (one
                        response) or volume (several; the region's from
                        2000 draws per row), null if infinite
      raw_interval, raw_region
                        the same for the model's own central interval and
                        highest-density region of mass level (its threshold
                        from 2000 draws per row, seeded by --seed)

Labels and missing cells are encoded as in training (the model's
data.categorical, data.unknown_level, data.missing); --unknown-level and
--missing override the policies.`,
		Example: `  mdn eval --model out/model.json --data testdata/ex1d_test.csv
  mdn eval --model out/model.json --data testdata/ex1d_test.csv --json | jq .nll`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return runEval(c.Context(), o, ios)
		},
	}
	o.schemaFlags.add(c)
	f := c.Flags()
	f.StringVar(&o.model, "model", "", "model file written by mdn train (required)")
	f.StringVar(&o.data, "data", "", "labelled CSV with the model's covariate and response columns (required)")
	f.BoolVar(&o.json, "json", false, "print one JSON object instead of a table")
	f.Uint64Var(&o.seed, "seed", 0, "seed of the draws that estimate the uncalibrated region and volumes (calibrated models only)")
	return c
}

// check checks the flags by themselves, before anything is read: --model
// and --data are required, and the policies are known.
func (o *evalOptions) check() error {
	if err := required("eval", "--model", o.model, "--data", o.data); err != nil {
		return err
	}
	return o.schemaFlags.check("eval")
}

// runEval prints the scores of the model o.model on o.data to ios.Out.
func runEval(_ context.Context, o *evalOptions, ios *cli.IOStreams) error {
	m, err := model.Load(o.model)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	sch, err := o.schema(m)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	d, rep, err := encode.Read(o.data, sch, m.YNames)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	met, err := predict.Evaluate(m, d)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	var cm *predict.ConformalMetrics
	if m.Calibration != nil {
		if cm, err = predict.EvaluateConformal(m, d, o.seed); err != nil {
			return fmt.Errorf("eval: %w", err)
		}
	}
	if o.json {
		b, err := json.Marshal(struct {
			*predict.Metrics
			Input     encode.Report             `json:"input"`
			Conformal *predict.ConformalMetrics `json:"conformal,omitempty"`
		}{met, rep, cm})
		if err != nil {
			return fmt.Errorf("eval: %w", err)
		}
		if _, err = fmt.Fprintln(ios.Out, string(b)); err != nil {
			return fmt.Errorf("eval: %w", err)
		}
		return nil
	}
	if msg := rep.String(); msg != "" {
		if _, err := fmt.Fprintf(ios.Out, "input\t%s\n", msg); err != nil {
			return fmt.Errorf("eval: %w", err)
		}
	}
	if err := met.WriteTable(ios.Out, m.Components()); err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	if cm == nil {
		return nil
	}
	if _, err := fmt.Fprintln(ios.Out); err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	if err := cm.WriteTable(ios.Out); err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	return nil
}
