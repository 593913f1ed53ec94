package model

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad: no file may panic the loader; an accepted model validates and
// predicts finite mixtures.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(`{"format":"mdn-model","version":1}`))
	f.Add([]byte(`{`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"format":"mdn-model","version":2}`))
	if b, err := os.ReadFile(filepath.Join("testdata", "seed-model.json")); err == nil {
		f.Add(b)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(dir, "m.json")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := Load(p)
		if err != nil {
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("Load accepted a model that does not validate: %v", err)
		}
		x := make([]float64, m.Spec.In)
		mix, err := m.Predictor(1).Predict(x, 1, nil)
		if err != nil {
			return
		}
		if lp := mix[0].LogProb(make([]float64, m.Spec.Out)); lp != lp {
			t.Fatalf("NaN log density from an accepted model")
		}
	})
}
