package model

import (
	"bytes"
	"encoding/json"
	"github.com/mdn-go/mdn/arch"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/graph"
)

func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

func TestSaveLoadRoundTrip(t *testing.T) {
	full := testSpec(arch.Full, 2)
	fixed := testSpec(arch.Fixed, 2)
	f32 := testSpec(arch.Isotropic, 1)
	f32.Dtype, f32.Transform, f32.Activation = arch.Float32, arch.Softplus, arch.SiLU
	skip := testSpec(arch.Diagonal, 2)
	skip.Skip = true
	for _, tc := range []struct {
		name string
		spec arch.Spec
		sc   *data.Scaler
	}{
		{"full/identity scaler", full, nil},
		{"fixed/scaler", fixed, &data.Scaler{XMean: []float64{0.1, 1e-300}, XStd: []float64{3, math.Pi},
			YMean: []float64{-2.5, 1.0 / 3}, YStd: []float64{math.SmallestNonzeroFloat64, 7}}},
		{"float32/isotropic", f32, nil},
		{"diagonal/skip", skip, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(11, 12))
			w := randomWeights(t, tc.spec, rng)
			// Values whose shortest decimal is long, to test exact round trips.
			if tc.spec.Dtype == arch.Float64 {
				d := w.Pi[0].W.Data().([]float64)
				d[0], d[1], d[2] = math.Nextafter(1, 2), -math.SmallestNonzeroFloat64, math.Copysign(0, -1)
			}
			m := newModel(t, w, tc.sc)
			m.Training.Created = "2024-05-01T12:00:00Z"
			dir := t.TempDir()
			p1, p2, p3 := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json"), filepath.Join(dir, "c.json")
			if err := m.Save(p1); err != nil {
				t.Fatal(err)
			}
			got, err := Load(p1)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Spec, m.Spec) {
				t.Fatalf("spec: got %+v, want %+v", got.Spec, m.Spec)
			}
			if !reflect.DeepEqual(got.XNames, m.XNames) || !reflect.DeepEqual(got.YNames, m.YNames) {
				t.Fatalf("names: got %v %v, want %v %v", got.XNames, got.YNames, m.XNames, m.YNames)
			}
			if !reflect.DeepEqual(got.Training, m.Training) {
				t.Fatalf("training: got %+v, want %+v", got.Training, m.Training)
			}
			for _, c := range [][2][]float64{{got.Scaler.XMean, m.Scaler.XMean}, {got.Scaler.XStd, m.Scaler.XStd},
				{got.Scaler.YMean, m.Scaler.YMean}, {got.Scaler.YStd, m.Scaler.YStd}} {
				if !sameBits(c[0], c[1]) {
					t.Fatalf("scaler: got %v, want %v", c[0], c[1])
				}
			}
			if len(got.Arrays) != len(m.Arrays) {
				t.Fatalf("got %d arrays, want %d", len(got.Arrays), len(m.Arrays))
			}
			for i, a := range got.Arrays {
				b := m.Arrays[i]
				if a.Name != b.Name || !reflect.DeepEqual(a.Shape, b.Shape) || !sameBits(a.Data, b.Data) {
					t.Fatalf("array %d: got %v %v, want %v %v (bit for bit)", i, a.Name, a.Shape, b.Name, b.Shape)
				}
			}
			// The same model saved twice, and the loaded model saved again,
			// give the same bytes.
			if err := m.Save(p2); err != nil {
				t.Fatal(err)
			}
			if err := got.Save(p3); err != nil {
				t.Fatal(err)
			}
			b1, _ := os.ReadFile(p1)
			b2, _ := os.ReadFile(p2)
			b3, _ := os.ReadFile(p3)
			if !bytes.Equal(b1, b2) || !bytes.Equal(b1, b3) {
				t.Fatalf("saves differ: %d, %d and %d bytes", len(b1), len(b2), len(b3))
			}
			// graph.WeightsFromArrays rebuilds the graph weights in the model's dtype.
			gw, err := graph.WeightsFromArrays(got.Spec, got.Arrays)
			if err != nil {
				t.Fatal(err)
			}
			if dt := gw.Pi[0].W.Dtype(); dt != graph.Dtype(tc.spec.Dtype) {
				t.Fatalf("weights dtype: got %v, want %v", dt, tc.spec.Dtype)
			}
			for i, a := range gw.Arrays() {
				if !sameBits(a.Data, w.Arrays()[i].Data) {
					t.Fatalf("Weights(): %s differs from the saved weights", a.Name)
				}
			}
		})
	}
}

func TestSaveKeepsOldFileOnError(t *testing.T) {
	m := newModel(t, randomWeights(t, testSpec(arch.Diagonal, 1), rand.New(rand.NewPCG(1, 1))), nil)
	path := filepath.Join(t.TempDir(), "m.json")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	bad := *m
	bad.Training.FinalTrainLoss = math.NaN()
	err := bad.Save(path)
	want := "model: " + path + ": training.final_train_loss: must be finite, got NaN"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %v", err, want)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Fatalf("a failed Save changed the file")
	}
}

func TestNewErrors(t *testing.T) {
	s := testSpec(arch.Diagonal, 1)
	w := randomWeights(t, s, rand.New(rand.NewPCG(1, 1))).Arrays()
	id := data.IdentityScaler(2, 1)
	other := testSpec(arch.Diagonal, 1)
	other.K = 4
	for _, tc := range []struct {
		name   string
		spec   arch.Spec
		w      []arch.Array
		xNames []string
		sc     data.Scaler
		want   string
	}{
		{"no weights", s, nil, []string{"a", "b"}, id, `model: new: weights: "pi.0.weight" missing`},
		{"names", s, w, []string{"a"}, id, "model: new: x_names: has 1 names, spec.dim_in is 2"},
		{"duplicate names", s, w, []string{"a", "a"}, id, `model: new: x_names[1]: "a" given twice`},
		{"scaler", s, w, []string{"a", "b"}, data.IdentityScaler(1, 1), "data: scaler: has 1 x means and 1 x stds, want 2"},
		{"weights of another spec", other, w, []string{"a", "b"}, id,
			`model: new: weights: "pi.2.weight" has shape [5 3], the architecture needs [5 4]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.spec, tc.w, tc.xNames, []string{"y"}, tc.sc, Summary{})
			if err == nil || !strings.HasSuffix(err.Error(), tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

// validFile returns the JSON of a saved 1 → 1 model, K = 2, hidden [3],
// decoded into generic values for editing.
func validFile(t *testing.T) map[string]any {
	t.Helper()
	s := arch.Spec{In: 1, Out: 1, K: 2, Hidden: []int{3}, Activation: arch.ReLU, Noise: arch.Diagonal,
		Transform: arch.Exp, SigmaMin: 1e-3, Dtype: arch.Float32}
	m := newModel(t, randomWeights(t, s, rand.New(rand.NewPCG(2, 3))), nil)
	path := filepath.Join(t.TempDir(), "valid.json")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f map[string]any
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

// weight returns the generic array named name in f.
func weight(f map[string]any, name string) map[string]any {
	for _, a := range f["weights"].([]any) {
		if a := a.(map[string]any); a["name"] == name {
			return a
		}
	}
	panic("no weight " + name)
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	edit := func(change func(f map[string]any)) string {
		f := validFile(t)
		change(f)
		b, err := json.MarshalIndent(f, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, tc := range []struct {
		name    string
		content *string // nil: no file
		want    string  // after "model: <path>: "
	}{
		{"missing file", nil, "no such file or directory"},
		{"empty file", ptr(""), "empty file"},
		{"blank file", ptr(" \n\t\n"), "empty file"},
		// The offset encoding/json reports is the end of the input; its
		// last byte is the "{" at line 3, column 11.
		{"truncated JSON", ptr("{\"format\": \"mdn-model\",\n  \"version\": 1,\n  \"spec\": {"),
			"line 3, column 11: invalid JSON: unexpected end of JSON input"},
		// "f" starts the literal false; the "o" at column 2 breaks it.
		{"not JSON", ptr("format: mdn-model\n"), "line 1, column 2: invalid JSON: invalid character 'o' in literal false (expecting 'a')"},
		// The second "}" is the first byte of line 2.
		{"trailing text", ptr("{\"format\": \"mdn-model\"}\n}"),
			"line 2, column 1: invalid JSON: invalid character '}' after top-level value"},
		{"not an object", ptr("[1, 2]"), "line 1, column 1: the document: want an object, got a JSON array"},
		// encoding/json reports the offset after the value "1", whose last
		// byte is at line 2, column 14.
		{"version not a number", ptr("{\"format\": \"mdn-model\",\n\"version\": \"1\"}"),
			"line 2, column 14: version: want an integer, got a JSON string"},
		{"wrong format", ptr(`{"format": "mdn-config", "version": 1}`), `not an mdn model (format "mdn-config", want "mdn-model")`},
		{"no format", ptr(`{"version": 1}`), `not an mdn model (format "", want "mdn-model")`},
		{"version 5", ptr(edit(func(f map[string]any) { f["version"] = 5 })), "unsupported format version 5 (this mdn reads 1 to 4)"},
		{"version 0", ptr(edit(func(f map[string]any) { f["version"] = 0 })), "unsupported format version 0 (this mdn reads 1 to 4)"},
		{"unknown field", ptr(edit(func(f map[string]any) { f["spec"].(map[string]any)["layers"] = 2 })), `unknown field "layers"`},
		{"weight of wrong shape", ptr(edit(func(f map[string]any) {
			weight(f, "pi.0.weight")["shape"] = []int{3, 1}
		})), `weights: "pi.0.weight" has shape [3 1], the architecture needs [1 3]`},
		{"weight with too few values", ptr(edit(func(f map[string]any) {
			weight(f, "normal.1.bias")["data"] = []float64{1, 2, 3}
		})), `weights: "normal.1.bias" has 3 values, shape [4] needs 4`},
		{"NaN weight as a string", ptr(edit(func(f map[string]any) {
			weight(f, "pi.0.weight")["data"].([]any)[1] = "NaN"
		})), `weights: "pi.0.weight": value 1 is the string "NaN", not a number (a model file holds finite numbers only)`},
		{"NaN weight as null", ptr(edit(func(f map[string]any) {
			weight(f, "normal.1.bias")["data"].([]any)[0] = nil
		})), `weights: "normal.1.bias": value 0 is null, not a number`},
		{"infinite weight", ptr(strings.Replace(edit(func(f map[string]any) {
			weight(f, "pi.1.bias")["data"].([]any)[1] = "INF"
		}), `"INF"`, "1e999", 1)), `weights: "pi.1.bias": value 1 is 1e999, out of the float64 range`},
		{"weight missing", ptr(edit(func(f map[string]any) {
			f["weights"] = f["weights"].([]any)[1:]
		})), `weights: "pi.0.weight" missing`},
		{"x names count", ptr(edit(func(f map[string]any) { f["x_names"] = []string{"xa", "xb"} })),
			"x_names: has 2 names, spec.dim_in is 1"},
		{"y names count", ptr(edit(func(f map[string]any) { f["y_names"] = []string{} })),
			"y_names: has 0 names, spec.dim_out is 1"},
		{"scaler length", ptr(edit(func(f map[string]any) {
			f["scaler"].(map[string]any)["y_std"] = []float64{1, 1}
		})), "data: scaler: has 1 y means and 2 y stds, want 1"},
		{"scaler std 0", ptr(edit(func(f map[string]any) {
			f["scaler"].(map[string]any)["x_std"] = []float64{0}
		})), "data: scaler: x_std[0]: must be > 0, got 0"},
		{"scaler missing", ptr(edit(func(f map[string]any) { delete(f, "scaler") })),
			"scaler.x_mean: missing, want an array of numbers"},
		{"bad dtype", ptr(edit(func(f map[string]any) { f["spec"].(map[string]any)["dtype"] = "float16" })),
			`spec.dtype: must be one of float32, float64; got "float16"`},
		{"bad spec", ptr(edit(func(f map[string]any) { f["spec"].(map[string]any)["components"] = 0 })),
			"spec: components: must be ≥ 1, got 0"},
		{"bad noise", ptr(edit(func(f map[string]any) { f["spec"].(map[string]any)["noise"] = "spherical" })),
			`spec: noise: must be one of full, diagonal, isotropic, isotropic_across_clusters, fixed; got "spherical"`},
		// The spec is decoded as arch.Spec: a type error names the key
		// under "spec", and fixed_sigma is checked as the other float
		// arrays are.
		{"spec key of the wrong type", ptr(edit(func(f map[string]any) { f["spec"].(map[string]any)["hidden"] = []any{3, 1.5} })),
			"line 25, column 9: spec.hidden: want an integer, got a JSON number 1.5"},
		{"fixed sigma null", ptr(edit(func(f map[string]any) {
			f["spec"].(map[string]any)["noise"] = "fixed"
			f["spec"].(map[string]any)["fixed_sigma"] = []any{nil}
		})), "spec.fixed_sigma: value 0 is null, not a number"},
		{"fixed sigma NaN", ptr(edit(func(f map[string]any) {
			f["spec"].(map[string]any)["noise"] = "fixed"
			f["spec"].(map[string]any)["fixed_sigma"] = []any{"NaN"}
		})), `spec.fixed_sigma: value 0 is the string "NaN", not a number (a model file holds finite numbers only)`},
		{"bad created", ptr(edit(func(f map[string]any) { f["training"].(map[string]any)["created"] = "yesterday" })),
			`training.created: want an RFC 3339 time, got "yesterday"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".json")
			if tc.content != nil {
				if err := os.WriteFile(path, []byte(*tc.content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := Load(path)
			want := "model: " + path + ": " + tc.want
			if err == nil || err.Error() != want {
				t.Fatalf("got %v, want %v", err, want)
			}
		})
	}
}

func ptr(s string) *string { return &s }

func TestLoadValidEdits(t *testing.T) {
	// Fields a hand-edited file may change without error: no training
	// summary at all, a null best validation NLL.
	for _, tc := range []struct {
		name   string
		change func(f map[string]any)
		check  func(m *Model) bool
	}{
		{"no training", func(f map[string]any) { delete(f, "training") },
			func(m *Model) bool { return reflect.DeepEqual(m.Training, Summary{}) }},
		{"null best validation NLL", func(f map[string]any) { f["training"].(map[string]any)["best_validation_nll"] = nil },
			func(m *Model) bool { return m.Training.BestValidationNLL == nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := validFile(t)
			tc.change(f)
			b, _ := json.Marshal(f)
			path := filepath.Join(t.TempDir(), "m.json")
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			m, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(m) {
				t.Fatalf("got %+v", m.Training)
			}
		})
	}
}

func TestIndentKeepsTheDocument(t *testing.T) {
	// indent only adds white space outside strings: compacting its output
	// (encoding/json's Compact) gives the input back, and the result is
	// valid JSON.
	for _, doc := range []string{
		`{}`,
		`[]`,
		`{"a":[],"b":{},"c":[1,2.5e-300,-0],"d":["x]","y\"[{","\\"],"e":[{"f":[[1],[2]]}],"g":null}`,
		`{"names":["a, b","c: d"],"n":{"m":{"k":[true,false]}}}`,
	} {
		t.Run(doc, func(t *testing.T) {
			got := indent([]byte(doc))
			if !json.Valid(got) {
				t.Fatalf("not valid JSON:\n%s", got)
			}
			var back bytes.Buffer
			if err := json.Compact(&back, got); err != nil {
				t.Fatal(err)
			}
			if back.String() != doc {
				t.Fatalf("got %s, want %s", back.String(), doc)
			}
		})
	}
	// The layout: members on their own lines, a flat array on one line.
	got := string(indent([]byte(`{"a":[1,2],"b":{"c":"d"}}`)))
	want := "{\n  \"a\": [1, 2],\n  \"b\": {\n    \"c\": \"d\"\n  }\n}\n"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// A skip connection is written as spec key "skip" with the array
// normal.skip.weight, and needs format version 3.
func TestSkipFile(t *testing.T) {
	s := testSpec(arch.Diagonal, 2)
	s.Skip = true
	w := randomWeights(t, s, rand.New(rand.NewPCG(3, 4)))
	m := newModel(t, w, nil)
	path := filepath.Join(t.TempDir(), "m.json")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"skip": true`) || !strings.Contains(string(b), `"normal.skip.weight"`) {
		t.Fatalf("the file has no skip key or weight:\n%s", b)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Spec.Skip {
		t.Fatal("loaded spec has no skip")
	}
	v2 := strings.Replace(string(b), `"version": 3`, `"version": 2`, 1)
	os.WriteFile(path, []byte(v2), 0o644)
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "spec: skip: needs format version 3, the file is version 2") {
		t.Errorf("got %v", err)
	}
	// Without the key the weight is unknown.
	nokey := strings.Replace(string(b), `"skip": true`, `"skip": false`, 1)
	os.WriteFile(path, []byte(nokey), 0o644)
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), `unknown array "normal.skip.weight"`) {
		t.Errorf("got %v", err)
	}
	// Without skip the key is not written.
	m0 := newModel(t, randomWeights(t, testSpec(arch.Diagonal, 2), rand.New(rand.NewPCG(3, 4))), nil)
	var sb strings.Builder
	if err := m0.Encode(&sb); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sb.String(), `"skip"`) {
		t.Error("a model without skip writes the key")
	}
}
