package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/config"
	"github.com/mdn-go/mdn/conformal"
	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/figure"
	"github.com/mdn-go/mdn/fitconfig"
	"github.com/mdn-go/mdn/internal/cli"
	"github.com/mdn-go/mdn/internal/output"
	"github.com/mdn-go/mdn/internal/progress"
	"github.com/mdn-go/mdn/train"
	"github.com/spf13/cobra"
)

// trainOptions are mdn train's flags. With --resume, out is the resumed
// directory and force is set; runTrain fills config, seed, steps, epochs
// and a given --ensemble from its checkpoint.
type trainOptions struct {
	config      string
	out         string
	seed        uint64
	seedSet     bool
	steps       int
	stepsSet    bool
	ensemble    int // 0 when --ensemble is not given (check refuses a given 0)
	ensembleSet bool
	json        bool
	force       bool
	figure      string
	resume      string
	epochs      int // from a checkpoint
}

// newTrainCmd is mdn train; runF, when not nil, gets the checked options
// instead of runTrain.
func newTrainCmd(ios *cli.IOStreams, runF func(*trainOptions) error) *cobra.Command {
	o := &trainOptions{}
	c := &cobra.Command{
		Use:   "train --config FILE",
		Short: "Train an MDN from a YAML config",
		Long: `Train an MDN as the YAML config says (see docs/config.md) and write
DIR/model.json (the model) and DIR/history.csv (step, learning rate, training
loss and validation NLL, in nats per row in the original units of y).

A progress bar is drawn on a terminal, plain lines otherwise. On SIGINT or
SIGTERM training stops at the end of the current step, the best (or last good)
weights are written with a checkpoint, and mdn exits with status 130;
'mdn train --resume DIR' then continues to the planned step count with the
optimizer state, schedule and batch order carried over, giving the same model
as an uninterrupted run.`,
		Example: `  mdn train --config configs/ex_1d.yaml --out out --figure out/ex_1d.png
  mdn train --config configs/ex_1d_seed.yaml --out seed3 --seed 3 --json
  mdn train --config configs/ex_1d.yaml --out fast --ensemble 3
  mdn train --resume out`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			o.seedSet = c.Flags().Changed("seed")
			o.stepsSet = c.Flags().Changed("steps")
			o.ensembleSet = c.Flags().Changed("ensemble")
			if o.resume != "" {
				for _, f := range []string{"config", "out", "seed", "steps", "ensemble", "force"} {
					if c.Flags().Changed(f) {
						return fmt.Errorf("train: --resume and --%s cannot be used together (the run's own settings are kept)", f)
					}
				}
				o.out, o.force = o.resume, true
			}
			if err := o.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return runTrain(c.Context(), o, ios)
		},
	}
	f := c.Flags()
	f.StringVar(&o.config, "config", "", "YAML training config (required)")
	f.StringVar(&o.out, "out", "out", "directory for model.json and history.csv")
	f.Uint64Var(&o.seed, "seed", 0, "override train.seed")
	f.IntVar(&o.steps, "steps", 0, "override train.steps (and clear train.epochs)")
	f.IntVar(&o.ensemble, "ensemble", 0, "override train.ensemble and train.ensemble_max: average this many networks (fewer train faster; docs/config.md, \"Training faster\")")
	f.BoolVar(&o.json, "json", false, "print one JSON line with the run's numbers")
	f.BoolVar(&o.force, "force", false, "overwrite an existing model.json")
	f.StringVar(&o.figure, "figure", "", "also write the default figure (observed vs sampled) of the rows of data.train to this PNG")
	f.StringVar(&o.resume, "resume", "", "continue the interrupted run whose --out was DIR")
	return c
}

// check checks the flags by themselves, before anything is read or written:
// --config is required without --resume, a given --steps is ≥ 1 and a
// given --ensemble is in [1, config.MaxEnsemble].
func (o *trainOptions) check() error {
	if o.resume == "" && o.config == "" {
		return errors.New(`train: required flag "--config" not set`)
	}
	if o.stepsSet && o.steps < 1 {
		return fmt.Errorf("train: --steps must be ≥ 1, got %d", o.steps)
	}
	if o.ensembleSet && (o.ensemble < 1 || o.ensemble > config.MaxEnsemble) {
		return fmt.Errorf("train: --ensemble must be in [1, %d], got %d", config.MaxEnsemble, o.ensemble)
	}
	return nil
}

// trainReport is the --json line.
type trainReport struct {
	ReadSeconds  float64  `json:"read_seconds"`
	TrainSeconds float64  `json:"train_seconds"`
	Steps        int      `json:"steps"`
	FinalLoss    float64  `json:"final_loss"`
	ValNLL       *float64 `json:"val_nll"`
	BestStep     int      `json:"best_step,omitempty"`
	Stopped      string   `json:"stopped"`
	Rollbacks    int      `json:"rollbacks"`
	NoiseScale   float64  `json:"noise_scale"`
	NoiseMembers int      `json:"noise_members"`
	Members      int      `json:"members"`
	Model        string   `json:"model"`
	History      string   `json:"history"`
	Figure       string   `json:"figure,omitempty"`
	// CalibrationRows is the number of rows the model was calibrated on
	// (data.calibration or data.calibration_fraction); 0 (left out) when
	// it was not.
	CalibrationRows int `json:"calibration_rows,omitempty"`
}

// runTrain trains as o says, writing the run directory and reporting on
// ios.
func runTrain(ctx context.Context, o *trainOptions, ios *cli.IOStreams) error {
	var st *train.State
	var was *train.Fingerprint   // the interrupted run's
	var pinned map[string]string // and its recipe
	var dir *output.Dir
	published := false
	defer func() {
		if dir != nil {
			dir.Close(published)
		}
	}()
	if o.resume != "" {
		if fi, err := os.Stat(o.resume); err == nil && fi.IsDir() {
			// Locked and recovered before the checkpoint is read: a run
			// killed while publishing it may have left it half replaced.
			if dir, err = openRunDir(ios, "--resume", o.resume, ""); err != nil {
				return err
			}
		}
		cp, err := readCheckpoint(o.resume)
		if err != nil {
			return fmt.Errorf("train: --resume: %w", err)
		}
		info := cp.Info
		o.config, st = info.Config, cp.State
		o.seed, o.seedSet = info.Seed, true
		o.steps, o.epochs = info.Steps, info.Epochs
		o.ensemble, o.ensembleSet = info.Ensemble, info.Ensemble > 0
		was, pinned = info.Fingerprint, info.Recipe
	}
	// changed refuses a resume whose config or data are not the
	// interrupted run's.
	changed := func(now *train.Fingerprint) error {
		if was == nil {
			return nil
		}
		if err := was.Check(now); err != nil {
			return fmt.Errorf("train: --resume %s: %w; put it back as it was, or start a new run with --config and --force", o.resume, err)
		}
		return nil
	}
	cfg, err := config.Load(o.config)
	if err != nil {
		return err
	}
	if o.seedSet {
		cfg.Train.Seed = o.seed
	}
	if o.ensembleSet {
		// As if the file gave both keys, so the size rule keeps them.
		n := strconv.Itoa(o.ensemble)
		if err := cfg.Pin(map[string]string{"train.ensemble": n, "train.ensemble_max": n}); err != nil {
			return fmt.Errorf("train: --ensemble: %w", err)
		}
	}
	if o.stepsSet {
		cfg.Train.Steps, cfg.Train.Epochs = o.steps, 0
		if err := cfg.Validate(); err != nil {
			return err
		}
	}
	if o.resume != "" {
		cfg.Train.Steps, cfg.Train.Epochs = o.steps, o.epochs
		if err := changed(fitconfig.FingerprintOf(cfg, nil)); err != nil {
			return err
		}
	}
	modelPath := filepath.Join(o.out, modelFile)
	histPath := filepath.Join(o.out, historyFile)
	inputs := []output.Input{{Flag: "--config", Path: o.config}, {Flag: "data.train", Path: cfg.Data.Train},
		{Flag: "data.validation", Path: cfg.Data.Validation}, {Flag: "data.calibration", Path: cfg.Data.Calibration}}
	// The directory is made and locked before anything else is looked at
	// in it, so two runs into one directory cannot both go ahead.
	if dir == nil {
		if dir, err = openRunDir(ios, "--out", o.out, o.figure); err != nil {
			return err
		}
	}
	if !o.force {
		if _, err := os.Stat(modelPath); err == nil {
			return fmt.Errorf("train: %s exists; use --force to overwrite it or --out for another directory", modelPath)
		}
	}
	cpPath, infoPath := filepath.Join(o.out, checkpointFile), filepath.Join(o.out, resumeFile)
	targets := map[string]*output.Target{}
	var all []*output.Target
	for i, p := range []string{modelPath, histPath, cpPath, infoPath, o.figure} {
		flag := "--out"
		if i == 4 {
			flag = "--figure"
		}
		if p == "" {
			continue
		}
		t, err := output.Resolve(flag, p, inputs...)
		if err != nil {
			return fmt.Errorf("train: %w", err)
		}
		if _, ok := targets[p]; !ok {
			targets[p] = t
		}
		all = append(all, t)
	}
	if err := output.Distinct(all...); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if o.figure != "" && (len(cfg.Data.X) != 1 || len(cfg.Data.Y) != 1) {
		return fmt.Errorf("train: --figure: the default figure needs one covariate and one response column, the config has %d and %d",
			len(cfg.Data.X), len(cfg.Data.Y))
	}
	readStart := time.Now()
	d, err := train.LoadData(fitconfig.Recipe(cfg))
	if err != nil {
		return err
	}
	readSeconds := time.Since(readStart).Seconds()
	defer debug.SetGCPercent(debug.SetGCPercent(gcPercent(tableBytes(d))))
	if limit := memoryLimit(d); limit > 0 && os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(limit))
	}
	fp := fitconfig.FingerprintOf(cfg, d) // before training, which may reorder the rows
	if err := changed(fp); err != nil {
		return err
	}
	scfg, sized := cfg.Sized(d.Train.N)
	if pinned != nil {
		// The recipe the interrupted run trained with, whatever this
		// mdn's size rule would choose now.
		if err := cfg.Pin(pinned); err != nil {
			return fmt.Errorf("train: --resume %s: %s: recipe: %w", o.resume, resumeFile, err)
		}
		scfg, sized = cfg, "the interrupted run's recipe ("+resumeFile+")"
	}
	recipe := fitconfig.Recipe(scfg)
	if st != nil && pinned == nil {
		if err := resumeSkip(o.resume, o.config, st, recipe.Spec.Skip, d.Train.N); err != nil {
			return err
		}
	}
	plan, err := train.PlanOf(recipe, d)
	if err != nil {
		return err
	}
	plan.Sized = sized
	if d.Cal != nil {
		if err := checkCalibrationRows(cfg, d.Cal.N); err != nil {
			return err
		}
	}
	for _, n := range plan.Notes {
		fmt.Fprintf(ios.ErrOut, "mdn: train: %s\n", n)
	}
	for _, w := range plan.Warnings {
		fmt.Fprintf(ios.ErrOut, "mdn: train: warning: %s\n", w)
	}
	fmt.Fprintf(ios.ErrOut, "train: %s\n", plan)
	prog := progress.New(ios.ErrOut, ios.IsStderrTTY())
	m, res, runErr := train.FitResume(ctx, recipe, d, st, func(s train.Progress) {
		prog.Update(progress.State{Step: s.Step, Steps: s.Steps, LR: s.LR, Loss: s.Loss, ValNLL: s.ValNLL, Elapsed: s.Elapsed,
			Networks: s.Networks, Finished: s.Finished, BestValNLL: s.BestValNLL})
	})
	prog.Finish()
	if m == nil {
		return runErr
	}
	m.Training.Config = filepath.Base(o.config)
	m.Training.Created = time.Now().UTC().Format(time.RFC3339)
	interrupted := runErr != nil && ctx.Err() != nil && errors.Is(runErr, ctx.Err())
	calibrated := false
	if d.Cal != nil && (runErr == nil || interrupted) {
		// The weights kept so far of an interrupted run are a model too:
		// calibrated, its intervals hold their level as well.
		if _, err := calibrateModel(m, d.Cal, cfg.Data.CalibrationLevels); err != nil {
			return fmt.Errorf("train: calibrate on %s: %w", calibrationSource(cfg), err)
		}
		calibrated = true
	}
	// model.json, history.csv, the figure and the checkpoint are published
	// together or not at all (output.Batch).
	batch := output.Batch{Journal: dir.Journal()}
	defer batch.Abort()
	add := func(p string, fill func(io.Writer) error) error {
		if err := batch.Add(targets[p], fill); err != nil {
			return fmt.Errorf("train: %w", err)
		}
		return nil
	}
	if err := add(modelPath, m.Encode); err != nil {
		return err
	}
	if err := add(histPath, func(w io.Writer) error { return train.WriteHistory(w, res.History) }); err != nil {
		return err
	}
	drawFig := o.figure != "" && runErr == nil
	if drawFig {
		draw, err := figure.Default(m, d.File(), cfg.Train.Seed, nil, nil, false)
		if err != nil {
			return fmt.Errorf("train: --figure: %w", err)
		}
		if err := add(o.figure, draw); err != nil {
			return err
		}
	}
	if interrupted {
		abs, err := filepath.Abs(o.config)
		if err != nil {
			return fmt.Errorf("train: checkpoint: %w", err)
		}
		cp := &train.Checkpoint{State: res.State,
			Info: train.ResumeInfo{Config: abs, Seed: cfg.Train.Seed, Steps: cfg.Train.Steps, Epochs: cfg.Train.Epochs,
				Ensemble: o.ensemble, Fingerprint: fp, Recipe: recipeValues(scfg)}}
		if err := add(cpPath, cp.WriteState); err != nil {
			return err
		}
		if err := add(infoPath, cp.WriteInfo); err != nil {
			return err
		}
	} else if runErr == nil {
		// A finished run needs no checkpoint.
		batch.Remove(cpPath)
		batch.Remove(infoPath)
	}
	if err := batch.Commit(); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	published = true
	if o.json {
		rep := trainReport{ReadSeconds: readSeconds, TrainSeconds: res.Seconds, Steps: res.Steps, FinalLoss: res.FinalLoss,
			BestStep: res.BestStep, Stopped: res.Stopped, Rollbacks: res.Rollbacks, NoiseScale: res.NoiseScale, NoiseMembers: res.NoiseMembers, Members: len(m.Ensemble) + 1, Model: modelPath, History: histPath}
		if !math.IsNaN(res.ValNLL) {
			v := res.ValNLL
			rep.ValNLL = &v
		}
		if drawFig {
			rep.Figure = o.figure
		}
		if calibrated {
			rep.CalibrationRows = d.Cal.N
		}
		b, err := json.Marshal(rep)
		if err == nil {
			_, err = fmt.Fprintln(ios.Out, string(b))
		}
		if err != nil {
			// The model is published; only the report is lost.
			return fmt.Errorf("train: --json: %w (%s and %s were written)", err, modelPath, histPath)
		}
	} else {
		msg := fmt.Sprintf("trained %d steps in %.2fs: final loss %.4f", res.Steps, res.Seconds, res.FinalLoss)
		if !math.IsNaN(res.ValNLL) {
			msg += fmt.Sprintf(", validation NLL %.4f (best at step %d)", res.ValNLL, res.BestStep)
		}
		if res.Networks > 1 {
			msg = fmt.Sprintf("trained %d networks in %.2fs; kept %s", res.Networks, res.Seconds, res.Kept)
			if !math.IsNaN(res.ValNLL) {
				msg += fmt.Sprintf(": validation NLL %.4f (mean over the kept networks, each on its own hold-out)", res.ValNLL)
			}
		}
		if calibrated {
			msg += fmt.Sprintf("\ncalibrated on %d rows of %s; levels %s", d.Cal.N, calibrationSource(cfg), levelList(m.Calibration.Levels))
		}
		fmt.Fprintf(ios.ErrOut, "%s\nwrote %s and %s\n", msg, modelPath, histPath)
		if drawFig {
			fmt.Fprintf(ios.ErrOut, "wrote %s\n", o.figure)
		}
	}
	if interrupted {
		return &exitError{code: 130, err: fmt.Errorf("%w; wrote %s with the weights kept so far; continue with: mdn train --resume %s", runErr, modelPath, o.out)}
	}
	return runErr
}

// checkCalibrationRows returns an error, naming the config key, when n
// calibration rows are too few for one of data.calibration_levels: it
// stops mdn train before training.
func checkCalibrationRows(cfg *config.Config, n int) error {
	l, ok := tooFewRows(n, cfg.Data.CalibrationLevels)
	if !ok {
		return nil
	}
	need := conformal.MinRows(l)
	if f := cfg.Data.CalibrationFraction; f > 0 {
		return fmt.Errorf("train: data.calibration_fraction: %v holds out %d row%s of data.train, too few for data.calibration_levels %v, which needs at least %d (level/(1 − level)); raise data.calibration_fraction or give a data.calibration file",
			f, n, plural(n), l, need)
	}
	return fmt.Errorf("train: data.calibration: %s: %d row%s, too few for data.calibration_levels %v, which needs at least %d (level/(1 − level))",
		cfg.Data.Calibration, n, plural(n), l, need)
}

// calibrationSource says where the calibration rows of cfg come from.
func calibrationSource(cfg *config.Config) string {
	if f := cfg.Data.CalibrationFraction; f > 0 {
		return fmt.Sprintf("data.train held out for calibration (data.calibration_fraction %v)", f)
	}
	return "data.calibration " + cfg.Data.Calibration
}

// plural is "s" unless n is 1.
func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// openRunDir makes and locks the run directory path (named by flag in
// messages) and recovers it from a run killed there (output.Dir.Recover):
// a publication cut between its renames is rolled back, with a warning,
// and the hidden temporary files of model.json, history.csv, the
// checkpoint and of the figure, when it is in the directory, are removed.
func openRunDir(ios *cli.IOStreams, flag, path, figure string) (*output.Dir, error) {
	dir, err := output.OpenDir(flag, path)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	names := []string{modelFile, historyFile, checkpointFile, resumeFile}
	if figure != "" && samePlace(filepath.Dir(figure), path) {
		names = append(names, filepath.Base(figure))
	}
	back, err := dir.Recover(names...)
	if err != nil {
		dir.Close(false)
		return nil, fmt.Errorf("train: %w", err)
	}
	if len(back) > 0 {
		fmt.Fprintf(ios.ErrOut, "mdn: train: warning: a run killed while publishing left %s half replaced; restored as before it\n", strings.Join(back, ", "))
	}
	return dir, nil
}

// samePlace reports whether directories a and b are the same directory.
func samePlace(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// gcHeadroom is the memory the collector may let garbage take above the
// live heap during training (gcPercent).
const gcHeadroom = 16 << 20

// tableBytes is the memory of d's rows: float64 values and line numbers
// (which train.LoadData drops from a big training file's rows).
func tableBytes(d *train.Data) int64 {
	var b int64
	for _, p := range []*data.Dataset{d.Train, d.Val, d.Cal} {
		if p != nil {
			b += 8 * int64(len(p.X)+len(p.Y)+len(p.Lines))
		}
	}
	return b
}

// memoryLimit is the soft memory limit (runtime/debug.SetMemoryLimit) of a
// training run on d, 0 for none: on a table over gcHeadroom bytes, 1.5 times
// the table plus 96 MB, so that the runtime also returns the freed memory
// of finished networks (their graphs and evaluators) to the system instead
// of keeping it resident. The live heap of a run is the table and the
// graphs of the networks training at once (about 140 MB at 1,000,000 rows
// of 10 columns); a GOMEMLIMIT in the environment takes precedence.
func memoryLimit(d *train.Data) int64 {
	t := tableBytes(d)
	if t <= gcHeadroom {
		return 0
	}
	return t + t/2 + 96<<20
}

// gcPercent is the GOGC of a training run on a table of t bytes. The table
// is held for the whole run and is most of the live heap on a large file,
// while the garbage
// of training (a network's graphs and evaluator, freed when it finishes)
// is small: the default GOGC of 100 would let the heap grow to twice the
// table before collecting. The percentage is that of gcHeadroom over the
// table's bytes, between 2 and 100 (100 below 16 MiB): the table's values
// hold no pointers, so a collection costs the same whatever its size.
func gcPercent(t int64) int {
	if t <= gcHeadroom {
		return 100
	}
	return int(max(2, 100*gcHeadroom/t))
}

// recipeValues is what a checkpoint keeps of the recipe a run trains with,
// c after the size rule: every key but train.threads, which does not change
// the result and which a resumed run may choose anew.
func recipeValues(c *config.Config) map[string]string {
	v := c.Values()
	delete(v, "train.threads")
	return v
}

// resumeSkip refuses the resume of a checkpoint whose networks have (or
// lack) the skip path of model.skip that this run's recipe lacks (or
// has): a checkpoint written by an mdn whose size rule did not yet turn
// model.skip on from config.SkipFrom training rows, resumed on n rows.
// The message says how to resume it as it was written.
func resumeSkip(dir, cfgPath string, st *train.State, skip bool, n int) error {
	has := false
	for _, a := range st.Weights {
		has = has || a.Name == arch.SkipName
	}
	if has == skip {
		return nil
	}
	if !has {
		return fmt.Errorf("train: --resume %s: the checkpoint's networks have no skip path, but the size rule gives this run one (model.skip: true from %d training rows; this run has %d); to resume the run as it was written, set model.skip: false in %s",
			dir, config.SkipFrom, n, cfgPath)
	}
	return fmt.Errorf("train: --resume %s: the checkpoint's networks have a skip path (model.skip), this run's recipe has none; to resume the run as it was written, set model.skip: true in %s", dir, cfgPath)
}
