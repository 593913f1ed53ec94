package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/internal/cli"
	"github.com/spf13/cobra"
)

// genOptions are mdn gen's argument and flags.
type genOptions struct {
	name string
	n    int
	seed uint64
	out  string
}

// newGenCmd is mdn gen; runF, when not nil, gets the checked options
// instead of runGen.
func newGenCmd(ios *cli.IOStreams, runF func(*genOptions) error) *cobra.Command {
	o := &genOptions{}
	c := &cobra.Command{
		Use:   "gen NAME",
		Short: "Write a synthetic dataset as CSV",
		Long: "Write a synthetic dataset as CSV. Datasets: " + strings.Join(append(data.Names(), data.TableNames()...), ", ") + `.
ex1d is the original project's example: y = linspace(-1, 1, n),
x = 7 sin(5y) + 0.5y + 0.5ε, with x the covariate and y the response.
penguins is a labelled table with missing cells (NA): species, island, sex,
bill_length_mm, flipper_length_mm and body_mass_g, whose p(mass | species,
sex, flipper) is known (package data, WriteTable); see configs/penguins.yaml.`,
		Example: `  mdn gen ex1d --n 512 --seed 0 --out ex1d.csv
  mdn gen penguins --n 2000 --seed 1 --out penguins.csv
  mdn gen ring2d --n 2000 > ring.csv`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.name = args[0]
			if err := o.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return runGen(c.Context(), o, ios)
		},
	}
	c.Flags().IntVar(&o.n, "n", 512, "number of rows")
	c.Flags().Uint64Var(&o.seed, "seed", 0, "random seed")
	c.Flags().StringVar(&o.out, "out", "", "output CSV file (default: standard output)")
	return c
}

// check checks the argument and flags by themselves, before anything is
// read or written (the output path included): a known dataset and --n ≥ 1.
func (o *genOptions) check() error {
	if !slices.Contains(data.TableNames(), o.name) {
		// data.Generate's error for an unknown name, which lists the known.
		if _, err := data.Generate(o.name, 1, rand.New(rand.NewPCG(0, 0))); err != nil {
			return fmt.Errorf("gen: %w", err)
		}
	}
	if o.n < 1 {
		return fmt.Errorf("gen: --n must be ≥ 1, got %d", o.n)
	}
	return nil
}

// runGen writes the dataset o names to o.out or ios.Out.
func runGen(_ context.Context, o *genOptions, ios *cli.IOStreams) error {
	tgt, err := resolveOut(ios, "gen", "--out", o.out)
	if err != nil {
		return err
	}
	if slices.Contains(data.TableNames(), o.name) {
		rng := rand.New(rand.NewPCG(o.seed, 0))
		if err := writeStream(ios, tgt, func(w io.Writer) error { return data.WriteTable(w, o.name, o.n, rng) }); err != nil {
			return fmt.Errorf("gen: %w", err)
		}
		return nil
	}
	rng := rand.New(rand.NewPCG(o.seed, 0))
	if err := writeStream(ios, tgt, func(w io.Writer) error { return data.WriteGenerated(w, o.name, o.n, rng) }); err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	return nil
}
