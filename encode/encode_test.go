package encode

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
)

const penguins = `species,island,bill,mass
Adelie,Torgersen,39.1,3750
Gentoo,Biscoe,46.1,5000
Adelie,Dream,NA,3450
Chinstrap,Dream,49.5,3800
NA,Biscoe,45.2,4200
Gentoo,Biscoe,47.0,NA
`

func trainOpts(missing Missing) Options {
	return Options{X: []string{"species", "island", "bill"}, Y: []string{"mass"},
		Categorical: []string{"species", "island"}, Missing: missing}
}

func TestMissingError(t *testing.T) {
	_, _, _, err := ReadTrainFrom(strings.NewReader(penguins), "p.csv", trainOpts(""))
	want := `data: read p.csv: line 4, column "bill": missing value "NA" (3 missing cells in 3 rows; data.na_values is "", "NA", "N/A", "NaN", "nan", "null"; set data.missing: drop to leave such rows out, or impute to fill them)`
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
	if !errors.Is(err, ErrMissing) {
		t.Errorf("%v does not wrap ErrMissing", err)
	}
}

func TestMissingDrop(t *testing.T) {
	s, d, rep, err := ReadTrainFrom(strings.NewReader(penguins), "p.csv", trainOpts(MissingDrop))
	if err != nil {
		t.Fatal(err)
	}
	if rep != (Report{Rows: 6, Used: 3, DroppedMissing: 2, DroppedResponse: 1}) {
		t.Errorf("report %+v", rep)
	}
	if !slices.Equal(d.Lines, []int{2, 3, 5}) {
		t.Errorf("lines %v, want [2 3 5]", d.Lines)
	}
	// Levels come from every row read, the dropped ones too.
	if got := s.Columns[0].Levels; !slices.Equal(got, []string{"Adelie", "Chinstrap", "Gentoo"}) {
		t.Errorf("species levels %v", got)
	}
	wantNames := []string{"species=Adelie", "species=Chinstrap", "species=Gentoo", "island=Biscoe", "island=Dream", "island=Torgersen", "bill"}
	if !slices.Equal(d.XNames, wantNames) {
		t.Errorf("names %v, want %v", d.XNames, wantNames)
	}
	want := []float64{
		1, 0, 0, 0, 0, 1, 39.1,
		0, 0, 1, 1, 0, 0, 46.1,
		0, 1, 0, 0, 1, 0, 49.5,
	}
	if !slices.Equal(d.X, want) || !slices.Equal(d.Y, []float64{3750, 5000, 3800}) {
		t.Errorf("X %v Y %v", d.X, d.Y)
	}
	if !strings.Contains(rep.String(), "dropped 2 of 6 rows with a missing covariate") {
		t.Errorf("report text %q", rep)
	}
}

func TestMissingImpute(t *testing.T) {
	s, d, rep, err := ReadTrainFrom(strings.NewReader(penguins), "p.csv", trainOpts(MissingImpute))
	if err != nil {
		t.Fatal(err)
	}
	if rep != (Report{Rows: 6, Used: 5, DroppedResponse: 1, Imputed: 2}) {
		t.Errorf("report %+v", rep)
	}
	// Mean of the present bills of the kept rows: (39.1+46.1+49.5+45.2)/4.
	// Summed in sorted order: 39.1, 45.2, 46.1, 49.5.
	v := []float64{39.1, 45.2, 46.1, 49.5}
	mean := (v[0] + v[1] + v[2] + v[3]) / 4
	bill := s.Columns[2]
	if bill.Mean == nil || *bill.Mean != mean || !bill.Indicator {
		t.Fatalf("bill column %+v, want mean %v and an indicator", bill, mean)
	}
	if !s.Columns[0].MissingLevel || s.Columns[1].MissingLevel {
		t.Errorf("missing levels: species %v island %v, want true false", s.Columns[0].MissingLevel, s.Columns[1].MissingLevel)
	}
	wantNames := []string{"species=Adelie", "species=Chinstrap", "species=Gentoo", "species:missing",
		"island=Biscoe", "island=Dream", "island=Torgersen", "bill", "bill:missing"}
	if !slices.Equal(d.XNames, wantNames) || !slices.Equal(s.Names(), wantNames) {
		t.Fatalf("names %v", d.XNames)
	}
	row := func(i int) []float64 { x, _ := d.Row(i); return x }
	if got, want := row(2), []float64{1, 0, 0, 0, 0, 1, 0, mean, 1}; !slices.Equal(got, want) {
		t.Errorf("row 3 (bill NA) %v, want %v", got, want)
	}
	if got, want := row(4), []float64{0, 0, 0, 1, 1, 0, 0, 45.2, 0}; !slices.Equal(got, want) {
		t.Errorf("row 5 (species NA) %v, want %v", got, want)
	}
	// New rows are imputed with the stored values.
	x, err := s.Encode([]string{"NA", "Dream", "N/A"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{0, 0, 0, 1, 0, 1, 0, mean, 1}; !slices.Equal(x, want) {
		t.Errorf("encode %v, want %v", x, want)
	}
	// Binary inputs are not scaled.
	sc := s.FitScaler(d)
	for j, b := range s.Binary() {
		if b && (sc.XMean[j] != 0 || sc.XStd[j] != 1) {
			t.Errorf("input %d (%s) scaled: %v, %v", j, wantNames[j], sc.XMean[j], sc.XStd[j])
		}
	}
	if sc.XStd[7] == 1 || sc.XMean[7] == 0 {
		t.Errorf("bill not standardized: %v %v", sc.XMean[7], sc.XStd[7])
	}
}

func TestLabelInNumberColumn(t *testing.T) {
	o := trainOpts(MissingDrop)
	o.Categorical = []string{"island"}
	_, _, _, err := ReadTrainFrom(strings.NewReader(penguins), "p.csv", o)
	want := `data: read p.csv: line 2, column "species": not a number "Adelie" (list it in data.categorical to use labels)`
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
}

func TestLevelOrderStable(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(penguins), "\n")
	head, rows := lines[0], lines[1:]
	var first *Schema
	var firstX map[string][]float64
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 20 {
		perm := slices.Clone(rows)
		rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		s, d, _, err := ReadTrainFrom(strings.NewReader(head+"\n"+strings.Join(perm, "\n")+"\n"), "p.csv", trainOpts(MissingImpute))
		if err != nil {
			t.Fatal(err)
		}
		// Encoding of each distinct row, keyed by its text.
		byRow := map[string][]float64{}
		for i := range d.N {
			x, _ := d.Row(i)
			byRow[perm[d.Lines[i]-2]] = slices.Clone(x)
		}
		if trial == 0 {
			first, firstX = s, byRow
			continue
		}
		if a, b := mustJSON(t, s), mustJSON(t, first); a != b {
			t.Fatalf("trial %d: schema %s, first %s", trial, a, b)
		}
		for k, v := range byRow {
			if !slices.Equal(v, firstX[k]) {
				t.Fatalf("trial %d: row %q encoded %v, first %v", trial, k, v, firstX[k])
			}
		}
	}
}

func TestUnseenLevel(t *testing.T) {
	s, _, _, err := ReadTrainFrom(strings.NewReader(penguins), "p.csv", trainOpts(MissingDrop))
	if err != nil {
		t.Fatal(err)
	}
	in := "species,island,bill\nAdelie,Dream,40\nEmperor,Dream,41\n"
	_, _, err = ReadFrom(strings.NewReader(in), "new.csv", s, nil)
	want := `data: read new.csv: line 3, column "species": level "Emperor" was not seen in training`
	if err == nil || !strings.HasPrefix(err.Error(), want) || !errors.Is(err, ErrUnknownLevel) {
		t.Fatalf("got %v, want it to start with %s", err, want)
	}
	z, err := s.WithPolicies(UnknownZero, "")
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := ReadFrom(strings.NewReader(in), "new.csv", z, nil)
	if err != nil {
		t.Fatal(err)
	}
	x, _ := d.Row(1)
	if want := []float64{0, 0, 0, 0, 1, 0, 41}; !slices.Equal(x, want) {
		t.Errorf("zero encoding %v, want %v", x, want)
	}
	// The streaming reader behaves alike, with the line.
	rd, err := NewReader(strings.NewReader(in), "new.csv", s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rd.Next(nil); err != nil {
		t.Fatal(err)
	}
	if _, err := rd.Next(nil); err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("reader: got %v", err)
	}
	if _, err := s.WithPolicies("", MissingImpute); err == nil {
		t.Error("impute accepted for a model trained with drop")
	}
}

func TestReaderDropAndText(t *testing.T) {
	s, _, _, err := ReadTrainFrom(strings.NewReader(penguins), "p.csv", trainOpts(MissingDrop))
	if err != nil {
		t.Fatal(err)
	}
	in := "bill,island,species\n40.50,Dream,Adelie\nNA,Dream,Adelie\n41,\"Biscoe\",Gentoo\n"
	rd, err := NewReader(strings.NewReader(in), "new.csv", s)
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	var x []float64
	for {
		if x, err = rd.Next(x); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		text = append(text, string(s.AppendText(nil, rd.Fields(), x)))
	}
	if want := []string{"Adelie,Dream,40.5", "Gentoo,Biscoe,41"}; !slices.Equal(text, want) || rd.Dropped() != 1 {
		t.Errorf("rows %q dropped %d, want %q and 1", text, rd.Dropped(), want)
	}
	// Under error, a missing cell stops the reader with its place.
	e := s.Clone()
	e.Missing = MissingError
	rd, _ = NewReader(strings.NewReader(in), "new.csv", e)
	rd.Next(nil)
	_, err = rd.Next(nil)
	if err == nil || !strings.HasPrefix(err.Error(), `data: read new.csv: line 3, column "bill": missing value "NA"`) {
		t.Errorf("got %v", err)
	}
}

func TestEvalDropsMissingResponse(t *testing.T) {
	s, _, _, err := ReadTrainFrom(strings.NewReader(penguins), "p.csv", trainOpts(MissingImpute))
	if err != nil {
		t.Fatal(err)
	}
	d, rep, err := ReadFrom(strings.NewReader(penguins), "p.csv", s, []string{"mass"})
	if err != nil {
		t.Fatal(err)
	}
	if d.N != 5 || rep.DroppedResponse != 1 || rep.Imputed != 2 {
		t.Errorf("N %d report %+v", d.N, rep)
	}
	// Under error, the count and the flag to use.
	e := s.Clone()
	e.Missing = MissingError
	e.Columns[2].Mean, e.Columns[2].Indicator, e.Columns[0].MissingLevel = nil, false, false
	_, _, err = ReadFrom(strings.NewReader(penguins), "p.csv", e, []string{"mass"})
	if err == nil || !strings.Contains(err.Error(), "3 missing cells in 3 rows") || !strings.Contains(err.Error(), "--missing drop") {
		t.Errorf("got %v", err)
	}
}

func TestManyLevels(t *testing.T) {
	// MaxLevels distinct labels are fine; one more is an error naming the line.
	build := func(levels, rows int) string {
		var b strings.Builder
		b.WriteString("id,y\n")
		for i := range rows {
			fmt.Fprintf(&b, "L%05d,%d\n", i%levels, i%7)
		}
		return b.String()
	}
	o := Options{X: []string{"id"}, Y: []string{"y"}, Categorical: []string{"id"}}
	s, d, _, err := ReadTrainFrom(strings.NewReader(build(MaxLevels, 3*MaxLevels)), "ids.csv", o)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Columns[0].Levels) != MaxLevels || d.XDim != MaxLevels || d.N != 3*MaxLevels {
		t.Fatalf("levels %d, XDim %d, N %d", len(s.Columns[0].Levels), d.XDim, d.N)
	}
	for i := range d.N {
		x, _ := d.Row(i)
		var sum float64
		for _, v := range x {
			sum += v
		}
		if sum != 1 || x[i%MaxLevels] != 1 {
			t.Fatalf("row %d not one-hot at %d", i, i%MaxLevels)
		}
	}
	_, _, _, err = ReadTrainFrom(strings.NewReader(build(5000, 5000)), "ids.csv", o)
	want := fmt.Sprintf(`data: read ids.csv: line %d, column "id": more than %d distinct labels`, MaxLevels+2, MaxLevels)
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("got %v, want %s…", err, want)
	}
}

// TestManyLevelsMemory: a column of a million distinct labels is refused
// after MaxLevels of them, so reading it allocates a bounded amount, far
// less than the file or its one-hot encoding.
func TestManyLevelsMemory(t *testing.T) {
	const rows = 200000
	o := Options{X: []string{"id"}, Y: []string{"y"}, Categorical: []string{"id"}}
	r := &idReader{n: rows}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, _, _, err := ReadTrainFrom(r, "ids.csv", o)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "distinct labels") {
		t.Fatalf("got %v", err)
	}
	// About MaxLevels rows, plus what the CSV reader's 64 KiB buffer
	// reads ahead (rows "ID<i>,1" of 8 bytes or more).
	if limit := 2*MaxLevels + 100 + (64<<10)/8; r.i > limit {
		t.Errorf("read %d rows before refusing, want about %d and at most %d", r.i, MaxLevels, limit)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Errorf("allocated %d bytes, want < 8 MiB", alloc)
	}
}

// idReader streams "id,y" then rows "ID<i>,1" without holding them.
type idReader struct {
	n, i int
	buf  []byte
	head bool
}

func (r *idReader) Read(p []byte) (int, error) {
	for len(r.buf) < len(p) && r.i < r.n {
		if !r.head {
			r.buf, r.head = append(r.buf, "id,y\n"...), true
		}
		r.buf = fmt.Appendf(r.buf, "ID%d,1\n", r.i)
		r.i++
	}
	if len(r.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

func TestSchemaValidate(t *testing.T) {
	mean := math.NaN()
	for _, tc := range []struct {
		s    Schema
		want string
	}{
		{Schema{Unknown: UnknownError, Missing: MissingError}, "encoding: no columns"},
		{Schema{Columns: []Column{{Name: "a", Kind: "text"}}, Unknown: UnknownError, Missing: MissingError}, `kind must be number or label, got "text"`},
		{Schema{Columns: []Column{{Name: "a", Kind: Label, Levels: []string{"b", "a"}}}, Unknown: UnknownError, Missing: MissingError}, "levels must be distinct and sorted"},
		{Schema{Columns: []Column{{Name: "a", Kind: Label, Levels: []string{"x"}}}, Unknown: "maybe", Missing: MissingError}, "unknown_level: must be one of error, zero"},
		{Schema{Columns: []Column{{Name: "a", Kind: Number, Mean: &mean}}, Unknown: UnknownError, Missing: MissingImpute}, "impute_mean must be finite"},
		{Schema{Columns: []Column{{Name: "a", Kind: Number, Indicator: true}}, Unknown: UnknownError, Missing: MissingError}, "missing_indicator needs impute_mean"},
		{Schema{Columns: []Column{{Name: "a", Kind: Label, Levels: []string{"NA"}}}, Unknown: UnknownError, Missing: MissingError, NAValues: []string{"NA"}}, `level "NA" is an NA token`},
		{Schema{Columns: []Column{{Name: "a", Kind: Label, Levels: []string{"x"}}, {Name: "a=x", Kind: Number}}, Unknown: UnknownError, Missing: MissingError}, `input name "a=x" occurs twice`},
	} {
		err := tc.s.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got %v, want %q", tc.s.Columns, err, tc.want)
		}
	}
}

// TestNumbersFastPath: a file of numbers is read without encoding each row
// (readNumbers), and gives what the general reader of a stream gives: the
// same rows, schema and report, and for a bad cell the general reader's
// message (a missing cell counted, a label named as such).
func TestNumbersFastPath(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	opts := Options{X: []string{"z", "x"}, Y: []string{"y"}}
	in := "x,y,z\n1.5,2,3\n-4,5e3,6\n"
	path := write("n.csv", in)
	s, d, rep, err := ReadTrain(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	rs, rd, rrep, err := ReadTrainFrom(strings.NewReader(in), path, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := mustJSON(t, s), mustJSON(t, rs); got != want {
		t.Errorf("schema %s, want %s", got, want)
	}
	if !reflect.DeepEqual(d, rd) || rep != rrep {
		t.Errorf("got %+v %+v, want %+v %+v", d, rep, rd, rrep)
	}
	if !s.Trivial() || !s.numbers() {
		t.Error("numeric schema not trivial")
	}
	vd, vrep, err := Read(path, s, []string{"y"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(vd, rd) || vrep != rrep {
		t.Errorf("Read: got %+v %+v, want %+v %+v", vd, vrep, rd, rrep)
	}

	for _, tc := range []struct{ name, content, want string }{
		{"missing", "x,y,z\n1,2,NA\n3,,5\n", `data: read PATH: line 2, column "z": missing value "NA" (2 missing cells in 2 rows; data.na_values is "", "NA", "N/A", "NaN", "nan", "null"; set data.missing: drop to leave such rows out, or impute to fill them)`},
		{"label", "x,y,z\n1,2,a\n", `data: read PATH: line 2, column "z": not a number "a" (list it in data.categorical to use labels)`},
		{"response", "x,y,z\n1,b,3\n", `data: read PATH: line 2, column "y": not a number "b"`},
	} {
		p := write(tc.name+".csv", tc.content)
		_, _, _, err := ReadTrain(p, opts)
		if want := strings.ReplaceAll(tc.want, "PATH", p); err == nil || err.Error() != want {
			t.Errorf("%s: got %v\nwant %s", tc.name, err, want)
		}
		_, _, _, serr := ReadTrainFrom(strings.NewReader(tc.content), p, opts)
		if fmt.Sprint(serr) != fmt.Sprint(err) {
			t.Errorf("%s: the stream says %v", tc.name, serr)
		}
	}

	// An NA token that reads as a number is not read as one.
	s9 := Numeric([]string{"x"})
	s9.NAValues = []string{"-999"}
	if s9.numbers() {
		t.Error("numbers() with the NA token -999")
	}
	o9 := Options{X: []string{"x"}, Y: []string{"y"}, NAValues: []string{"-999"}}
	_, _, _, err = ReadTrain(write("na.csv", "x,y\n-999,1\n2,3\n"), o9)
	if !errors.Is(err, ErrMissing) {
		t.Errorf("-999 as an NA token: got %v, want a missing value", err)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestColumnRequest: the request of columns is checked once, by
// data.CheckColumns, with its messages.
func TestColumnRequest(t *testing.T) {
	for _, tc := range []struct {
		o    Options
		want string
	}{
		{Options{X: []string{"a"}, Y: []string{"a"}, Categorical: []string{"a"}}, `data: read t.csv: column "a": requested as both x and y`},
		{Options{X: []string{"a", "a"}, Y: []string{"b"}}, `data: read t.csv: column "a": requested twice`},
		{Options{Y: []string{"b"}}, `data: read t.csv: no x columns requested`},
	} {
		_, _, _, err := ReadTrainFrom(strings.NewReader("a,b\nx,1\n"), "t.csv", tc.o)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%+v: got %v, want %s", tc.o, err, tc.want)
		}
	}
}

// TestMissingFirstInColumnOrder: training and reading with a schema apply
// the policy in one place (missingCells), so they name the same first
// missing cell, the row's first in column order, and count the same.
func TestMissingFirstInColumnOrder(t *testing.T) {
	in := "y,x\n1,2\nNA,NA\n3,\n"
	tail := `(3 missing cells in 2 rows; data.na_values is "", "NA", "N/A", "NaN", "nan", "null"; `
	_, _, _, err := ReadTrainFrom(strings.NewReader(in), "m.csv", Options{X: []string{"x"}, Y: []string{"y"}})
	if want := `data: read m.csv: line 3, column "x": missing value "NA" ` + tail + adviceTrain + ")"; err == nil || err.Error() != want {
		t.Errorf("ReadTrainFrom: got %v\nwant %s", err, want)
	}
	_, _, err = ReadFrom(strings.NewReader(in), "m.csv", Numeric([]string{"x"}), []string{"y"})
	if want := `data: read m.csv: line 3, column "x": missing value "NA" ` + tail + adviceModel + ")"; err == nil || err.Error() != want {
		t.Errorf("ReadFrom: got %v\nwant %s", err, want)
	}
	s := Numeric([]string{"x"})
	s.Missing = MissingDrop
	_, rep, err := ReadFrom(strings.NewReader(in), "m.csv", s, []string{"y"})
	if err != nil || rep != (Report{Rows: 3, Used: 1, DroppedResponse: 1, DroppedMissing: 1}) {
		t.Errorf("drop: got %+v, %v", rep, err)
	}
}
