package predict

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/mdn-go/mdn/encode"
)

func TestStreamRows(t *testing.T) {
	// rows 0..n-1 in one column; each worker writes "row0+i\n" per row.
	input := func(n int) *encode.Reader {
		var b strings.Builder
		b.WriteString("v\n")
		for i := range n {
			b.WriteString(strconv.Itoa(i) + "\n")
		}
		rd, err := encode.NewReader(strings.NewReader(b.String()), "in.csv", encode.Numeric([]string{"v"}))
		if err != nil {
			t.Fatal(err)
		}
		return rd
	}
	echo := func() func(*Chunk) error {
		return func(c *Chunk) error {
			for i := range c.N {
				if c.X[i] != float64(c.Row0+i) {
					return fmt.Errorf("row %d holds %v", c.Row0+i, c.X[i])
				}
				c.Out = strconv.AppendInt(c.Out, int64(c.Row0+i), 10)
				c.Out = append(c.Out, '\n')
			}
			return nil
		}
	}
	for _, n := range []int{1, ChunkRows - 1, ChunkRows, 2*ChunkRows + 1} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			var out bytes.Buffer
			if err := streamRows(context.Background(), input(n), nil, nil, 1, 3, echo, &out); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if len(lines) != n {
				t.Fatalf("got %d lines, want %d", len(lines), n)
			}
			for i, l := range lines {
				if l != strconv.Itoa(i) {
					t.Fatalf("line %d: got %q, want %q", i, l, strconv.Itoa(i))
				}
			}
		})
	}
	t.Run("worker error", func(t *testing.T) {
		fail := func() func(*Chunk) error {
			return func(c *Chunk) error {
				if c.Seq == 1 {
					return errors.New("boom")
				}
				return echo()(c)
			}
		}
		var out bytes.Buffer
		err := streamRows(context.Background(), input(3*ChunkRows), nil, nil, 1, 2, fail, &out)
		if err == nil || err.Error() != "boom" {
			t.Errorf("got %v, want boom", err)
		}
		if got := strings.Count(out.String(), "\n"); got != ChunkRows {
			t.Errorf("got %d lines, want the %d of the chunk before the error", got, ChunkRows)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var out bytes.Buffer
		if err := streamRows(ctx, input(10), nil, nil, 1, 2, echo, &out); !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
		if out.Len() != 0 {
			t.Errorf("got %q written, want nothing", out.String())
		}
	})
}
