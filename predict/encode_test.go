package predict

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mdn-go/mdn/conformal"
	"github.com/mdn-go/mdn/encode"
	"github.com/mdn-go/mdn/mixture"
)

// regen rewrites the golden files of this package: go test ./predict -run
// Golden -regen.
var regen = flag.Bool("regen", false, "rewrite the golden files in testdata")

// encoderCase is one configuration of the Encoder in the golden file.
type encoderCase struct {
	name string
	enc  Encoder
	x    [][]float64 // each row's network inputs
	// given are each row's fields, with a schema.
	given [][]string
}

// encoderCases builds every Kind, as CSV and as JSON, for a two-response
// model with diagonal and with full covariances (the region calibrated),
// and for a model with a label column and imputation, with the covariates
// echoed as given and with the encoded inputs; and the calibrated interval
// and region of the label model.
func encoderCases(t *testing.T) ([]encoderCase, []*mixture.Mixture, []*mixture.Mixture) {
	t.Helper()
	// p(y|x) = 0.3 N((−1, 2), diag(0.5², 1)) + 0.7 N((2, 0), diag(1, 0.25²)),
	// and the same with Σ_2 full (L = [[1, 0], [0.5, 0.25]]).
	diag, err := mixture.NewDiagonal([]float64{math.Log(0.3), math.Log(0.7)}, []float64{-1, 2, 2, 0}, []float64{0.5, 1, 1, 0.25}, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	full, err := mixture.New([]float64{math.Log(0.3), math.Log(0.7)}, []float64{-1, 2, 2, 0},
		[]float64{0.5, 0, 0, 1, 1, 0, 0.5, 0.25}, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	// One response: 0.3 N(−1, 0.5²) + 0.7 N(2, 1).
	one, err := mixture.NewDiagonal([]float64{math.Log(0.3), math.Log(0.7)}, []float64{-1, 2}, []float64{0.5, 1}, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	table := "species,bill,mass\nGentoo,46.1,5000\nAdelie,NA,3450\nNA,39.1,3750\n"
	sch, _, _, err := encode.ReadTrainFrom(strings.NewReader(table), "t.csv", encode.Options{
		X: []string{"species", "bill"}, Y: []string{"mass"},
		Categorical: []string{"species"}, Missing: encode.MissingImpute,
	})
	if err != nil {
		t.Fatal(err)
	}
	given := [][]string{{"Adelie", "40.25"}, {"NA", "NA"}, {"Chinstrap <new>", "1e-7"}}
	var labelX [][]float64
	lz, err := sch.WithPolicies(encode.UnknownZero, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range given {
		x, err := lz.Encode(f, nil)
		if err != nil {
			t.Fatal(err)
		}
		labelX = append(labelX, x)
	}
	// Two made-up calibrations of 20 rows: one with finite scores, and one
	// whose scores are all +Inf (kept as MaxFloat64): its interval has the
	// ends of mass 1 − e^(−MaxFloat64) (finite, near ±2e154) and its region
	// is the whole line, written with null ends.
	var iv, rg, inf []float64
	for i := range 20 {
		iv, rg, inf = append(iv, float64(i)/10), append(rg, 1+float64(i)/10), append(inf, math.Inf(1))
	}
	cal, err := conformal.New(iv, rg, []float64{0.8})
	if err != nil {
		t.Fatal(err)
	}
	unbounded, err := conformal.New(inf, inf, []float64{0.8})
	if err != nil {
		t.Fatal(err)
	}
	var cases []encoderCase
	for _, k := range Kinds {
		sz := Summarizer{Kind: k, Q: []float64{0.1, 0.5, 0.9}, Level: 0.8}
		if k == KindRegion {
			// The region of two responses needs a calibration; the label
			// cases (one response) keep the model's own region.
			sz.Calibration = cal
		}
		szOne := sz
		szOne.Calibration = nil
		for _, js := range []bool{false, true} {
			format := map[bool]string{false: "csv", true: "json"}[js]
			cases = append(cases, encoderCase{name: fmt.Sprintf("%s %s diagonal", k, format),
				enc: Encoder{Summarizer: sz, XNames: []string{"xa", "x<b>"}, YNames: []string{"ya", "yb"}, JSON: js},
				x:   [][]float64{{0.5, -3}, {1e21, 2.5e-7}}})
			szFull := sz
			szFull.Full = true
			cases = append(cases, encoderCase{name: fmt.Sprintf("%s %s full", k, format),
				enc: Encoder{Summarizer: szFull, XNames: []string{"xa", "x<b>"}, YNames: []string{"ya", "yb"}, JSON: js},
				x:   [][]float64{{0.5, -3}}})
			cases = append(cases, encoderCase{name: fmt.Sprintf("%s %s labels", k, format),
				enc: Encoder{Summarizer: szOne, XNames: lz.Names(), YNames: []string{"mass"}, Schema: lz, JSON: js},
				x:   labelX, given: given})
		}
		cases = append(cases, encoderCase{name: fmt.Sprintf("%s json labels inputs", k),
			enc: Encoder{Summarizer: szOne, XNames: lz.Names(), YNames: []string{"mass"}, Schema: lz, JSON: true, Inputs: true},
			x:   labelX, given: given})
	}
	// The calibrated interval and region of one response, from finite and
	// from infinite scores.
	for _, k := range []Kind{KindInterval, KindRegion} {
		for _, c := range []struct {
			name string
			cal  *conformal.Calibration
		}{{"calibrated", cal}, {"calibrated infinite-scores", unbounded}} {
			sz := Summarizer{Kind: k, Level: 0.8, Calibration: c.cal}
			for _, js := range []bool{false, true} {
				format := map[bool]string{false: "csv", true: "json"}[js]
				cases = append(cases, encoderCase{name: fmt.Sprintf("%s %s %s labels", k, format, c.name),
					enc: Encoder{Summarizer: sz, XNames: lz.Names(), YNames: []string{"mass"}, Schema: lz, JSON: js},
					x:   labelX, given: given})
			}
		}
	}
	// The log density of a candidate y (mdn predict --what logpdf), with
	// and without a calibration.
	for _, c := range []struct {
		name string
		cal  *conformal.Calibration
	}{{"", nil}, {" calibrated", cal}} {
		sz := Summarizer{Kind: KindLogPDF, Level: 0.8, Calibration: c.cal}
		for _, js := range []bool{false, true} {
			format := map[bool]string{false: "csv", true: "json"}[js]
			cases = append(cases, encoderCase{name: fmt.Sprintf("logpdf %s%s diagonal", format, c.name),
				enc: Encoder{Summarizer: sz, XNames: []string{"xa", "x<b>"}, YNames: []string{"ya", "yb"}, JSON: js},
				x:   [][]float64{{0.5, -3}}})
			cases = append(cases, encoderCase{name: fmt.Sprintf("logpdf %s%s labels", format, c.name),
				enc: Encoder{Summarizer: sz, XNames: lz.Names(), YNames: []string{"mass"}, Schema: lz, JSON: js, Inputs: js},
				x:   labelX, given: given})
		}
	}
	return cases, []*mixture.Mixture{diag, full}, []*mixture.Mixture{one}
}

// logpdfY is the candidate response of the logpdf cases: the first d of
// (1.5, −0.25).
func logpdfY(d int) []float64 { return []float64{1.5, -0.25}[:d] }

// TestEncoderGolden writes every case's lines (a "# case" line, then for
// CSV the header, then the lines) and compares them with
// testdata/encoder.golden, byte for byte.
func TestEncoderGolden(t *testing.T) {
	cases, two, one := encoderCases(t)
	var got bytes.Buffer
	for _, c := range cases {
		mix := two[0]
		if strings.HasSuffix(c.name, "full") {
			mix = two[1]
		}
		if c.enc.Schema != nil {
			mix = one[0]
		}
		fmt.Fprintf(&got, "# %s\n", c.name)
		if !c.enc.JSON {
			cols := c.enc.XNames
			if c.enc.Schema != nil {
				cols = c.enc.Schema.ColumnNames()
			}
			got.WriteString(strings.Join(append(append([]string{}, cols...), c.enc.Columns()...), ",") + "\n")
		}
		var s Summary
		if c.enc.Kind == KindLogPDF {
			y := logpdfY(mix.D)
			if err := c.enc.LogPDF(mix.LogProb(y), y, &s); err != nil {
				t.Fatal(err)
			}
		} else if err := c.enc.Summarize(mix, &s); err != nil {
			t.Fatal(err)
		}
		e := c.enc
		for r, x := range c.x {
			if c.given != nil {
				e.Given = c.given[r]
			}
			line, err := e.Append(nil, r, x, &s)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			got.Write(line)
			if e.JSON {
				checkJSONLine(t, c.name, line, &e, x, &s)
			}
		}
	}
	path := filepath.Join("testdata", "encoder.golden")
	if *regen {
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./predict -run Golden -regen)", err)
	}
	gl, wl := strings.Split(got.String(), "\n"), strings.Split(string(want), "\n")
	for i := range max(len(gl), len(wl)) {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Fatalf("testdata/encoder.golden line %d:\n got  %s\n want %s", i+1, g, w)
		}
	}
}

// checkJSONLine decodes a JSON line with encoding/json and checks it
// against the values it was written from: the row's x as given (or by
// input name), the inputs, and the summary's mean, quantiles and interval.
func checkJSONLine(t *testing.T, name string, line []byte, e *Encoder, x []float64, s *Summary) {
	t.Helper()
	var v struct {
		Row       int
		X         map[string]any
		Inputs    map[string]float64
		Mean      map[string]float64
		Quantiles map[string][]float64
		Lower     map[string]*float64
		Upper     map[string]*float64
		Region    map[string][][2]*float64
		Threshold *float64 `json:"log_density_threshold"`
		Y         map[string]float64
		LogDens   *float64 `json:"log_density"`
		InRegion  *bool    `json:"in_region"`
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%s: %v: %s", name, err, line)
	}
	if e.Given != nil {
		for c, col := range e.Schema.Columns {
			f := e.Given[c]
			var want any = f
			switch {
			case e.Schema.IsNA(f):
				want = nil
			case col.Kind == encode.Number:
				want = x[e.Schema.Offset(c)]
			}
			if v.X[col.Name] != want {
				t.Errorf("%s: x[%q] = %v, want %v", name, col.Name, v.X[col.Name], want)
			}
		}
	} else {
		for i, n := range e.XNames {
			if v.X[n] != x[i] {
				t.Errorf("%s: x[%q] = %v, want %v", name, n, v.X[n], x[i])
			}
		}
	}
	if e.Inputs != (v.Inputs != nil) {
		t.Errorf("%s: inputs %v with Inputs %v", name, v.Inputs, e.Inputs)
	}
	for i, n := range e.XNames {
		if e.Inputs && v.Inputs[n] != x[i] {
			t.Errorf("%s: inputs[%q] = %v, want %v", name, n, v.Inputs[n], x[i])
		}
	}
	for j, n := range e.YNames {
		switch e.Kind {
		case KindMean:
			if v.Mean[n] != s.Mean[j] {
				t.Errorf("%s: mean[%q] = %v, want %v", name, n, v.Mean[n], s.Mean[j])
			}
		case KindQuantiles:
			for i := range e.Q {
				if v.Quantiles[n][i] != s.Quantiles[i][j] {
					t.Errorf("%s: quantiles[%q][%d] = %v, want %v", name, n, i, v.Quantiles[n][i], s.Quantiles[i][j])
				}
			}
		case KindInterval:
			if !sameEnd(v.Lower[n], s.Lower[j]) || !sameEnd(v.Upper[n], s.Upper[j]) {
				t.Errorf("%s: interval[%q] = [%v, %v], want [%v, %v]", name, n, v.Lower[n], v.Upper[n], s.Lower[j], s.Upper[j])
			}
		}
	}
	if e.Kind == KindLogPDF {
		for j, n := range e.YNames {
			if v.Y[n] != s.Y[j] {
				t.Errorf("%s: y[%q] = %v, want %v", name, n, v.Y[n], s.Y[j])
			}
		}
		if !sameEnd(v.LogDens, s.LogDensity) {
			t.Errorf("%s: log_density %v, want %v", name, v.LogDens, s.LogDensity)
		}
		if cal := e.Calibration != nil; cal != (v.InRegion != nil) || cal && (*v.InRegion != s.InRegion || *v.Threshold != s.Threshold) {
			t.Errorf("%s: in_region %v, threshold %v; want %v, %v (calibrated %v)", name, v.InRegion, v.Threshold, s.InRegion, s.Threshold, cal)
		}
	}
	if e.Kind == KindRegion {
		if v.Threshold == nil || *v.Threshold != s.Threshold {
			t.Errorf("%s: log_density_threshold %v, want %v", name, v.Threshold, s.Threshold)
		}
		if len(e.YNames) == 1 {
			got := v.Region[e.YNames[0]]
			if len(got) != len(s.Region) {
				t.Fatalf("%s: region %v, want %v", name, got, s.Region)
			}
			for i, iv := range s.Region {
				if !sameEnd(got[i][0], iv[0]) || !sameEnd(got[i][1], iv[1]) {
					t.Errorf("%s: region interval %d = [%v, %v], want %v", name, i, got[i][0], got[i][1], iv)
				}
			}
		} else if v.Region != nil {
			t.Errorf("%s: region %v for %d responses", name, v.Region, len(e.YNames))
		}
	}
}

// sameEnd reports whether the JSON value got (nil for null) is the end v:
// null for ±Inf (an unbounded end), else v itself.
func sameEnd(got *float64, v float64) bool {
	if math.IsInf(v, 0) {
		return got == nil
	}
	return got != nil && *got == v
}

// TestEncoderNonFinite: a value JSON cannot hold is an error, and the
// buffer is left as it was.
func TestEncoderNonFinite(t *testing.T) {
	e := Encoder{Summarizer: Summarizer{Kind: KindMean}, XNames: []string{"x"}, YNames: []string{"y"}, JSON: true}
	s := Summary{Mean: []float64{math.Inf(1)}}
	buf, err := e.Append([]byte("before\n"), 0, []float64{1}, &s)
	if err == nil || string(buf) != "before\n" {
		t.Errorf("got %q, %v; want the buffer unchanged and an error", buf, err)
	}
}
