package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/internal/cli"
	"github.com/mdn-go/mdn/mixture"
	"github.com/mdn-go/mdn/model"
	"github.com/mdn-go/mdn/predict"
	"github.com/spf13/cobra"
)

// directSamples is the number of draws per row above which sample streams
// each row's lines as it draws them (one worker) rather than formatting
// whole chunks in parallel: (workers+2)·ChunkRows·directSamples lines, about
// 40 MB on two cores, is the most that is held in memory. (A variable
// only so that a test can compare both paths.)
var directSamples = 64

// sampleOptions are mdn sample's flags.
type sampleOptions struct {
	model       string
	input       string
	nSamples    int
	seed        uint64
	temperature float64
	out         string
	schemaFlags
}

// newSampleCmd is mdn sample; runF, when not nil, gets the checked options
// instead of runSample.
func newSampleCmd(ios *cli.IOStreams, runF func(*sampleOptions) error) *cobra.Command {
	o := &sampleOptions{}
	c := &cobra.Command{
		Use:   "sample --model FILE --input CSV",
		Short: "Draw responses y from the model's p(y|x) for each input row",
		Long: `Draw --n-samples values of y from the model's predictive mixture
p(y|x) = Σ_k π_k N(y; μ_k(x), Σ_k(x)) for every row of the input CSV, which
needs the model's covariate columns (other columns are ignored; "-" reads
standard input). The output CSV has the covariate columns, then the response
columns, one line per draw: N lines per input row, in input order.

The input is streamed in chunks of 4096 rows, so memory does not grow with its
size. The draws are reproducible: chunk c (rows 4096c…) uses its own PCG
stream seeded with (--seed, c), so the output depends on --seed and the input
only, not on the number of CPUs.

A draw from a one-network model, or from an ensemble at --temperature other
than 1 or with more than 64 draws per row, comes from the row's whole mixture
(an ensemble of M members: M·K components with weights π_mk/M). From an
ensemble at temperature 1 with at most 64 draws per row, each draw's member is
chosen first, uniformly, and the draw comes from that member's mixture, so
that only the chosen members' networks run (one draw per row costs about one
network, not M). Both follow the same distribution, (1/M) Σ_m p_m(y|x), but
for the same --seed such draws differ from those of earlier versions of mdn.

--temperature T samples from a tempered mixture, as keras-mdn-layer's sampler
does: the logits log π_k are divided by T (then renormalized) and every σ is
multiplied by √T (Σ_k by T); the means are unchanged. T < 1 favours the
heaviest component and narrows it (T → 0 is greedy prediction), T > 1
flattens the weights and widens the components.`,
		Example: `  mdn sample --model out/model.json --input testdata/ex1d_test.csv --n-samples 5 --seed 1 --out draws.csv
  mdn gen ex1d --n 1000 | mdn sample --model out/model.json --input - --temperature 0.5`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return runSample(c.Context(), o, ios)
		},
	}
	o.schemaFlags.add(c)
	f := c.Flags()
	f.StringVar(&o.model, "model", "", "model file written by mdn train (required)")
	f.StringVar(&o.input, "input", "", `input CSV with the model's covariate columns, "-" for standard input (required)`)
	f.IntVar(&o.nSamples, "n-samples", 1, "draws per input row, ≥ 1")
	f.Uint64Var(&o.seed, "seed", 0, "random seed")
	f.Float64Var(&o.temperature, "temperature", 1, "sampling temperature, > 0: logits / T, σ·√T")
	f.StringVar(&o.out, "out", "", "output CSV file (default: standard output)")
	return c
}

// check checks the flags by themselves, before anything is read or written.
func (o *sampleOptions) check() error {
	if err := required("sample", "--model", o.model, "--input", o.input); err != nil {
		return err
	}
	if err := o.schemaFlags.check("sample"); err != nil {
		return err
	}
	if o.nSamples < 1 {
		return fmt.Errorf("sample: --n-samples must be ≥ 1, got %d", o.nSamples)
	}
	if mixture.CheckTemperature(o.temperature) != nil {
		return fmt.Errorf("sample: --temperature must be finite and > 0, got %v", o.temperature)
	}
	return nil
}

// runSample writes o.nSamples draws for every row of o.input to o.out or
// ios.Out.
func runSample(ctx context.Context, o *sampleOptions, ios *cli.IOStreams) error {
	tgt, err := resolveOut(ios, "sample", "--out", o.out, inputOf(ios, "--model", o.model), inputOf(ios, "--input", o.input))
	if err != nil {
		return err
	}
	m, err := model.Load(o.model)
	if err != nil {
		return fmt.Errorf("sample: %w", err)
	}
	sch, err := o.schema(m)
	if err != nil {
		return fmt.Errorf("sample: %w", err)
	}
	rd, closeIn, err := openInput(ios, "--input", o.input, sch)
	if err != nil {
		return fmt.Errorf("sample: %w", err)
	}
	defer closeIn()
	out := m.Spec.Out
	// direct is the writer that a worker writes its lines to itself, for
	// many draws per row: then one worker formats the chunks in order and
	// streams them out, instead of holding ChunkRows·n-samples lines.
	var direct io.Writer
	// members, for an ensemble at temperature 1 with at most
	// predict.MaxMemberDraws draws a row (predict.MemberFirst): each
	// draw's member is chosen first and only the chosen members' networks
	// run (predict.MemberDraws). Otherwise every row's whole mixture of
	// M·K components is predicted.
	var members *predict.Members
	if predict.MemberFirst(m, o.temperature, o.nSamples) {
		members = predict.NewMembers(m)
	}
	newWorker := func() func(*predict.Chunk) error {
		y := make([]float64, out)
		var text []byte
		pcg := rand.NewPCG(0, 0)
		rng := rand.New(pcg)
		var md *predict.MemberDraws
		if members != nil {
			md = members.Draws(o.nSamples, rd.Name())
		}
		return func(c *predict.Chunk) error {
			pcg.Seed(o.seed, uint64(c.Seq))
			if md != nil {
				if err := md.Choose(c, rng); err != nil {
					return err
				}
			}
			buf := c.Out[:0]
			for i := range c.N {
				var mi *mixture.Mixture
				if md == nil {
					mi = &c.Mix[i]
					if o.temperature != 1 {
						mi = mi.WithTemperature(o.temperature)
					}
				}
				text = c.AppendX(text[:0], i)
				for s := range o.nSamples {
					if md != nil {
						mi = md.Mixture(i, s)
					}
					mi.Sample(rng, y)
					for j, v := range y {
						if math.IsNaN(v) || math.IsInf(v, 0) {
							return fmt.Errorf("%s: line %d: draw %d of %s is %v (beyond the float64 range)",
								rd.Name(), c.Lines[i], s, m.YNames[j], v)
						}
					}
					buf = append(buf, text...)
					buf = data.AppendFloats(buf, false, y...)
					buf = append(buf, '\n')
					if direct != nil && (len(buf) >= 1<<16 || s == o.nSamples-1) {
						if _, err := direct.Write(buf); err != nil {
							return err
						}
						buf = buf[:0]
						if ctx.Err() != nil {
							return ctx.Err()
						}
					}
				}
			}
			c.Out = buf
			return nil
		}
	}
	err = writeStream(ios, tgt, func(w io.Writer) error {
		if _, err := w.Write(data.CSVHeader(m.Columns(), m.YNames)); err != nil {
			return err
		}
		nw := workers()
		if o.nSamples > directSamples {
			direct, nw = w, 1
		}
		if members != nil {
			return predict.StreamInputs(ctx, m, rd, nw, newWorker, w)
		}
		return predict.Stream(ctx, m, rd, nw, newWorker, w)
	})
	if n := rd.Dropped(); n > 0 && err == nil {
		fmt.Fprintf(ios.ErrOut, "mdn: sample: left out %d input rows with a missing cell (missing: drop)\n", n)
	}
	if errors.Is(err, context.Canceled) {
		return &exitError{code: 130, err: fmt.Errorf("sample: interrupted: %w", err)}
	}
	if err != nil {
		return fmt.Errorf("sample: %w", err)
	}
	return nil
}
