package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/encode"
	"github.com/mdn-go/mdn/internal/cli"
	"github.com/mdn-go/mdn/plot"
	"github.com/mdn-go/mdn/serve"
	"github.com/spf13/cobra"
)

// parseFlags runs the command that newCmd makes with args and a runF that
// keeps the options: it returns the options as RunE filled and checked
// them, or RunE's error, without doing the command's work. It fails the
// test if the command wrote anything or called runF after an error.
func parseFlags[O any](t *testing.T, newCmd func(*cli.IOStreams, func(*O) error) *cobra.Command, args ...string) (*O, error) {
	t.Helper()
	ios, _, out, errOut := cli.Test()
	var got *O
	c := newCmd(ios, func(o *O) error { got = o; return nil })
	c.SetArgs(args)
	c.SetOut(out)
	c.SetErr(errOut)
	c.SilenceUsage, c.SilenceErrors = true, true
	err := c.Execute()
	if err == nil && got == nil {
		t.Fatalf("%v: no error, and runF was not called", args)
	}
	if err != nil && got != nil {
		t.Fatalf("%v: runF was called, then the error %v", args, err)
	}
	if out.Len() > 0 || errOut.Len() > 0 {
		t.Errorf("%v: wrote %q and %q", args, out, errOut)
	}
	return got, err
}

// wantErr checks that err is the error want.
func wantErr(t *testing.T, args []string, err error, want string) {
	t.Helper()
	if err == nil || err.Error() != want {
		t.Errorf("%v: got error %v, want %q", args, err, want)
	}
}

// TestCalibrateFlags: --level is repeatable and takes comma-separated
// lists; its default is 0.8, 0.9, 0.95; each level is checked.
func TestCalibrateFlags(t *testing.T) {
	base := []string{"--model", "m.json", "--data", "cal.csv", "--out", "c.json"}
	for _, c := range []struct {
		args []string
		want []float64
	}{
		{nil, []float64{0.8, 0.9, 0.95}},
		{[]string{"--level", "0.9", "--level", "0.99"}, []float64{0.9, 0.99}},
		{[]string{"--level", "0.9,0.99"}, []float64{0.9, 0.99}},
		{[]string{"--level=0.5", "--level", "0.6,0.7"}, []float64{0.5, 0.6, 0.7}},
	} {
		args := append(append([]string{}, base...), c.args...)
		o, err := parseFlags(t, newCalibrateCmd, args...)
		if err != nil {
			t.Errorf("%v: %v", c.args, err)
			continue
		}
		if !reflect.DeepEqual(o.levels, c.want) {
			t.Errorf("%v: levels %v, want %v", c.args, o.levels, c.want)
		}
		if o.model != "m.json" || o.data != "cal.csv" || o.out != "c.json" {
			t.Errorf("%v: got %+v", c.args, o)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{append(base, "--level", "0.9", "--level", "1"), "calibrate: --level 1 is not in (0, 1)"},
		{append(base, "--level", "0"), "calibrate: --level 0 is not in (0, 1)"},
		{base[:4], "calibrate: --out is required"},
		{base[2:], "calibrate: --model is required"},
		{append(base, "--level", "x"), `invalid argument "x" for "--level" flag: strconv.ParseFloat: parsing "x": invalid syntax`},
		{[]string{"--model", "m.json", "--data", "cal.csv", "--out", "-"}, "calibrate: --out must be a file, not standard output"},
		{append(base, "--missing", "bogus"), `calibrate: --missing: missing policy: must be one of error, drop, impute; got "bogus"`},
	} {
		_, err := parseFlags(t, newCalibrateCmd, c.args...)
		wantErr(t, c.args, err, c.want)
	}
}

// TestPredictFlags: the defaults of --q and --level, which flags were
// given, and the combinations refused before any file is opened, each
// naming its flags.
func TestPredictFlags(t *testing.T) {
	base := []string{"--model", "m.json", "--input", "in.csv"}
	o, err := parseFlags(t, newPredictCmd, append(base, "--what", "mean")...)
	if err != nil {
		t.Fatal(err)
	}
	if o.what != "mean" || o.level != 0.9 || o.qSet || o.levelSet || o.json || o.out != "" ||
		!reflect.DeepEqual(o.qs, []float64{0.05, 0.5, 0.95}) {
		t.Errorf("defaults: got %+v", o)
	}
	o, err = parseFlags(t, newPredictCmd, append(base, "--what", "quantiles", "--q", "0.1, 0.9")...)
	if err != nil || !o.qSet || !reflect.DeepEqual(o.qs, []float64{0.1, 0.9}) {
		t.Errorf("--q: got %+v, %v", o, err)
	}
	// The default level, given: --level was set.
	o, err = parseFlags(t, newPredictCmd, append(base, "--what", "interval", "--level", "0.9")...)
	if err != nil || !o.levelSet || o.level != 0.9 {
		t.Errorf("--level 0.9: got %+v, %v", o, err)
	}
	// logpdf takes --level (for a calibrated model; the model is checked
	// later) and parses no --q.
	o, err = parseFlags(t, newPredictCmd, append(base, "--what", "logpdf", "--level", "0.8", "--json", "--inputs")...)
	if err != nil || !o.levelSet || o.qs != nil || !o.inputs {
		t.Errorf("logpdf --level: got %+v, %v", o, err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--what", "mean", "--json", "--out", "o.csv"}, "predict: --out and --json are mutually exclusive: --json prints to standard output"},
		{[]string{"--what", "logpdf", "--json", "--out", "o.csv"}, "predict: --out and --json are mutually exclusive: --json prints to standard output"},
		{[]string{"--what", "mean", "--inputs"}, "predict: --inputs is only used with --json"},
		{[]string{"--what", "mean", "--q", "0.5"}, "predict: --q is only used with --what quantiles"},
		{[]string{"--what", "logpdf", "--q", "0.5"}, "predict: --q is only used with --what quantiles"},
		{[]string{"--what", "mode", "--level", "0.5"}, "predict: --level is only used with --what interval and region"},
		{[]string{"--what", "quantiles", "--q", "0.5,0.5"}, "predict: --q: 0.5 is given twice"},
		{[]string{"--what", "quantiles", "--q", "0.5,nan"}, `predict: --q: "nan" is not a finite number`},
		{[]string{"--what", "region", "--level", "1"}, "predict: --level must be in (0, 1), got 1"},
		{[]string{"--what", "median"}, `predict: --what must be one of params, mean, var, mode, quantiles, interval, region, logpdf, got "median"`},
		{[]string{"--what", "mean", "--missing", "bogus"}, `predict: --missing: missing policy: must be one of error, drop, impute; got "bogus"`},
		{[]string{"--what", "logpdf", "--unknown-level", "bogus"}, `predict: --unknown-level: unknown level policy: must be one of error, zero; got "bogus"`},
		{nil, "predict: --what is required"},
	} {
		args := append(append([]string{}, base...), c.args...)
		_, err := parseFlags(t, newPredictCmd, args...)
		wantErr(t, c.args, err, c.want)
	}
	_, err = parseFlags(t, newPredictCmd, "--input", "in.csv", "--what", "mean")
	wantErr(t, nil, err, "predict: --model is required")
}

// TestTrainFlags: --resume takes the run's directory as --out (and
// overwrites it) and refuses the flags that would change the run; an
// explicit --seed 0 or --steps is told from the default.
func TestTrainFlags(t *testing.T) {
	o, err := parseFlags(t, newTrainCmd, "--config", "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if *o != (trainOptions{config: "c.yaml", out: "out"}) {
		t.Errorf("defaults: got %+v", o)
	}
	o, err = parseFlags(t, newTrainCmd, "--config", "c.yaml", "--seed", "0", "--steps", "5", "--out", "d", "--json", "--figure", "f.png")
	if err != nil {
		t.Fatal(err)
	}
	if *o != (trainOptions{config: "c.yaml", out: "d", seedSet: true, steps: 5, stepsSet: true, json: true, figure: "f.png"}) {
		t.Errorf("given: got %+v", o)
	}
	o, err = parseFlags(t, newTrainCmd, "--resume", "run", "--json")
	if err != nil {
		t.Fatal(err)
	}
	if *o != (trainOptions{resume: "run", out: "run", force: true, json: true}) {
		t.Errorf("--resume: got %+v", o)
	}
	o, err = parseFlags(t, newTrainCmd, "--config", "c.yaml", "--ensemble", "3")
	if err != nil {
		t.Fatal(err)
	}
	if *o != (trainOptions{config: "c.yaml", out: "out", ensemble: 3, ensembleSet: true}) {
		t.Errorf("--ensemble: got %+v", o)
	}
	for _, flag := range []string{"--config=c.yaml", "--out=o", "--seed=1", "--steps=3", "--ensemble=2", "--force"} {
		args := []string{"--resume", "run", flag}
		_, err := parseFlags(t, newTrainCmd, args...)
		name, _, _ := strings.Cut(flag, "=")
		wantErr(t, args, err, "train: --resume and "+name+" cannot be used together (the run's own settings are kept)")
	}
	_, err = parseFlags(t, newTrainCmd, "--out", "o")
	wantErr(t, nil, err, `train: required flag "--config" not set`)
	for _, steps := range []string{"0", "-3"} {
		args := []string{"--config", "c.yaml", "--steps", steps}
		_, err = parseFlags(t, newTrainCmd, args...)
		wantErr(t, args, err, "train: --steps must be ≥ 1, got "+steps)
	}
	for _, n := range []string{"0", "-1", "65"} {
		args := []string{"--config", "c.yaml", "--ensemble", n}
		_, err = parseFlags(t, newTrainCmd, args...)
		wantErr(t, args, err, "train: --ensemble must be in [1, 64], got "+n)
	}
	_, err = parseFlags(t, newTrainCmd, "--config", "c.yaml", "extra")
	wantErr(t, nil, err, `unknown command "extra" for "train"`)
}

// TestSampleFlags: the defaults, and --n-samples and --temperature checked
// before any file is opened.
func TestSampleFlags(t *testing.T) {
	base := []string{"--model", "m.json", "--input", "-"}
	o, err := parseFlags(t, newSampleCmd, base...)
	if err != nil {
		t.Fatal(err)
	}
	if o.nSamples != 1 || o.temperature != 1 || o.seed != 0 || o.out != "" || o.input != "-" || o.unknown != "" || o.missing != "" {
		t.Errorf("defaults: got %+v", o)
	}
	o, err = parseFlags(t, newSampleCmd, append(base, "--n-samples", "7", "--seed", "9", "--temperature", "0.5", "--missing", "drop")...)
	if err != nil || o.nSamples != 7 || o.seed != 9 || o.temperature != 0.5 || o.missing != "drop" {
		t.Errorf("given: got %+v, %v", o, err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{append(base, "--n-samples", "0"), "sample: --n-samples must be ≥ 1, got 0"},
		{append(base, "--temperature", "-1"), "sample: --temperature must be finite and > 0, got -1"},
		{append(base, "--temperature", "+Inf"), "sample: --temperature must be finite and > 0, got +Inf"},
		{base[2:], "sample: --model is required"},
		{append(base, "--unknown-level", "skip"), `sample: --unknown-level: unknown level policy: must be one of error, zero; got "skip"`},
		{append(base, "--missing", "zero"), `sample: --missing: missing policy: must be one of error, drop, impute; got "zero"`},
	} {
		_, err := parseFlags(t, newSampleCmd, c.args...)
		wantErr(t, c.args, err, c.want)
	}
}

// TestPlotFlags: the ranges are parsed, and a flag that the kind does not
// use is refused by name.
func TestPlotFlags(t *testing.T) {
	o, err := parseFlags(t, newPlotCmd, "--model", "m.json", "--data", "d.csv", "--out", "p.png", "--kind", "density",
		"--xrange", "-1,2.5", "--by", "species")
	if err != nil {
		t.Fatal(err)
	}
	if o.kind != "density" || o.by != "species" || *o.xr != (plot.Range{Min: -1, Max: 2.5}) || o.yr != nil || o.level != 0.9 {
		t.Errorf("density: got %+v", o)
	}
	if !o.changed("by") || o.changed("seed") {
		t.Error("changed: --by given, --seed not")
	}
	if o, err := parseFlags(t, newPlotCmd, "--kind", "history", "--history", "h.csv", "--out", "-"); err != nil || o.history != "h.csv" || o.model != "" {
		t.Errorf("history: got %+v, %v", o, err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--kind", "pit", "--x", "x"}, "plot: --x is not used with --kind pit"},
		{[]string{"--kind", "history", "--data", "d.csv"}, "plot: --data is not used with --kind history"},
		{[]string{"--kind", "default", "--level", "0.5"}, "plot: --level is not used with --kind default"},
		{[]string{"--kind", "box"}, `plot: --kind must be one of default, density, history, scatter, pit, quantiles, region, got "box"`},
		{[]string{"--yrange", "2,1"}, `plot: --yrange: want min,max with min < max, got "2,1"`},
		{[]string{"--xrange", "1"}, `plot: --xrange: want min,max with min < max, got "1"`},
		{[]string{"--kind", "history", "--missing", "drop"}, "plot: --missing is not used with --kind history"},
		{[]string{"--data", "d.csv", "--missing", "bogus"}, `plot: --missing: missing policy: must be one of error, drop, impute; got "bogus"`},
		// What only the kind and the flags tell, before --model or --data is read.
		{nil, "plot: --kind default needs --model and --data"},
		{[]string{"--kind", "density", "--x", "x"}, "plot: --kind density needs --model and --data"},
		{[]string{"--kind", "region", "--data", "d.csv", "--level", "1"}, "plot: --level must be in (0, 1), got 1"},
		{[]string{"--kind", "region", "--data", "d.csv", "--level", "0"}, "plot: --level must be in (0, 1), got 0"},
		{[]string{"--kind", "scatter", "--data", "d.csv", "--y", "a"}, `plot: --y: want two response columns a,b for --kind scatter, got "a"`},
		{[]string{"--kind", "scatter", "--data", "d.csv", "--y", "a,b,c"}, `plot: --y: want two response columns a,b for --kind scatter, got "a,b,c"`},
	} {
		args := append([]string{"--model", "m.json", "--out", "p.png"}, c.args...)
		_, err := parseFlags(t, newPlotCmd, args...)
		wantErr(t, c.args, err, c.want)
	}
	_, err = parseFlags(t, newPlotCmd, "--model", "m.json")
	wantErr(t, nil, err, "plot: --out is required")
	_, err = parseFlags(t, newPlotCmd, "--kind", "history", "--out", "h.png")
	wantErr(t, nil, err, "plot: --kind history needs --history or --model (to find history.csv next to it)")
	if o, err := parseFlags(t, newPlotCmd, "--model", "m.json", "--data", "d.csv", "--kind", "scatter", "--y", "b, a", "--out", "s.png"); err != nil || !reflect.DeepEqual(o.ys, []string{"b", " a"}) {
		t.Errorf("scatter --y b, a: got %+v, %v", o, err)
	}
}

// TestServeFlags: the defaults are package serve's, the policies become
// serve's types, and every limit must be positive.
func TestServeFlags(t *testing.T) {
	o, err := parseFlags(t, newServeCmd, "--model", "m.json")
	if err != nil {
		t.Fatal(err)
	}
	want := serve.Options{Model: "m.json", Addr: serve.DefaultAddr, MaxBodyBytes: serve.DefaultMaxBodyBytes,
		MaxRows: serve.DefaultMaxRows, MaxDraws: serve.DefaultMaxDraws, ReadHeaderTimeout: serve.DefaultReadHeaderTimeout,
		ReadTimeout: serve.DefaultReadTimeout, WriteTimeout: serve.DefaultWriteTimeout, IdleTimeout: serve.DefaultIdleTimeout,
		DrainTimeout: serve.DefaultDrainTimeout, MaxInFlight: serve.DefaultMaxInFlight(), QueueWait: serve.DefaultQueueWait,
		MaxAnswerBytes: serve.DefaultMaxAnswerBytes, MaxMemoryBytes: serve.DefaultMaxMemoryBytes}
	if !reflect.DeepEqual(o.Options, want) {
		t.Errorf("defaults:\n got %+v\nwant %+v", o.Options, want)
	}
	o, err = parseFlags(t, newServeCmd, "--model", "m.json", "--unknown-level", "zero", "--missing", "impute", "--addr", ":0")
	if err != nil || o.UnknownLevel != encode.UnknownZero || o.Missing != encode.MissingImpute || o.Addr != ":0" {
		t.Errorf("policies: got %+v, %v", o, err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--model", "m.json", "--queue-wait", "0s"}, "serve: --queue-wait must be > 0"},
		{[]string{"--model", "m.json", "--max-draws", "-1"}, "serve: --max-draws must be > 0"},
		{[]string{"--model", "m.json", "--missing", "bogus"}, `serve: --missing must be one of error, drop, impute; got "bogus"`},
		{[]string{"--max-rows", "5"}, "serve: --model is required"},
	} {
		_, err := parseFlags(t, newServeCmd, c.args...)
		wantErr(t, c.args, err, c.want)
	}
}

// TestGenEvalFlags: gen's dataset is its one argument; --n is checked;
// eval needs --model and --data.
func TestGenEvalFlags(t *testing.T) {
	g, err := parseFlags(t, newGenCmd, "ring2d", "--n", "5", "--seed", "2")
	if err != nil || *g != (genOptions{name: "ring2d", n: 5, seed: 2}) {
		t.Errorf("gen: got %+v, %v", g, err)
	}
	if g, err := parseFlags(t, newGenCmd, "ex1d"); err != nil || g.n != 512 {
		t.Errorf("gen default --n: got %+v, %v", g, err)
	}
	_, err = parseFlags(t, newGenCmd, "ex1d", "--n", "0")
	wantErr(t, nil, err, "gen: --n must be ≥ 1, got 0")
	_, err = parseFlags(t, newGenCmd)
	wantErr(t, nil, err, "accepts 1 arg(s), received 0")
	_, err = parseFlags(t, newGenCmd, "ex2d", "--n", "0")
	wantErr(t, nil, err, `gen: data: unknown dataset "ex2d"; known: `+strings.Join(data.Names(), ", ")+" (tables: "+strings.Join(data.TableNames(), ", ")+")")
	if g, err := parseFlags(t, newGenCmd, "penguins"); err != nil || g.name != "penguins" {
		t.Errorf("gen penguins (a table): got %+v, %v", g, err)
	}

	e, err := parseFlags(t, newEvalCmd, "--model", "m.json", "--data", "d.csv", "--json", "--seed", "4")
	if err != nil || *e != (evalOptions{model: "m.json", data: "d.csv", json: true, seed: 4}) {
		t.Errorf("eval: got %+v, %v", e, err)
	}
	_, err = parseFlags(t, newEvalCmd, "--model", "m.json")
	wantErr(t, nil, err, "eval: --data is required")
	_, err = parseFlags(t, newEvalCmd, "--model", "m.json", "--data", "d.csv", "--unknown-level", "drop")
	wantErr(t, nil, err, `eval: --unknown-level: unknown level policy: must be one of error, zero; got "drop"`)
}

// TestFlagMistakesFirst: a command line with a flag mistake and a file
// mistake (a missing config, model or data file, an output in a missing
// directory) is refused for the flag: what the flags alone tell is checked
// before any file is looked at. Nothing is written.
func TestFlagMistakesFirst(t *testing.T) {
	dir := t.TempDir()
	none := filepath.Join(dir, "none")         // no such file
	out := filepath.Join(dir, "no", "out.png") // in a missing directory
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"train", "--config", none, "--out", filepath.Join(dir, "run"), "--steps", "0"}, "mdn: train: --steps must be ≥ 1, got 0"},
		{[]string{"plot", "--model", none, "--kind", "density", "--out", out}, "mdn: plot: --kind density needs --model and --data"},
		{[]string{"plot", "--model", none, "--data", none, "--kind", "region", "--level", "1.5", "--out", out}, "mdn: plot: --level must be in (0, 1), got 1.5"},
		{[]string{"plot", "--model", none, "--data", none, "--kind", "scatter", "--y", "a", "--out", out}, `mdn: plot: --y: want two response columns a,b for --kind scatter, got "a"`},
		{[]string{"plot", "--kind", "history", "--out", out}, "mdn: plot: --kind history needs --history or --model (to find history.csv next to it)"},
		{[]string{"plot", "--model", none, "--data", none, "--missing", "bogus", "--out", out}, `mdn: plot: --missing: missing policy: must be one of error, drop, impute; got "bogus"`},
		{[]string{"gen", "ex2d", "--out", out}, `mdn: gen: data: unknown dataset "ex2d"; known: ` + strings.Join(data.Names(), ", ") + " (tables: " + strings.Join(data.TableNames(), ", ") + ")"},
		{[]string{"calibrate", "--model", none, "--data", none, "--out", "-"}, "mdn: calibrate: --out must be a file, not standard output"},
		{[]string{"sample", "--model", none, "--input", none, "--unknown-level", "bogus", "--out", out}, `mdn: sample: --unknown-level: unknown level policy: must be one of error, zero; got "bogus"`},
		{[]string{"eval", "--model", none, "--data", none, "--missing", "bogus"}, `mdn: eval: --missing: missing policy: must be one of error, drop, impute; got "bogus"`},
	} {
		stdout, stderr, code := mdnRun(t, "", c.args...)
		if code != 1 || stderr != c.want+"\n" || stdout != "" {
			t.Errorf("%v: got exit %d, stdout %q, stderr %q; want exit 1, %q", c.args, code, stdout, stderr, c.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files written: %v", entries)
	}
}
