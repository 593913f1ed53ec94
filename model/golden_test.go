package model

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/mdn-go/mdn/encode"
)

// regen rewrites the golden files of this package from the current code:
// go test ./model -run Golden -regen.
var regen = flag.Bool("regen", false, "rewrite the golden files in testdata")

// fixtures are model files of every format version, as the mdn of that
// version wrote them (testdata/README.md says how each was made), with the
// CSV file whose first goldenRows rows they predict.
var fixtures = []struct {
	file    string
	version int
	data    string
}{
	{"seed-model.json", 1, "../testdata/ex1d_test.csv"},
	{"v2-penguins.json", 2, "../testdata/penguins_test.csv"},
	{"v3-ring2d.json", 3, "../testdata/ring2d_test.csv"},
	{"v3-ex1d.json", 3, "../testdata/ex1d_test.csv"},
	{"calibrated-model.json", 4, "../testdata/ex1d_test.csv"},
}

// goldenRows is the number of rows of each fixture's data predicted.
const goldenRows = 8

// goldenMixture is one row's predicted mixture as stored in the golden file.
type goldenMixture struct {
	K          int       `json:"k"`
	D          int       `json:"d"`
	LogWeights []float64 `json:"log_weights"`
	Means      []float64 `json:"means"`
	Chol       []float64 `json:"chol"`
}

// TestGoldenPredictions loads a model file of every format version and
// checks its predictions on the first rows of its data against
// testdata/predictions.golden.json, written by this test with -regen from
// the code of the commit that added the fixtures. The tolerance, 1e-12
// relative, lets a matrix product sum in another order; a change of
// format reading or of the network's formulas moves the numbers far more.
func TestGoldenPredictions(t *testing.T) {
	got := map[string][]goldenMixture{}
	for _, fx := range fixtures {
		m, err := Load(filepath.Join("testdata", fx.file))
		if err != nil {
			t.Fatalf("%s: %v", fx.file, err)
		}
		if m.Version != fx.version {
			t.Errorf("%s: version %d, want %d", fx.file, m.Version, fx.version)
		}
		d, _, err := encode.Read(fx.data, m.Schema(), m.YNames)
		if err != nil {
			t.Fatalf("%s: %v", fx.file, err)
		}
		n := min(goldenRows, d.N)
		mix, err := m.Predictor(n).Predict(d.X[:n*d.XDim], n, nil)
		if err != nil {
			t.Fatalf("%s: %v", fx.file, err)
		}
		for _, mx := range mix {
			got[fx.file] = append(got[fx.file], goldenMixture{mx.K, mx.D, mx.LogWeights, mx.Means, mx.Chol})
		}
	}
	path := filepath.Join("testdata", "predictions.golden.json")
	if *regen {
		b, err := json.MarshalIndent(got, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var want map[string][]goldenMixture
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&want); err != nil {
		t.Fatal(err)
	}
	if len(want) != len(fixtures) {
		t.Fatalf("golden file has %d models, want %d (run with -regen after adding a fixture)", len(want), len(fixtures))
	}
	for _, fx := range fixtures {
		g, w := got[fx.file], want[fx.file]
		if len(g) != len(w) || len(w) == 0 {
			t.Errorf("%s: %d rows, golden has %d", fx.file, len(g), len(w))
			continue
		}
		for i := range w {
			if g[i].K != w[i].K || g[i].D != w[i].D {
				t.Errorf("%s row %d: K, D = %d, %d, want %d, %d", fx.file, i, g[i].K, g[i].D, w[i].K, w[i].D)
				continue
			}
			for _, c := range []struct {
				name      string
				got, want []float64
			}{{"log_weights", g[i].LogWeights, w[i].LogWeights}, {"means", g[i].Means, w[i].Means}, {"chol", g[i].Chol, w[i].Chol}} {
				if err := closeSlices(c.got, c.want, 1e-12); err != nil {
					t.Errorf("%s row %d %s: %v", fx.file, i, c.name, err)
				}
			}
		}
	}
}

// closeSlices reports the first element of got farther than rel (relative
// to max(1, |want|)) from want.
func closeSlices(got, want []float64, rel float64) error {
	if len(got) != len(want) {
		return fmt.Errorf("length %d, want %d", len(got), len(want))
	}
	for j := range want {
		if !(math.Abs(got[j]-want[j]) <= rel*math.Max(1, math.Abs(want[j]))) {
			return fmt.Errorf("[%d] = %v, want %v", j, got[j], want[j])
		}
	}
	return nil
}
