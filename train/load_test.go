package train

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/encode"
	"github.com/mdn-go/mdn/internal/cputime"
)

// bimodal8File writes n rows of the bimodal8 table (8 covariates, 2
// responses, shortest round-trip floats) to a file in dir and returns a
// config that reads it with the default hold-out and standardization.
func bimodal8File(tb testing.TB, dir string, n int) *Recipe {
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
	c := testRecipe()
	c.Data.Train = path
	c.Data.Encode.X = []string{"x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8"}
	c.Data.Encode.Y = []string{"y1", "y2"}
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
	rec := bimodal8File(b, b.TempDir(), rows)
	st, err := os.Stat(rec.Data.Train)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	c0 := cputime.Now()
	for b.Loop() {
		d, err := LoadData(*rec)
		if err != nil || d.Train.N+d.Val.N != rows {
			b.Fatalf("got %v, %v; want %d rows", d, err, rows)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
	b.ReportMetric(float64(cputime.Now()-c0)/float64(b.N*rows), "cpu-ns/row")
}

// TestLoadDataHoldOut: the hold-out made in place gives the rows, lines
// and scaler of a copying split of the whole file (data.Split with the
// run's split stream), for the run and for an ensemble member, and File
// rebuilds the file.
func TestLoadDataHoldOut(t *testing.T) {
	rec := bimodal8File(t, t.TempDir(), 3000)
	rec.Train.Seed = 11
	d, err := LoadData(*rec)
	if err != nil {
		t.Fatal(err)
	}
	file, _, err := encode.Read(rec.Data.Train, encode.Numeric(rec.Data.Encode.X), rec.Data.Encode.Y)
	if err != nil {
		t.Fatal(err)
	}
	same := func(what string, got, want *data.Dataset) {
		t.Helper()
		if got.N != want.N || !slices.Equal(got.X, want.X) || !slices.Equal(got.Y, want.Y) || !slices.Equal(got.Lines, want.Lines) {
			t.Fatalf("%s: %d rows differ from the copying split's %d", what, got.N, want.N)
		}
	}
	// gather copies the rows of a rowSet, by their codes in order, into a
	// dataset, lines included.
	gather := func(r *rowSet) *data.Dataset {
		g := &data.Dataset{N: r.n, XDim: r.xdim(), YDim: r.ydim()}
		codes := make([]int32, r.n)
		r.codes(codes)
		for _, c := range codes {
			x, y := r.byCode(c)
			g.X, g.Y = append(g.X, x...), append(g.Y, y...)
			src, i := r.a, int(c)
			if c < 0 {
				src, i = r.b, int(^c)
			}
			g.Lines = append(g.Lines, src.Lines[i])
		}
		return g
	}
	for m, seed := range []uint64{rec.Train.Seed, MemberSeed(rec.Train.Seed, 1)} {
		md := baseMember(d)
		if m > 0 {
			md = memberData(rec.Data, d, seed)
		}
		tr, val := file.Split(rec.Data.ValidationFraction, rand.New(rand.NewPCG(seed, streamSplit)))
		same(fmt.Sprintf("member %d training rows", m), gather(md.train), tr)
		same(fmt.Sprintf("member %d validation rows", m), gather(md.val), val)
		if want := data.FitScaler(tr); !reflect.DeepEqual(md.scaler, want) {
			t.Errorf("member %d: scaler %+v, want %+v", m, md.scaler, want)
		}
	}
	if d.Val.N != 300 {
		t.Errorf("%d validation rows, want 300 (0.1 of 3000)", d.Val.N)
	}
	same("File()", d.File(), file)
}

// TestLoadDataCalibrationHoldOut: Recipe.Data.CalibrationFraction holds
// its rows out of the file first (the copying split of the whole file on
// the calibration stream), then the validation rows out of the rest at
// ValidationFraction/(1 − CalibrationFraction), so that both are fractions
// of the file; the scaler is the training rows' only; no row of Cal is a
// training or validation row of the run or of an ensemble member; the
// thread count changes nothing; DataOf holds out the same rows; File
// rebuilds the file.
func TestLoadDataCalibrationHoldOut(t *testing.T) {
	rec := bimodal8File(t, t.TempDir(), 3000)
	rec.Train.Seed = 11
	rec.Data.CalibrationFraction = 0.2
	d, err := LoadData(*rec)
	if err != nil {
		t.Fatal(err)
	}
	file, _, err := encode.Read(rec.Data.Train, encode.Numeric(rec.Data.Encode.X), rec.Data.Encode.Y)
	if err != nil {
		t.Fatal(err)
	}
	same := func(what string, got, want *data.Dataset) {
		t.Helper()
		if got.N != want.N || !slices.Equal(got.X, want.X) || !slices.Equal(got.Y, want.Y) || !slices.Equal(got.Lines, want.Lines) {
			t.Fatalf("%s: %d rows differ from the copying split's %d", what, got.N, want.N)
		}
	}
	rest, cal := file.Split(0.2, rand.New(rand.NewPCG(11, streamCalibration)))
	tr, val := rest.Split(0.1/0.8, rand.New(rand.NewPCG(11, streamSplit)))
	same("Cal", d.Cal, cal)
	same("Train", d.Train, tr)
	same("Val", d.Val, val)
	// 0.2 and 0.1 of 3000 rows: 600 and 300 (0.125 of the 2400 left).
	if d.Cal.N != 600 || d.Val.N != 300 || d.Train.N != 2100 {
		t.Errorf("got %d calibration, %d validation and %d training rows, want 600, 300 and 2100", d.Cal.N, d.Val.N, d.Train.N)
	}
	if want := data.FitScaler(tr); !reflect.DeepEqual(d.Scaler, want) {
		t.Errorf("scaler %+v, want the training rows' %+v", d.Scaler, want)
	}
	calLines := map[int]bool{}
	for _, l := range d.Cal.Lines {
		calLines[l] = true
	}
	seen := func(what string, r *rowSet) {
		t.Helper()
		for k := range r.n {
			src, i := r.a, k
			if r.idx != nil {
				if i = int(r.idx[k]); i < 0 {
					src, i = r.b, ^i
				}
			}
			if calLines[src.Lines[i]] {
				t.Fatalf("%s: line %d is a calibration row", what, src.Lines[i])
			}
		}
	}
	for m := range 3 {
		md := baseMember(d)
		if m > 0 {
			md = memberData(rec.Data, d, MemberSeed(rec.Train.Seed, m))
		}
		if md.train.n+md.val.n != 2400 {
			t.Errorf("member %d: %d training and %d validation rows, want 2400 in all", m, md.train.n, md.val.n)
		}
		seen(fmt.Sprintf("member %d training rows", m), md.train)
		seen(fmt.Sprintf("member %d validation rows", m), md.val)
	}
	same("File()", d.File(), file)

	rec.Train.Threads = 1
	one, err := LoadData(*rec)
	if err != nil {
		t.Fatal(err)
	}
	same("Cal with one thread", one.Cal, d.Cal)
	copyOf, _, err := encode.Read(rec.Data.Train, encode.Numeric(rec.Data.Encode.X), rec.Data.Encode.Y)
	if err != nil {
		t.Fatal(err)
	}
	of, err := DataOf(*rec, copyOf, nil)
	if err != nil {
		t.Fatal(err)
	}
	same("DataOf's Cal", of.Cal, d.Cal)
	same("DataOf's Train", of.Train, d.Train)
}

// TestLoadDataCalibrationFile: Recipe.Data.Calibration is read with the
// training file's encoding into Cal and held out of nothing; PlanOf counts
// its rows.
func TestLoadDataCalibrationFile(t *testing.T) {
	dir := t.TempDir()
	rec := bimodal8File(t, dir, 500)
	calPath := filepath.Join(dir, "cal.csv")
	b, err := os.ReadFile(rec.Data.Train)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(calPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	rec.Data.Calibration = calPath
	d, err := LoadData(*rec)
	if err != nil {
		t.Fatal(err)
	}
	if d.Cal == nil || d.Cal.N != 500 || d.Train.N+d.Val.N != 500 {
		t.Fatalf("got %v calibration rows and %d+%d others, want 500 and 500", d.Cal, d.Train.N, d.Val.N)
	}
	p, err := PlanOf(*rec, d)
	if err != nil {
		t.Fatal(err)
	}
	if p.CalRows != 500 || !strings.Contains(p.String(), "450 training rows, 50 validation rows, 500 calibration rows; ") {
		t.Errorf("plan %+v: %s", p, p)
	}
}

// TestLoadDataBigFile: on a file of bigData values or more, a value float32
// cannot hold is still reported with its line (the check runs on the file
// as read, before the hold-outs), and the rows of a clean file keep no line
// numbers once checked; a smaller file's rows keep theirs.
func TestLoadDataBigFile(t *testing.T) {
	rows := bigData/10 + 100 // 10 columns
	rec := bimodal8File(t, t.TempDir(), rows)
	d, err := LoadData(*rec)
	if err != nil {
		t.Fatal(err)
	}
	if d.Train.Lines != nil || d.Val.Lines != nil || d.Train.N+d.Val.N != rows {
		t.Errorf("big file: %d+%d rows, line numbers kept: %v, %v; want %d rows and none", d.Train.N, d.Val.N,
			d.Train.Lines != nil, d.Val.Lines != nil, rows)
	}
	small := bimodal8File(t, t.TempDir(), 500)
	if d, err := LoadData(*small); err != nil || len(d.Train.Lines) != d.Train.N || len(d.Val.Lines) != d.Val.N {
		t.Errorf("small file: %v; want its line numbers kept", err)
	}

	// Line 90,001 (row 90,000) gets a value float32 cannot hold.
	b, err := os.ReadFile(rec.Data.Train)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	lines[90_000] = "1e39" + lines[90_000][strings.IndexByte(lines[90_000], ','):]
	if err := os.WriteFile(rec.Data.Train, []byte(strings.Join(lines, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = LoadData(*rec)
	if want := `line 90001, column "x1": 1e+39 overflows float32`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want an error with %q", err, want)
	}
}
