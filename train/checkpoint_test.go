package train

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/data"
)

// TestFingerprintCheck: changed, new and removed keys are named with their
// values, sorted, at most 8 then a count; the data are compared only when
// the new fingerprint has them.
func TestFingerprintCheck(t *testing.T) {
	was := &Fingerprint{Config: map[string]string{"train.lr": "0.01", "model.hidden": "[8]", "train.gone": "1"},
		Data: []DataPrint{{Key: "data.train", Path: "d.csv", Rows: 3, SHA256: "aa"}}}
	now := &Fingerprint{Config: map[string]string{"train.lr": "0.02", "model.hidden": "[8]", "train.new": "true"}}
	want := "the config changed since the run was interrupted: train.gone is gone (was 1), train.lr 0.01 → 0.02, train.new is new (true)"
	if err := was.Check(now); err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
	many := &Fingerprint{Config: map[string]string{}}
	for i := range 10 {
		many.Config[fmt.Sprintf("k%d", i)] = "1"
	}
	err := (&Fingerprint{Config: map[string]string{}}).Check(many)
	if err == nil || !strings.HasSuffix(err.Error(), "k7 is new (1), and 2 more") {
		t.Errorf("ten new keys: got %v", err)
	}
	same := &Fingerprint{Config: maps.Clone(was.Config)}
	if err := was.Check(same); err != nil {
		t.Errorf("same config, no data: got %v", err)
	}
	same.Data = []DataPrint{{Key: "data.train", Path: "d.csv", Rows: 3, SHA256: "bb"}}
	if err := was.Check(same); err == nil || err.Error() != "data.train d.csv changed since the run was interrupted (the same 3 rows, other values)" {
		t.Errorf("other values: got %v", err)
	}
}

// BenchmarkDataPrintOf hashes the rows of a 1,000,000-row table with one
// covariate and one response (16 MB of values), as mdn train does once
// before training (fitconfig.FingerprintOf).
func BenchmarkDataPrintOf(b *testing.B) {
	const n = 1_000_000
	d := &data.Dataset{N: n, XDim: 1, YDim: 1, X: make([]float64, n), Y: make([]float64, n)}
	for i := range n {
		d.X[i], d.Y[i] = float64(i), float64(n-i)
	}
	b.SetBytes(16 * n)
	for b.Loop() {
		DataPrintOf("data.train", "t.csv", d)
	}
}

// TestCheckpointInMemory: a Checkpoint's two parts go through any writer
// and reader: WriteInfo → ReadInfo and WriteState → ReadState give back
// what was written, with no file; ReadInfo refuses what WriteInfo cannot
// have written.
func TestCheckpointInMemory(t *testing.T) {
	c := &Checkpoint{
		Info: ResumeInfo{Config: "/runs/c.yaml", Seed: 7, Steps: 300, Epochs: 2, Fingerprint: &Fingerprint{
			Config: map[string]string{"train.lr": "0.01"}, Data: []DataPrint{{Key: "data.train", Path: "d.csv", Rows: 3, SHA256: "ab"}}}},
		State: &State{Planned: 300, Step: 41, Weights: []arch.Array{{Name: "pi.0.weight", Shape: []int{1, 2}, Data: []float64{0.5, -1}}},
			BestValNLL: math.NaN(), History: []Record{{Step: 1, LR: 0.01, Loss: 1.5, ValNLL: math.NaN()}}, Stopped: ""},
	}
	var info, state bytes.Buffer
	if err := c.WriteInfo(&info); err != nil {
		t.Fatal(err)
	}
	if err := c.WriteState(&state); err != nil {
		t.Fatal(err)
	}
	gotInfo, err := ReadInfo(&info)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotInfo, c.Info) {
		t.Errorf("info: got %+v, want %+v", gotInfo, c.Info)
	}
	st, err := ReadState(&state)
	if err != nil {
		t.Fatal(err)
	}
	if st.Planned != 300 || st.Step != 41 || !reflect.DeepEqual(st.Weights, c.State.Weights) || !math.IsNaN(st.BestValNLL) ||
		len(st.History) != 1 || st.History[0].Loss != 1.5 || !math.IsNaN(st.History[0].ValNLL) {
		t.Errorf("state: got %+v", st)
	}
	for _, tc := range []struct{ in, want string }{
		{"{", "resume info: unexpected end of JSON input"},
		{`{"seed": 3}`, `resume info: no "config"`},
		{`{"config": "c.yaml", "seed": -1}`, "resume info: json: cannot unmarshal number -1 into Go struct field ResumeInfo.seed of type uint64"},
		{`{"config": "` + strings.Repeat("a", MaxResumeBytes) + `"}`, "resume info: more than 1048576 bytes (train.MaxResumeBytes)"},
	} {
		_, err := ReadInfo(strings.NewReader(tc.in))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%.40q: got %v, want %q", tc.in, err, tc.want)
		}
	}
	if _, err := ReadState(strings.NewReader("not gob")); err == nil || !strings.HasPrefix(err.Error(), "not a training checkpoint: ") {
		t.Errorf("ReadState of \"not gob\": got %v, want not a training checkpoint", err)
	}
}
