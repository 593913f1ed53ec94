package train

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/mdn-go/mdn/data"
)

// historyColumns are the columns of a history CSV, in order.
var historyColumns = []string{"step", "lr", "train_loss", "val_nll"}

// WriteHistory writes h as CSV with the header step,lr,train_loss,val_nll:
// one line per step, numbers in shortest round-trip form, an empty field
// for NaN (val_nll of a step without validation).
func WriteHistory(w io.Writer, h []Record) error {
	if _, err := io.WriteString(w, strings.Join(historyColumns, ",")+"\n"); err != nil {
		return err
	}
	var buf []byte
	for _, r := range h {
		buf = strconv.AppendInt(buf[:0], int64(r.Step), 10)
		for _, v := range []float64{r.LR, r.Loss, r.ValNLL} {
			buf = append(buf, ',')
			if !math.IsNaN(v) {
				buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
			}
		}
		buf = append(buf, '\n')
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

// ReadHistory reads a history CSV as WriteHistory writes it, through
// data.Reader, the CSV reader of every data file: its header, quoting, line
// limit and messages. The columns step, train_loss and val_nll are required
// (in any order; others, such as lr, are optional, missing ones NaN); an
// empty train_loss, val_nll or lr is NaN, and step is a whole number from 0
// to math.MaxInt32. Errors are *data.Error values naming the file (name),
// the line and the column.
func ReadHistory(r io.Reader, name string) ([]Record, error) {
	rd, err := data.NewReader(r, name, historyRequired)
	if err != nil {
		return nil, err
	}
	lr := slices.Index(rd.Header(), "lr")
	var (
		h      []Record
		fields []string
	)
	for {
		fields, err = rd.NextFields(fields)
		if err == io.EOF {
			return h, nil
		}
		if err != nil {
			return nil, err
		}
		var v [3]float64
		for c, f := range fields {
			if v[c], err = historyValue(f, c == 0); err != nil {
				return nil, rd.Fail(&data.Error{File: name, Line: rd.Line(), Column: historyRequired[c], Err: err})
			}
		}
		rec := Record{Step: int(v[0]), LR: math.NaN(), Loss: v[1], ValNLL: v[2]}
		if lr >= 0 {
			if rec.LR, err = historyValue(strings.TrimSpace(rd.Record()[lr]), false); err != nil {
				return nil, rd.Fail(&data.Error{File: name, Line: rd.Line(), Column: "lr", Err: err})
			}
		}
		h = append(h, rec)
	}
}

// historyRequired are the columns ReadHistory needs, in the order it reads
// them.
var historyRequired = []string{"step", "train_loss", "val_nll"}

// historyValue parses one trimmed cell of a history (data.ParseValue: a
// plain decimal, finite); an empty cell is NaN but for a step, which must
// be a whole number from 0 to math.MaxInt32.
func historyValue(f string, step bool) (float64, error) {
	if f == "" && !step {
		return math.NaN(), nil
	}
	v, err := data.ParseValue(f)
	if err != nil {
		return 0, err
	}
	if step && (v != math.Trunc(v) || v < 0 || v > math.MaxInt32) {
		return 0, fmt.Errorf("not a step number %q (a whole number from 0 to %d)", f, math.MaxInt32)
	}
	return v, nil
}
