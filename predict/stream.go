package predict

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/encode"
	"github.com/mdn-go/mdn/mixture"
	"github.com/mdn-go/mdn/model"
)

// ChunkRows is the number of input rows that Stream reads, predicts and
// hands to a worker at a time.
const ChunkRows = 4096

// Stream predicts the rows of rd (the model's covariate columns) in
// parallel and in bounded memory: it reads chunks of ChunkRows rows,
// computes each row's predictive mixture (Chunk.Mix, original units) on
// workers goroutines, calls a worker function on the chunk to format its
// text into Chunk.Out, and writes the chunks' text to w in input order.
// Each goroutine gets its own function from newWorker, so it may keep
// scratch (and an RNG: Chunk.Seq numbers the chunks from 0, so a seed per
// chunk makes the output independent of workers). If the network fails on
// a row (a mean that overflows, say), the error names the input and the
// row's line.
//
// At most workers+2 chunks exist at once, so memory does not grow with the
// input. Stream returns the first error: a read error (after writing the
// chunks before it), a worker's error, a write error, or ctx's error.
//
// rd is an encode.Reader of m.Schema() (labels and missing cells encoded as
// in training; encode.Numeric of the columns for a model without labels).
// When rd can give each row's covariate fields (Fields, as encode.Reader
// does) and m has an encoding, the chunks keep them for Chunk.Given and
// Chunk.AppendX.
func Stream(ctx context.Context, m *model.Model, rd Rows, workers int, newWorker func() func(*Chunk) error, w io.Writer) error {
	in := m.Spec.In
	base := m.Predictor(ChunkRows) // the workers share its stacked weights
	wrap := func() func(*Chunk) error {
		p := base.WithBatch(ChunkRows)
		work := newWorker()
		return func(c *Chunk) error {
			var err error
			if c.Mix, err = predictChunk(p, c, in, rd.Name()); err != nil {
				return err
			}
			return work(c)
		}
	}
	return stream(ctx, m, rd, workers, wrap, w)
}

// StreamInputs is Stream without the prediction: the workers get each
// chunk's rows (X, Lines, Given) with Chunk.Mix nil, for a worker that
// predicts only what it needs (MemberDraws). Reading, chunking, order,
// cancellation and errors are Stream's.
func StreamInputs(ctx context.Context, m *model.Model, rd Rows, workers int, newWorker func() func(*Chunk) error, w io.Writer) error {
	return stream(ctx, m, rd, workers, newWorker, w)
}

// stream is Stream with the workers' functions given as they are.
func stream(ctx context.Context, m *model.Model, rd Rows, workers int, newWorker func() func(*Chunk) error, w io.Writer) error {
	var fd fielder
	var sch *encode.Schema
	if f, ok := rd.(fielder); ok && m.Encoding != nil {
		fd, sch = f, m.Schema()
	}
	return streamRows(ctx, rd, fd, sch, m.Spec.In, max(1, workers), newWorker, w)
}

// Rows is a source of encoded input rows for Stream: encode.Reader.
type Rows interface {
	// Next returns the next row's network inputs appended to dst[:0], or
	// io.EOF at the end.
	Next(dst []float64) ([]float64, error)
	// Line is the physical line of the row Next returned.
	Line() int
	// Name is the input's name in messages.
	Name() string
}

// fielder is a Rows that gives the current row's covariate fields as the
// input had them (trimmed).
type fielder interface {
	Fields() []string
}

var _ Rows = (*encode.Reader)(nil)

// AppendX appends row i's covariates as CSV fields to buf: as the input
// had them for a model with labels (a label as its text, a missing cell as
// its token; encode.Schema.AppendText), else the values of X formatted with
// 'g' -1.
func (c *Chunk) AppendX(buf []byte, i int) []byte {
	in := len(c.X) / max(c.N, 1)
	x := c.X[i*in : (i+1)*in]
	if c.fend == nil {
		return data.AppendFloats(buf, true, x...)
	}
	c.given = c.Given(i, c.given)
	return c.sch.AppendText(buf, c.given, x)
}

// Given returns row i's covariate fields as the input had them (trimmed,
// in the order of the model's columns), appended to dst[:0], for a model
// with an encoding read through an encode.Reader; nil otherwise. The
// strings stay valid after the chunk is reused.
func (c *Chunk) Given(i int, dst []string) []string {
	if c.fend == nil {
		return nil
	}
	if len(c.fstr) != len(c.ftext) {
		c.fstr = string(c.ftext) // one copy per chunk; the fields are its substrings
	}
	dst = dst[:0]
	lo := 0
	if i > 0 {
		lo = c.fend[i*c.nf-1]
	}
	for _, hi := range c.fend[i*c.nf : (i+1)*c.nf] {
		dst = append(dst, c.fstr[lo:hi])
		lo = hi
	}
	return dst
}

// predictChunk returns the mixtures of the rows of c, reusing c.Mix. If
// the network fails on a row, the error names the row's line.
func predictChunk(p *model.Predictor, c *Chunk, xdim int, name string) ([]mixture.Mixture, error) {
	mix, bad, err := predictRows(p, c.X, c.N, xdim, c.Mix)
	if err != nil && bad >= 0 {
		return nil, fmt.Errorf("%s: line %d: model output: %w", name, c.Lines[bad], err)
	}
	return mix, err
}

// predictRows returns the mixtures of the n rows of x (xdim values each),
// reusing dst. If the network fails on a row, it returns the index of the
// first such row and the reason without Predict's "row i" context (found
// by predicting the rows one by one), else −1 and Predict's error.
func predictRows(p *model.Predictor, x []float64, n, xdim int, dst []mixture.Mixture) ([]mixture.Mixture, int, error) {
	mix, err := p.Predict(x, n, dst)
	if err == nil {
		return mix, -1, nil
	}
	for i := range n {
		if _, e := p.Predict(x[i*xdim:(i+1)*xdim], 1, nil); e != nil {
			if inner := errors.Unwrap(e); inner != nil {
				e = inner
			}
			return nil, i, e
		}
	}
	return nil, -1, err
}

// Chunk is a block of up to ChunkRows input rows on its way through
// Stream: the rows, their predictive mixtures, and the text a worker
// formats from them.
type Chunk struct {
	Seq   int       // index of the chunk, from 0
	Row0  int       // index of its first row in the input, from 0
	N     int       // rows in the chunk
	X     []float64 // (N, In) covariates, original units
	Lines []int     // physical line of each row in the input file
	// Mix holds the predictive mixture of each row (len N), valid until
	// the worker returns; nil under StreamInputs.
	Mix []mixture.Mixture
	Out []byte // the text to write for the chunk
	err error  // a read error, after the chunk's rows

	// The covariate fields as the input had them (see Given), for a model
	// with an encoding: their text one after the other, the end of each
	// field in it (nil without fields), nf fields per row.
	ftext []byte
	fend  []int
	nf    int
	fstr  string         // ftext as a string, made by the first Given
	sch   *encode.Schema // the schema of the fields
	given []string       // AppendX's scratch
}

// streamRows reads the rows of rd (xdim values each) in chunks of ChunkRows,
// formats each chunk with a worker function on `workers` goroutines (each
// goroutine gets its own function from newWorker, so it may keep scratch),
// and writes the chunks' text to w in input order.
// At most workers+2 chunks exist at once, so memory does not grow with the
// input. It returns the first error: a read error (after writing the chunks
// before it), a worker's error, a write error, or ctx's error.
func streamRows(ctx context.Context, rd Rows, fd fielder, sch *encode.Schema, xdim, workers int, newWorker func() func(*Chunk) error, w io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	nbuf := workers + 2
	free := make(chan *Chunk, nbuf)
	for range nbuf {
		free <- &Chunk{X: make([]float64, 0, ChunkRows*xdim), Lines: make([]int, 0, ChunkRows)}
	}
	jobs := make(chan *Chunk, nbuf)
	done := make(chan *Chunk, nbuf) // never blocks: at most nbuf chunks exist

	go func() { // reader
		defer close(jobs)
		var vals []float64
		row := 0
		for seq := 0; ; seq++ {
			var c *Chunk
			select {
			case c = <-free:
			case <-ctx.Done():
				return
			}
			c.Seq, c.Row0, c.N, c.err = seq, row, 0, nil
			c.X, c.Lines, c.Out, c.ftext, c.fstr = c.X[:0], c.Lines[:0], c.Out[:0], c.ftext[:0], ""
			if fd != nil {
				c.fend, c.sch, c.nf = c.fend[:0], sch, len(sch.Columns)
			}
			last := false
			for c.N < ChunkRows {
				var err error
				if vals, err = rd.Next(vals); err != nil {
					if err != io.EOF {
						c.err = err
					}
					last = true
					break
				}
				c.X = append(c.X, vals...)
				c.Lines = append(c.Lines, rd.Line())
				if fd != nil {
					for _, f := range fd.Fields() {
						c.ftext = append(c.ftext, f...)
						c.fend = append(c.fend, len(c.ftext))
					}
				}
				c.N++
			}
			row += c.N
			if c.N == 0 && c.err == nil {
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
	pending := make(map[int]*Chunk, nbuf)
	next := 0
	for c := range done {
		if werr != nil {
			continue // drain, so that the workers can finish
		}
		pending[c.Seq] = c
		for pc, ok := pending[next]; ok; pc, ok = pending[next] {
			delete(pending, next)
			next++
			if pc.err != nil {
				werr = pc.err
				cancel()
				break
			}
			// A worker that wrote its chunk to w itself (mdn sample with
			// many draws a row) leaves Out empty: w is then not touched
			// here, so that the two goroutines never share it.
			if len(pc.Out) > 0 {
				if _, err := w.Write(pc.Out); err != nil {
					werr = err
					cancel()
					break
				}
			}
			free <- pc
		}
	}
	if werr != nil {
		return werr
	}
	return ctx.Err()
}
