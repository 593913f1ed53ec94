package train

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/mdn-go/mdn/config"
	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/internal/cputime"
)

// bimodal8File writes n rows of the bimodal8 table (8 covariates, 2
// responses, shortest round-trip floats) to a file in dir and returns a
// config that reads it with the default hold-out and standardization.
func bimodal8File(tb testing.TB, dir string, n int) *config.Config {
	tb.Helper()
	path := filepath.Join(dir, "b8.csv")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := data.WriteGenerated(f, "bimodal8", n, rand.New(rand.NewPCG(1, 2))); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	c := config.Default()
	c.Data.Train = path
	c.Data.X = []string{"x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8"}
	c.Data.Y = []string{"y1", "y2"}
	c.Data.Standardize = true
	if err := c.Validate(); err != nil {
		tb.Fatal(err)
	}
	return &c
}

// BenchmarkLoadData is LoadData (parse, hold-out split, scaler) of a
// 200,000-row bimodal8 file, the reading part of `mdn train`. cpu-ns/row
// (the process's CPU time, the garbage collector's on other cores too) is
// steadier than ns/row on a shared machine.
func BenchmarkLoadData(b *testing.B) {
	const rows = 200_000
	cfg := bimodal8File(b, b.TempDir(), rows)
	st, err := os.Stat(cfg.Data.Train)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	c0 := cputime.Now()
	for b.Loop() {
		d, err := LoadData(cfg)
		if err != nil || d.Train.N+d.Val.N != rows {
			b.Fatalf("got %v, %v; want %d rows", d, err, rows)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
	b.ReportMetric(float64(cputime.Now()-c0)/float64(b.N*rows), "cpu-ns/row")
}
