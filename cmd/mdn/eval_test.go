package main

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/mdn-go/mdn/encode"
	"github.com/mdn-go/mdn/model"
)

func TestEval(t *testing.T) {
	mp := trainEx1d(t)
	const test = "../../testdata/ex1d_test.csv"

	out, stderr, code := mdnRun(t, "", "eval", "--model", mp, "--data", test, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n := strings.Count(out, "\n"); n != 1 {
		t.Errorf("--json: got %d lines, want one JSON object on one line", n)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &obj); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if want := []string{"dead_components", "effective_components", "input", "mean_weights", "n", "nll", "responses"}; !slices.Equal(keys, want) {
		t.Errorf("keys: got %v, want %v", keys, want)
	}
	var resp []map[string]json.RawMessage
	if err := json.Unmarshal(obj["responses"], &resp); err != nil || len(resp) != 1 {
		t.Fatalf("responses: got %s (%v), want one object", obj["responses"], err)
	}
	keys = keys[:0]
	for k := range resp[0] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if want := []string{"calibration_error", "coverage_50", "coverage_80", "coverage_95", "crps", "mae", "name", "pit_histogram", "rmse"}; !slices.Equal(keys, want) {
		t.Errorf("response keys: got %v, want %v", keys, want)
	}

	var got struct {
		N   int     `json:"n"`
		NLL float64 `json:"nll"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	// Independently: −mean log p(y|x) from the model package, one row at a time.
	m, err := model.Load(mp)
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := encode.Read(test, encode.Numeric(m.XNames), m.YNames)
	if err != nil {
		t.Fatal(err)
	}
	p := m.Predictor(1)
	var nll float64
	for i := range d.N {
		x, y := d.Row(i)
		mix, err := p.Predict(x, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		nll -= mix[0].LogProb(y) / float64(d.N)
	}
	if got.N != d.N || math.Abs(got.NLL-nll) > 1e-10 {
		t.Errorf("n, nll: got %d, %v, want %d, %v", got.N, got.NLL, d.N, nll)
	}

	t.Run("table", func(t *testing.T) {
		out, stderr, code := mdnRun(t, "", "eval", "--model", mp, "--data", test)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, want := range []string{"rows                  4096\n", "nll  ", "crps", "PIT histogram"} {
			if !strings.Contains(out, want) {
				t.Errorf("table lacks %q:\n%s", want, out)
			}
		}
	})
}
