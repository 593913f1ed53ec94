package predict

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestAppendJSONFloatMatchesEncodingJSON(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e-6, 9.99999e-7, 1e-7, 1.5e-300, 5e-324, 1e20, 1e21,
		-1e21, 123456789012345678901234.0, math.MaxFloat64, -math.SmallestNonzeroFloat64, 1.0 / 3, 2.5e-10, 7e22}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		vals = append(vals, math.Float64frombits(rng.Uint64()), rng.NormFloat64()*math.Pow(10, float64(rng.IntN(60)-30)))
	}
	for _, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			if _, ok := AppendJSONFloat(nil, v); ok {
				t.Errorf("%v: accepted", v)
			}
			continue
		}
		want, _ := json.Marshal(v)
		got, ok := AppendJSONFloat(nil, v)
		if !ok || string(got) != string(want) {
			t.Errorf("%v: got %s, want %s (json.Marshal)", v, got, want)
		}
	}
}

// jsonStrings are strings with every case of AppendJSONString.
var jsonStrings = []string{"", "b", "a<b>", "é", "A", "x\"y", "tab\t", "\u2028", "\u2029", "a&b", "back\\slash",
	"nl\ncr\r", "\x00\x01\x1f\x7f", "bad\xffutf8\xc3", "😀", "Adelie", "a b,c"}

func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range jsonStrings {
		want, _ := json.Marshal(s)
		if got := AppendJSONString(nil, s); string(got) != string(want) {
			t.Errorf("%q: got %s, want %s (json.Marshal)", s, got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range jsonStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := AppendJSONString(nil, s); string(got) != string(want) {
			t.Fatalf("%q: got %s, want %s (json.Marshal)", s, got, want)
		}
	})
}

func TestKeysMatchEncodingJSON(t *testing.T) {
	ns := []string{"b", "a<b>", "é", "A", "x\"y", "tab\t", "\u2028", "a&b"}
	k := NewKeys(ns)
	var w JSON
	v := []float64{1, 2, 3, 4, 5, 6, 7, 8}
	w.Object(&k, v)
	m := map[string]float64{}
	for i, s := range ns {
		m[s] = v[i]
	}
	want, _ := json.Marshal(m)
	if string(w.Buf) != string(want) {
		t.Errorf("got %s, want %s", w.Buf, want)
	}
	w.Reset()
	w.Float(math.NaN())
	if !w.Bad() || string(w.Buf) != "0" {
		t.Errorf("NaN: bad %v, wrote %q", w.Bad(), w.Buf)
	}
	if w.Reset(); w.Bad() || !strings.HasPrefix(string(w.Buf), "") || len(w.Buf) != 0 {
		t.Errorf("Reset left %q, bad %v", w.Buf, w.Bad())
	}
}
