package serve

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/encode"
	"github.com/mdn-go/mdn/model"
)

// ex1dModel is a model trained by `mdn train` with configs/ex_1d.yaml's
// recipe (hidden [64, 64], K = 5, 2000 steps, seed 0) on testdata/ex1d_train.csv.
const ex1dModel = "testdata/ex1d.json"

// writeModel saves a model of random weights (Glorot, N(0, 0.5²) biases so
// that the components differ) with In covariates x0… and Out responses
// y0…, noise noise, and returns its path.
func writeModel(t testing.TB, in, out int, noise arch.Noise, seed uint64) string {
	return writeModelEnc(t, in, out, noise, seed, nil)
}

// writeModelEnc is writeModel with an encoding (nil for none); in is then
// the number of network inputs the encoding makes.
func writeModelEnc(t testing.TB, in, out int, noise arch.Noise, seed uint64, enc *encode.Schema) string {
	t.Helper()
	s := arch.Spec{In: in, Out: out, K: 3, Hidden: []int{8}, Activation: arch.Tanh, Noise: noise,
		Transform: arch.Exp, SigmaMin: 0.01, Dtype: arch.Float64}
	// Uniform(±sqrt(6/(fan_in+fan_out))) weights (Glorot) and N(0, 0.5²)
	// biases, drawn here so that the tests do not link the graph package.
	rng := rand.New(rand.NewPCG(seed, 3))
	var arrays []arch.Array
	pnames, shapes := s.ParamShapes()
	for i, n := range pnames {
		sh := shapes[i]
		size := 1
		for _, d := range sh {
			size *= d
		}
		v := make([]float64, size)
		for j := range v {
			if len(sh) == 2 {
				v[j] = (2*rng.Float64() - 1) * math.Sqrt(6/float64(sh[0]+sh[1]))
			} else {
				v[j] = 0.5 * rng.NormFloat64()
			}
		}
		arrays = append(arrays, arch.Array{Name: n, Shape: sh, Data: v})
	}
	names := func(p string, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = p + string(rune('0'+i))
		}
		return out
	}
	sc := data.IdentityScaler(in, out)
	for j := range sc.YMean {
		sc.YMean[j], sc.YStd[j] = float64(j), 2+float64(j)
	}
	xn := names("x", in)
	if enc != nil {
		xn = enc.Names()
	}
	m, err := model.New(s, arrays, xn, names("y", out), sc, model.Summary{Steps: 1, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	if enc != nil {
		m.Encoding = enc
		if err := m.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "model.json")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func newServer(t testing.TB, o Options) *Server {
	t.Helper()
	if o.Model == "" {
		o.Model = ex1dModel
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// do sends one request to h and returns the status and body.
func do(t testing.TB, h http.Handler, method, path, ctype string, body []byte) (int, []byte) {
	t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		if ct := res.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s %s: status %d with Content-Type %q, want application/json", method, path, res.StatusCode, ct)
		}
	}
	return res.StatusCode, b
}

// post sends a JSON body and returns the status and body.
func post(t testing.TB, h http.Handler, path, body string) (int, []byte) {
	t.Helper()
	return do(t, h, "POST", path, "application/json", []byte(body))
}

// errorOf returns the "error" of a JSON error body.
func errorOf(t testing.TB, b []byte) string {
	t.Helper()
	var e struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(b, &e); err != nil || e.Error == "" {
		t.Fatalf("not an error body: %s", b)
	}
	return e.Error
}
