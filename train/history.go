package train

import (
	"encoding/csv"
	"errors"
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

// ReadHistory reads a history CSV as WriteHistory writes it. The columns
// step, train_loss and val_nll are required (in any order; others, such as
// lr, are optional, missing ones NaN); an empty train_loss, val_nll or lr
// is NaN. Errors name the file (name), the line and the column.
func ReadHistory(r io.Reader, name string) ([]Record, error) {
	cr := csv.NewReader(data.LimitLines(r)) // a line beyond data.MaxLineBytes is an error
	head, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = errors.New("empty file")
		}
		return nil, historyError(name, err)
	}
	idx := make([]int, len(historyColumns))
	for c, col := range historyColumns {
		idx[c] = slices.Index(head, col)
		if idx[c] < 0 && col != "lr" {
			return nil, fmt.Errorf("history %s: line 1: no column %q", name, col)
		}
	}
	var h []Record
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, historyError(name, err)
		}
		line, _ := cr.FieldPos(0)
		var v [4]float64
		for c, i := range idx {
			if i < 0 {
				v[c] = math.NaN()
				continue
			}
			s := strings.TrimSpace(rec[i])
			if s == "" && c > 0 {
				v[c] = math.NaN()
				continue
			}
			// data.ParseValue: a plain decimal, finite (not Go's 0x1p3).
			if v[c], err = data.ParseValue(s); err != nil ||
				(c == 0 && (v[c] != math.Trunc(v[c]) || v[c] < 0 || v[c] > math.MaxInt32)) {
				return nil, fmt.Errorf("history %s: line %d, column %q: not a finite number %q", name, line, historyColumns[c], s)
			}
		}
		h = append(h, Record{Step: int(v[0]), LR: v[1], Loss: v[2], ValNLL: v[3]})
	}
	if len(h) == 0 {
		return nil, fmt.Errorf("history %s: no data rows", name)
	}
	return h, nil
}

// historyError names the file of a read error (and the line, for one beyond
// data.MaxLineBytes).
func historyError(name string, err error) error {
	var le *data.Error
	if errors.As(err, &le) && errors.Is(err, data.ErrLineTooLong) {
		return fmt.Errorf("history %s: line %d: %w", name, le.Line, data.ErrLineTooLong)
	}
	return fmt.Errorf("history %s: %w", name, err)
}
