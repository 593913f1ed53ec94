package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/internal/output"
	"github.com/mdn-go/mdn/mixture"
	"github.com/mdn-go/mdn/model"
	"github.com/spf13/cobra"
)

// extraCommands are the commands that use a trained model: sample, predict,
// eval and plot.
func extraCommands(io streams) []*cobra.Command {
	return []*cobra.Command{newSampleCmd(io), newPredictCmd(io), newEvalCmd(io), newPlotCmd(io)}
}

// chunkRows is the number of input rows that sample and predict read,
// predict and format at a time.
const chunkRows = 4096

// chunk is a block of up to chunkRows input rows on its way through
// streamRows, and the text formatted from them.
type chunk struct {
	seq   int       // index of the chunk, from 0
	row0  int       // index of its first row in the input, from 0
	n     int       // rows in the chunk
	x     []float64 // (n, XDim) covariates
	lines []int     // physical line of each row in the input file
	out   []byte    // the text to write for the chunk
	err   error     // a read error, after the chunk's rows
}

// streamRows reads the rows of rd (xdim values each) in chunks of chunkRows,
// formats each chunk with a worker function on `workers` goroutines (each
// goroutine gets its own function from newWorker, so it may keep a
// Predictor and scratch), and writes the chunks' text to w in input order.
// At most workers+2 chunks exist at once, so memory does not grow with the
// input. It returns the first error: a read error (after writing the chunks
// before it), a worker's error, a write error, or ctx's error.
func streamRows(ctx context.Context, rd *data.Reader, xdim, workers int, newWorker func() func(*chunk) error, w io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	nbuf := workers + 2
	free := make(chan *chunk, nbuf)
	for range nbuf {
		free <- &chunk{x: make([]float64, 0, chunkRows*xdim), lines: make([]int, 0, chunkRows)}
	}
	jobs := make(chan *chunk, nbuf)
	done := make(chan *chunk, nbuf) // never blocks: at most nbuf chunks exist

	go func() { // reader
		defer close(jobs)
		var vals []float64
		row := 0
		for seq := 0; ; seq++ {
			var c *chunk
			select {
			case c = <-free:
			case <-ctx.Done():
				return
			}
			c.seq, c.row0, c.n, c.err = seq, row, 0, nil
			c.x, c.lines, c.out = c.x[:0], c.lines[:0], c.out[:0]
			last := false
			for c.n < chunkRows {
				var err error
				if vals, err = rd.Next(vals); err != nil {
					if err != io.EOF {
						c.err = err
					}
					last = true
					break
				}
				c.x = append(c.x, vals...)
				c.lines = append(c.lines, rd.Line())
				c.n++
			}
			row += c.n
			if c.n == 0 && c.err == nil {
				return // the input ended on a chunk boundary
			}
			select {
			case jobs <- c:
			case <-ctx.Done():
				return
			}
			if last {
				return
			}
		}
	}()

	var wg sync.WaitGroup
	for range workers {
		work := newWorker()
		wg.Go(func() {
			for c := range jobs {
				if c.err == nil && ctx.Err() == nil {
					c.err = work(c)
				}
				done <- c
			}
		})
	}
	go func() { wg.Wait(); close(done) }()

	var werr error
	pending := make(map[int]*chunk, nbuf)
	next := 0
	for c := range done {
		if werr != nil {
			continue // drain, so that the workers can finish
		}
		pending[c.seq] = c
		for pc, ok := pending[next]; ok; pc, ok = pending[next] {
			delete(pending, next)
			next++
			if pc.err != nil {
				werr = pc.err
				cancel()
				break
			}
			if _, err := w.Write(pc.out); err != nil {
				werr = err
				cancel()
				break
			}
			free <- pc
		}
	}
	if werr != nil {
		return werr
	}
	return ctx.Err()
}

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

// openInput opens the CSV file path ("-" for standard input) and a
// data.Reader of its columns cols. The caller closes the file.
func openInput(st streams, flag, path string, cols []string) (*data.Reader, func(), error) {
	r := st.in
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
	rd, err := data.NewReader(r, name, cols)
	if err != nil {
		closeFn()
		return nil, nil, err
	}
	return rd, closeFn, nil
}

// predictChunk returns the mixtures of the rows of c. If the network fails
// on a row (a σ that overflows, say), the error names the row's line.
func predictChunk(p *model.Predictor, c *chunk, xdim int, name string, dst []mixture.Mixture) ([]mixture.Mixture, error) {
	mix, err := p.Predict(c.x, c.n, dst)
	if err == nil {
		return mix, nil
	}
	for i := range c.n {
		if _, e := p.Predict(c.x[i*xdim:(i+1)*xdim], 1, nil); e != nil {
			if inner := errors.Unwrap(e); inner != nil {
				e = inner
			}
			return nil, fmt.Errorf("%s: line %d: model output: %w", name, c.lines[i], e)
		}
	}
	return nil, err
}

// inputOf is the output.Input of a file flag; "-" is the command's
// standard input.
func inputOf(st streams, flag, path string) output.Input {
	in := output.Input{Flag: flag, Path: path}
	if f, ok := st.in.(*os.File); ok {
		in.File = f
	}
	return in
}

// resolveOut checks the output path of flag before any work (package
// internal/output): its directory exists and takes a new file, it is not a
// directory and not the same file as any of inputs. For path "" (standard
// output) it returns nil, after checking that standard output is not one of
// the inputs either.
func resolveOut(st streams, cmd, flag, path string, inputs ...output.Input) (*output.Target, error) {
	if path == "" {
		if err := output.CheckStdout(st.out, inputs...); err != nil {
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
func writeStream(st streams, t *output.Target, fill func(w io.Writer) error) error {
	if t == nil {
		bw := bufio.NewWriterSize(st.out, 1<<16)
		if err := fill(bw); err != nil {
			bw.Flush()
			return err
		}
		return bw.Flush()
	}
	return t.Write(fill)
}

// csvHeader returns the CSV header line of names, quoted where CSV needs it.
func csvHeader(names ...[]string) []byte {
	var all []string
	for _, ns := range names {
		all = append(all, ns...)
	}
	var b strings.Builder
	cw := csv.NewWriter(&b)
	cw.Write(all)
	cw.Flush()
	return []byte(b.String())
}

// appendFloats appends the values of vs to buf, each preceded by a comma
// unless it is the first field of the line (first is true).
func appendFloats(buf []byte, first bool, vs ...float64) []byte {
	for i, v := range vs {
		if i > 0 || !first {
			buf = append(buf, ',')
		}
		buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
	}
	return buf
}

// prefixed returns prefix+name for each name.
func prefixed(prefix string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
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
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return 0, fmt.Errorf("%s: %q is not a %s column of the model; they are %s", flag, name, what, strings.Join(q, ", "))
}
