// Files and encoding shared by the commands: flag checks, input and output
// files, CSV lines.

package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/encode"
	"github.com/mdn-go/mdn/internal/cli"
	"github.com/mdn-go/mdn/internal/output"
	"github.com/mdn-go/mdn/model"
	"github.com/spf13/cobra"
)

// required returns an error naming the first of the flag, value pairs
// whose value is empty: "cmd: --flag is required".
func required(cmd string, flagValues ...string) error {
	for i := 0; i+1 < len(flagValues); i += 2 {
		if flagValues[i+1] == "" {
			return fmt.Errorf("%s: %s is required", cmd, flagValues[i])
		}
	}
	return nil
}

// workers is the number of goroutines that predict and format chunks.
func workers() int { return max(1, runtime.GOMAXPROCS(0)) }

// openInput opens the CSV file path ("-" for standard input) and a reader
// of the covariate columns of schema s, encoded. The caller closes the file.
func openInput(ios *cli.IOStreams, flag, path string, s *encode.Schema) (*encode.Reader, func(), error) {
	r := ios.In
	name := path
	closeFn := func() {}
	if path == "-" {
		name = "<stdin>"
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", flag, err)
		}
		r, closeFn = f, func() { f.Close() }
	}
	rd, err := encode.NewReader(r, name, s)
	if err != nil {
		closeFn()
		return nil, nil, err
	}
	return rd, closeFn, nil
}

// inputOf is the output.Input of a file flag; "-" is the command's
// standard input.
func inputOf(ios *cli.IOStreams, flag, path string) output.Input {
	in := output.Input{Flag: flag, Path: path}
	if f, ok := ios.In.(*os.File); ok {
		in.File = f
	}
	return in
}

// resolveOut checks the output path of flag before any work (package
// internal/output): its directory exists and takes a new file, it is not a
// directory and not the same file as any of inputs. For path "" (standard
// output) it returns nil, after checking that standard output is not one of
// the inputs either.
func resolveOut(ios *cli.IOStreams, cmd, flag, path string, inputs ...output.Input) (*output.Target, error) {
	if path == "" || path == "-" { // "-" is standard output, as --input - is standard input
		if err := output.CheckStdout(ios.Out, inputs...); err != nil {
			return nil, fmt.Errorf("%s: %w", cmd, err)
		}
		return nil, nil
	}
	t, err := output.Resolve(flag, path, inputs...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cmd, err)
	}
	return t, nil
}

// writeStream writes with fill to t (see package internal/output), or
// buffered to standard output when t is nil.
func writeStream(ios *cli.IOStreams, t *output.Target, fill func(w io.Writer) error) error {
	if t == nil {
		bw := bufio.NewWriterSize(ios.Out, 1<<16)
		if err := fill(bw); err != nil {
			bw.Flush()
			return err
		}
		return bw.Flush()
	}
	return t.Write(fill)
}

// parseFloats parses a comma-separated list of numbers given to flag.
func parseFloats(flag, s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%s: %q is not a finite number", flag, strings.TrimSpace(f))
		}
		out = append(out, v)
	}
	return out, nil
}

// columnIndex returns the index of name in names, or an error naming flag
// and listing names.
func columnIndex(flag, name string, names []string, what string) (int, error) {
	for i, n := range names {
		if n == name {
			return i, nil
		}
	}
	return 0, fmt.Errorf("%s: %q is not a %s column of the model; they are %s", flag, name, what, data.QuoteList(names))
}

// schemaFlags are the --unknown-level and --missing flags of the commands
// that read rows with a model.
type schemaFlags struct{ unknown, missing string }

func (s *schemaFlags) add(c *cobra.Command) {
	f := c.Flags()
	f.StringVar(&s.unknown, "unknown-level", "", "a label unseen in training: error, or zero (all its inputs 0); default: the model's data.unknown_level")
	f.StringVar(&s.missing, "missing", "", "a missing cell: error, drop (leave the row out) or impute (models trained with it); default: the model's data.missing")
}

// check checks the flags by themselves, before the model is read: each
// policy given is one of its values. Whether it suits the model (impute
// needs a model trained with it) is for schema.
func (s *schemaFlags) check(cmd string) error {
	if s.unknown != "" {
		if err := encode.Unknown(s.unknown).Validate(); err != nil {
			return fmt.Errorf("%s: --unknown-level: unknown level policy: %w", cmd, err)
		}
	}
	if s.missing != "" {
		if err := encode.Missing(s.missing).Validate(); err != nil {
			return fmt.Errorf("%s: --missing: missing policy: %w", cmd, err)
		}
	}
	return nil
}

// schema returns m's encoding with the flags' policies.
func (s *schemaFlags) schema(m *model.Model) (*encode.Schema, error) {
	out, err := m.Schema().WithPolicies(encode.Unknown(s.unknown), encode.Missing(s.missing))
	if err != nil {
		flag := "--missing"
		if s.unknown != "" && encode.Unknown(s.unknown).Validate() != nil {
			flag = "--unknown-level"
		}
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	return out, nil
}
