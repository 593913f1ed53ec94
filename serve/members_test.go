package serve

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mdn-go/mdn/mixture"
	"github.com/mdn-go/mdn/model"
	"github.com/mdn-go/mdn/predict"
)

// ensembleModel is a model of three members (8 → 2, K = 3, skip; see
// model/testdata/README.md); ensembleRows holds its 20 fixture rows.
const (
	ensembleModel = "../model/testdata/ensemble3-skip.json"
	ensembleRows  = "../model/testdata/ensemble3-skip-rows.csv"
)

// ensembleXs returns n rows of the ensemble fixture's covariates (its 20
// rows over and over) and their "rows" array.
func ensembleXs(t *testing.T, m *model.Model, n int) ([][]float64, string) {
	t.Helper()
	text, err := os.ReadFile(ensembleRows)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(text)), "\n")[1:]
	var fixture [][]float64
	for _, l := range lines {
		var x []float64
		for _, f := range strings.Split(l, ",")[:m.Spec.In] {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatal(err)
			}
			x = append(x, v)
		}
		fixture = append(fixture, x)
	}
	xs := make([][]float64, n)
	var b strings.Builder
	b.WriteByte('[')
	for i := range xs {
		xs[i] = fixture[i%len(fixture)]
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('{')
		for j, v := range xs[i] {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%q:%s", m.XNames[j], strconv.FormatFloat(v, 'g', -1, 64))
		}
		b.WriteByte('}')
	}
	b.WriteByte(']')
	return xs, b.String()
}

// memberFirstDraws returns the draws mdn sample makes of the rows xs from
// an ensemble at temperature 1 (at most MaxMemberDraws a row): per chunk
// c of SampleChunk rows, PCG(seed, c) chooses every draw's member
// (predict.MemberDraws.Choose on the chunk, as mdn sample's workers call
// it), then draws from the chosen members' mixtures in order. Draw k of
// response j of row i is at [i][j*ns+k].
func memberFirstDraws(t *testing.T, m *model.Model, xs [][]float64, ns int, seed uint64) [][]float64 {
	t.Helper()
	md := predict.NewMembers(m).Draws(ns, "rows.csv")
	pcg := rand.NewPCG(0, 0)
	rng := rand.New(pcg)
	d := m.Spec.Out
	y := make([]float64, d)
	var out [][]float64
	for c0 := 0; c0 < len(xs); c0 += SampleChunk {
		c := &predict.Chunk{Seq: c0 / SampleChunk, Row0: c0}
		for i := c0; i < min(c0+SampleChunk, len(xs)); i++ {
			c.X = append(c.X, xs[i]...)
			c.Lines = append(c.Lines, 2+i)
			c.N++
		}
		pcg.Seed(seed, uint64(c.Seq))
		if err := md.Choose(c, rng); err != nil {
			t.Fatal(err)
		}
		for i := range c.N {
			row := make([]float64, d*ns)
			for k := range ns {
				md.Mixture(i, k).Sample(rng, y)
				for j := range d {
					row[j*ns+k] = y[j]
				}
			}
			out = append(out, row)
		}
	}
	return out
}

// wholeMixtureDraws returns the draws of the rows xs from each row's whole
// mixture (tempered by temp), rows c·SampleChunk… from PCG(seed, c), as
// mdn sample makes them from one network, at a temperature other than 1
// or with more than MaxMemberDraws draws a row.
func wholeMixtureDraws(t *testing.T, path string, xs [][]float64, ns int, seed uint64, temp float64) [][]float64 {
	t.Helper()
	var mix []mixture.Mixture
	for c0 := 0; c0 < len(xs); c0 += SampleChunk {
		mix = append(mix, mixturesOf(t, path, xs[c0:min(c0+SampleChunk, len(xs))])...)
	}
	pcg := rand.NewPCG(0, 0)
	rng := rand.New(pcg)
	d := mix[0].D
	y := make([]float64, d)
	var out [][]float64
	for i := range xs {
		if i%SampleChunk == 0 {
			pcg.Seed(seed, uint64(i/SampleChunk))
		}
		mt := &mix[i]
		if temp != 1 {
			mt = mt.WithTemperature(temp)
		}
		row := make([]float64, d*ns)
		for k := range ns {
			mt.Sample(rng, y)
			for j := range d {
				row[j*ns+k] = y[j]
			}
		}
		out = append(out, row)
	}
	return out
}

// sameDraws reports the first row and value where the answer b's draws
// differ from want, bit for bit ("" when they are equal).
func sameDraws(t *testing.T, m *model.Model, b []byte, want [][]float64, ns int) string {
	t.Helper()
	rs := results(t, b)
	if len(rs) != len(want) {
		return fmt.Sprintf("%d results, want %d", len(rs), len(want))
	}
	for i, r := range rs {
		for j, name := range m.YNames {
			got := r.Samples[name]
			if len(got) != ns {
				return fmt.Sprintf("row %d, %s: %d draws, want %d", i, name, len(got), ns)
			}
			for k, v := range got {
				if w := want[i][j*ns+k]; math.Float64bits(v) != math.Float64bits(w) {
					return fmt.Sprintf("row %d, %s, draw %d: got %v, want %v", i, name, k, v, w)
				}
			}
		}
	}
	return ""
}

// TestSampleEnsemble: /v1/sample of an ensemble makes mdn sample's draws,
// bit for bit, on both sides of a chunk boundary: at temperature 1 with
// at most MaxMemberDraws draws a row each draw's member is chosen first
// (which are not the whole mixture's draws from the same streams); at
// another temperature, or with more draws a row, each row's whole mixture.
// After a reload to other members the draws are the new members'.
func TestSampleEnsemble(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.json")
	raw, err := os.ReadFile(ensembleModel)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	s := newServer(t, Options{Model: path})
	h := s.Handler()
	xs, rows := ensembleXs(t, m, SampleChunk+5)

	for _, c := range []struct {
		name string
		ns   int
	}{{"one draw", 1}, {"three draws", 3}, {"MaxMemberDraws", predict.MaxMemberDraws}} {
		n := len(xs)
		if c.ns > 3 {
			n = 40 // fewer rows for 64 draws each
		}
		r := rows
		if n < len(xs) {
			_, r = ensembleXs(t, m, n)
		}
		code, b := post(t, h, "/v1/sample", fmt.Sprintf(`{"rows":%s,"n_samples":%d,"seed":11}`, r, c.ns))
		if code != 200 {
			t.Fatalf("%s: status %d: %.300s", c.name, code, b)
		}
		if diff := sameDraws(t, m, b, memberFirstDraws(t, m, xs[:n], c.ns, 11), c.ns); diff != "" {
			t.Errorf("%s: member-first draws: %s", c.name, diff)
		}
		if sameDraws(t, m, b, wholeMixtureDraws(t, path, xs[:n], c.ns, 11, 1), c.ns) == "" {
			t.Errorf("%s: the whole mixture's draws, want each draw's member chosen first", c.name)
		}
	}
	for _, c := range []struct {
		name string
		ns   int
		temp float64
	}{{"tempered", 2, 0.5}, {"more than MaxMemberDraws", predict.MaxMemberDraws + 1, 1}} {
		n := len(xs)
		r := rows
		if c.ns > 3 {
			n = 40
			_, r = ensembleXs(t, m, n)
		}
		code, b := post(t, h, "/v1/sample", fmt.Sprintf(`{"rows":%s,"n_samples":%d,"seed":11,"temperature":%v}`, r, c.ns, c.temp))
		if code != 200 {
			t.Fatalf("%s: status %d: %.300s", c.name, code, b)
		}
		if diff := sameDraws(t, m, b, wholeMixtureDraws(t, path, xs[:n], c.ns, 11, c.temp), c.ns); diff != "" {
			t.Errorf("%s: whole-mixture draws: %s", c.name, diff)
		}
	}

	// Reload a model with members 0 and 1 swapped: the same mixture, other
	// members-first draws.
	m.Scaler, m.Arrays, m.Ensemble[0].Scaler, m.Ensemble[0].Arrays = m.Ensemble[0].Scaler, m.Ensemble[0].Arrays, m.Scaler, m.Arrays
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	_, r := ensembleXs(t, m, 20)
	_, b := post(t, h, "/v1/sample", `{"rows":`+r+`,"n_samples":2,"seed":11}`)
	if diff := sameDraws(t, m, b, memberFirstDraws(t, m, xs[:20], 2, 11), 2); diff != "" {
		t.Errorf("after reload: %s", diff)
	}
	old, err := model.Load(ensembleModel)
	if err != nil {
		t.Fatal(err)
	}
	if sameDraws(t, m, b, memberFirstDraws(t, old, xs[:20], 2, 11), 2) == "" {
		t.Error("after reload: the old members' draws")
	}
}

// TestSampleEnsembleErrors: a chosen member whose network fails on a row
// is a 400 naming the first such row and the member, as the whole mixture's
// failure is; a request whose client has gone stops before the next chunk
// is predicted (a chunk with a row that fails would otherwise be a 400).
func TestSampleEnsembleErrors(t *testing.T) {
	m, err := model.Load(ensembleModel)
	if err != nil {
		t.Fatal(err)
	}
	// Member 2's y1 means YMean + YStd·μ overflow for any μ > 0 (every row
	// has a component with μ > 0: the whole mixture fails on row 0 below).
	m.Ensemble[1].Scaler.YMean[0], m.Ensemble[1].Scaler.YStd[0] = math.MaxFloat64, math.MaxFloat64
	s, err := NewFromModel(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	xs, rows := ensembleXs(t, m, 20)
	// The first row with a draw from member 2: the draws' members are the
	// first 20·3 calls IntN(3) of PCG(4, 0).
	rng := rand.New(rand.NewPCG(4, 0))
	first := -1
	for i := range len(xs) * 3 {
		if rng.IntN(3) == 2 && first < 0 {
			first = i / 3
		}
	}
	if first < 0 {
		t.Fatal("member 2 chosen for none of 60 draws; choose another seed")
	}
	code, b := post(t, s.Handler(), "/v1/sample", `{"rows":`+rows+`,"n_samples":3,"seed":4}`)
	want := fmt.Sprintf("rows[%d]: model output: ensemble member 2: mean of component ", first)
	if code != 400 || !strings.HasPrefix(errorOf(t, b), want) {
		t.Errorf("member-first: got %d %s, want 400 %s…", code, b, want)
	}
	code, b = post(t, s.Handler(), "/v1/sample", `{"rows":`+rows+`,"n_samples":3,"seed":4,"temperature":0.5}`)
	if want := "rows[0]: model output: ensemble member 2: mean of component "; code != 400 || !strings.HasPrefix(errorOf(t, b), want) {
		t.Errorf("whole mixture: got %d %s, want 400 %s…", code, b, want)
	}

	// SampleChunk good rows, then one whose outputs overflow in every member.
	h := newServer(t, Options{Model: ensembleModel}).Handler()
	_, good := ensembleXs(t, m, SampleChunk)
	bad := `{"x1":1e308,"x2":1e308,"x3":1e308,"x4":1e308,"x5":1e308,"x6":1e308,"x7":1e308,"x8":1e308}`
	body := `{"rows":` + strings.TrimSuffix(good, "]") + "," + bad + `]}`
	code, b = post(t, h, "/v1/sample", body)
	if want := fmt.Sprintf("rows[%d]: model output: ensemble member 0: ", SampleChunk); code != 400 || !strings.HasPrefix(errorOf(t, b), want) {
		t.Fatalf("bad row in chunk 1: got %d %.300s, want 400 %s…", code, b, want)
	}
	// The client goes once chunk 0 is answered: the server checks the
	// client before the chunk (1 check) and every 64 rows (SampleChunk/64
	// checks), and again before chunk 1, when it is gone.
	ctx := &goneAfter{Context: context.Background(), checks: 1 + SampleChunk/64}
	req := httptest.NewRequest("POST", "/v1/sample", strings.NewReader(body)).WithContext(ctx)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 499 {
		t.Errorf("client gone after chunk 0: got %d %.300s, want 499", rec.Code, rec.Body)
	}
}

// goneAfter is a context whose client goes after its Err has been asked
// checks times.
type goneAfter struct {
	context.Context
	checks int64
	n      atomic.Int64
}

func (c *goneAfter) Err() error {
	if c.n.Add(1) > c.checks {
		return context.Canceled
	}
	return nil
}
