package serve

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/encode"
	"github.com/mdn-go/mdn/mixture"
	"github.com/mdn-go/mdn/model"
	"github.com/mdn-go/mdn/predict"
)

// mixturesOf predicts the rows xs (one value per covariate each) with a
// Predictor of the model at path in chunks of SampleChunk rows, as mdn
// predict and mdn sample do (a one-row product can differ from a batched
// one in the last bit).
func mixturesOf(t *testing.T, path string, xs [][]float64) []mixture.Mixture {
	t.Helper()
	m, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	p := m.Predictor(SampleChunk)
	var flat []float64
	for _, x := range xs {
		flat = append(flat, x...)
	}
	out, err := p.Predict(flat, len(xs), nil)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rowsJSON is the "rows" array of the rows xs of columns x0, x1, … (x
// when there is one).
func rowsJSON(xs [][]float64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, x := range xs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('{')
		for j, v := range x {
			if j > 0 {
				b.WriteByte(',')
			}
			name := "x"
			if len(x) > 1 {
				name += strconv.Itoa(j)
			}
			fmt.Fprintf(&b, `"%s":%s`, name, strconv.FormatFloat(v, 'g', -1, 64))
		}
		b.WriteByte('}')
	}
	b.WriteByte(']')
	return b.String()
}

type result struct {
	Row        int                `json:"row"`
	X          map[string]float64 `json:"x"`
	Components []struct {
		Weight float64            `json:"weight"`
		Mean   map[string]float64 `json:"mean"`
		Sigma  map[string]float64 `json:"sigma"`
		Cov    [][]float64        `json:"cov"`
	} `json:"components"`
	Mean  map[string]float64 `json:"mean"`
	Var   map[string]float64 `json:"var"`
	Cov   [][]float64        `json:"cov"`
	Modes []struct {
		Y          map[string]float64 `json:"y"`
		LogDensity float64            `json:"log_density"`
		Density    float64            `json:"density"`
		Mass       float64            `json:"mass"`
	} `json:"modes"`
	Q          []float64            `json:"q"`
	Quantiles  map[string][]float64 `json:"quantiles"`
	Level      float64              `json:"level"`
	Lower      map[string]float64   `json:"lower"`
	Upper      map[string]float64   `json:"upper"`
	Samples    map[string][]float64 `json:"samples"`
	LogDensity *float64             `json:"log_density"`
}

// results decodes a {"results": […]} body strictly.
func results(t *testing.T, b []byte) []result {
	t.Helper()
	var r struct {
		Results []result `json:"results"`
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return r.Results
}

// keysOf returns the top-level keys of each result object, in order.
func keysOf(t *testing.T, b []byte) []string {
	t.Helper()
	var r struct {
		Results []json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(r.Results[0])))
	var keys []string
	dec.Token()
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var skip json.RawMessage
		dec.Decode(&skip)
	}
	return keys
}

func TestPredictEveryWhat(t *testing.T) {
	xs := [][]float64{{-7.5}, {-3}, {0}, {0.25}, {2.5}, {7}}
	mix := mixturesOf(t, ex1dModel, xs)
	h := newServer(t, Options{}).Handler()
	near := func(t *testing.T, what string, got, want float64) {
		t.Helper()
		if got != want {
			t.Errorf("%s: got %v, want %v", what, got, want)
		}
	}
	req := func(t *testing.T, extra string) []result {
		t.Helper()
		code, b := post(t, h, "/v1/predict", `{`+extra+`,"rows":`+rowsJSON(xs)+`}`)
		if code != 200 {
			t.Fatalf("status %d: %s", code, b)
		}
		rs := results(t, b)
		if len(rs) != len(xs) {
			t.Fatalf("got %d results, want %d", len(rs), len(xs))
		}
		for i, r := range rs {
			if r.Row != i || r.X["x"] != xs[i][0] {
				t.Errorf("result %d: row %d, x %v; want row %d, x %v", i, r.Row, r.X, i, xs[i][0])
			}
		}
		return rs
	}
	t.Run("params", func(t *testing.T) {
		rs := req(t, `"what":"params"`)
		for i, r := range rs {
			m := mix[i]
			if len(r.Components) != m.K {
				t.Fatalf("row %d: %d components, want %d", i, len(r.Components), m.K)
			}
			for k, c := range r.Components {
				near(t, "weight", c.Weight, math.Exp(m.LogWeights[k]))
				near(t, "mean", c.Mean["y"], m.Means[k])
				near(t, "sigma", c.Sigma["y"], m.Chol[k])
			}
		}
	})
	t.Run("mean", func(t *testing.T) {
		for i, r := range req(t, `"what":"mean"`) {
			// Σ_k π_k μ_k
			var want float64
			for k := range mix[i].K {
				want += math.Exp(mix[i].LogWeights[k]) * mix[i].Means[k]
			}
			if got := r.Mean["y"]; math.Abs(got-want) > 1e-12 {
				t.Errorf("row %d: mean %v, want %v", i, got, want)
			}
			near(t, "mean", r.Mean["y"], mix[i].Mean(nil)[0])
		}
	})
	t.Run("var", func(t *testing.T) {
		for i, r := range req(t, `"what":"var"`) {
			near(t, "var", r.Var["y"], mix[i].Cov(nil)[0])
			if r.Cov != nil {
				t.Errorf("row %d: cov for D = 1", i)
			}
		}
	})
	t.Run("mode", func(t *testing.T) {
		for i, r := range req(t, `"what":"mode"`) {
			want := mix[i].Modes(mixture.ModeOptions{})
			if len(r.Modes) != len(want) {
				t.Fatalf("row %d: %d modes, want %d", i, len(r.Modes), len(want))
			}
			for k, md := range r.Modes {
				near(t, "mode", md.Y["y"], want[k].Y[0])
				near(t, "log density", md.LogDensity, want[k].LogDensity)
				near(t, "density", md.Density, math.Exp(want[k].LogDensity))
				near(t, "mass", md.Mass, want[k].Mass)
			}
		}
	})
	t.Run("quantiles", func(t *testing.T) {
		rs := req(t, `"what":"quantiles","q":[0.1,0.5,0.9]`)
		for i, r := range rs {
			if !slices.Equal(r.Q, []float64{0.1, 0.5, 0.9}) {
				t.Errorf("q: got %v", r.Q)
			}
			for j, p := range r.Q {
				// F(F⁻¹(p)) = p
				if got := mix[i].CDF(r.Quantiles["y"][j]); math.Abs(got-p) > 1e-9 {
					t.Errorf("row %d: CDF(q%v) = %v", i, p, got)
				}
			}
		}
		for _, r := range req(t, `"what":"quantiles"`) {
			if !slices.Equal(r.Q, DefaultQ) {
				t.Errorf("default q: got %v, want %v", r.Q, DefaultQ)
			}
		}
	})
	t.Run("interval", func(t *testing.T) {
		for i, r := range req(t, `"what":"interval","level":0.8`) {
			lo, hi, err := predict.Interval(&mix[i], 0.8)
			if err != nil {
				t.Fatal(err)
			}
			near(t, "level", r.Level, 0.8)
			near(t, "lower", r.Lower["y"], lo)
			near(t, "upper", r.Upper["y"], hi)
			if p := mix[i].CDF(hi) - mix[i].CDF(lo); math.Abs(p-0.8) > 1e-9 {
				t.Errorf("row %d: P(lower ≤ y ≤ upper) = %v, want 0.8", i, p)
			}
		}
		for _, r := range req(t, `"what":"interval"`) {
			near(t, "default level", r.Level, DefaultLevel)
		}
	})
}

// TestPredictFields checks the fields of each what, in order, for one- and
// two-response models, diagonal and full.
func TestPredictFields(t *testing.T) {
	for _, c := range []struct {
		out   int
		noise arch.Noise
		what  string
		keys  string
	}{
		{1, arch.Diagonal, "params", "row x components"},
		{1, arch.Diagonal, "mean", "row x mean"},
		{1, arch.Diagonal, "var", "row x var"},
		{2, arch.Full, "var", "row x var cov"},
		{2, arch.Diagonal, "mode", "row x modes"},
		{2, arch.Diagonal, "quantiles", "row x q quantiles"},
		{2, arch.Full, "interval", "row x level lower upper"},
	} {
		t.Run(fmt.Sprintf("%s/D=%d/%s", c.what, c.out, c.noise), func(t *testing.T) {
			path := writeModel(t, 2, c.out, c.noise, 1)
			h := newServer(t, Options{Model: path}).Handler()
			code, b := post(t, h, "/v1/predict", `{"what":"`+c.what+`","rows":[{"x0":0.5,"x1":-1}]}`)
			if code != 200 {
				t.Fatalf("status %d: %s", code, b)
			}
			if got := strings.Join(keysOf(t, b), " "); got != c.keys {
				t.Errorf("fields: got %s, want %s", got, c.keys)
			}
			r := results(t, b)[0]
			mix := mixturesOf(t, path, [][]float64{{0.5, -1}})[0]
			switch c.what {
			case "var":
				if c.out == 1 {
					break
				}
				cov := mix.Cov(nil)
				for i := range 2 {
					for j := range 2 {
						if r.Cov[i][j] != cov[i*2+j] {
							t.Errorf("cov[%d][%d]: got %v, want %v", i, j, r.Cov[i][j], cov[i*2+j])
						}
					}
				}
			case "quantiles":
				for j, n := range []string{"y0", "y1"} {
					mj := mix.Marginal(j)
					for i, p := range r.Q {
						if got := mj.CDF(r.Quantiles[n][i]); math.Abs(got-p) > 1e-9 {
							t.Errorf("%s: F(q%v) = %v", n, p, got)
						}
					}
				}
			}
		})
	}
	t.Run("params/full", func(t *testing.T) {
		path := writeModel(t, 2, 2, arch.Full, 2)
		h := newServer(t, Options{Model: path}).Handler()
		_, b := post(t, h, "/v1/predict", `{"what":"params","rows":[{"x0":0.5,"x1":-1}]}`)
		mix := mixturesOf(t, path, [][]float64{{0.5, -1}})[0]
		for k, c := range results(t, b)[0].Components {
			if c.Sigma != nil {
				t.Errorf("component %d: sigma for a full model", k)
			}
			s := mix.Sigma(k, nil)
			if got := [][]float64{{s[0], s[1]}, {s[2], s[3]}}; !slices.EqualFunc(c.Cov, got, slices.Equal) {
				t.Errorf("component %d: cov %v, want %v", k, c.Cov, got)
			}
		}
	})
}

func TestSample(t *testing.T) {
	h := newServer(t, Options{}).Handler()
	n := SampleChunk + 3 // two random streams
	xs := make([][]float64, n)
	for i := range xs {
		xs[i] = []float64{float64(i%21) - 10}
	}
	body := `{"rows":` + rowsJSON(xs) + `,"n_samples":2,"seed":11,"temperature":0.5}`
	code, b := post(t, h, "/v1/sample", body)
	if code != 200 {
		t.Fatalf("status %d: %s", code, b)
	}
	_, again := post(t, h, "/v1/sample", body)
	if string(again) != string(b) {
		t.Error("the same request gave different draws")
	}
	_, other := post(t, h, "/v1/sample", strings.Replace(body, `"seed":11`, `"seed":12`, 1))
	if string(other) == string(b) {
		t.Error("seeds 11 and 12 gave the same draws")
	}
	// The draws of mdn sample: rows c·4096… from PCG(seed, c), n draws
	// per row in order, from the tempered mixture.
	mix := mixturesOf(t, ex1dModel, xs)
	rs := results(t, b)
	pcg := rand.NewPCG(0, 0)
	rng := rand.New(pcg)
	y := make([]float64, 1)
	for i, r := range rs {
		if i%SampleChunk == 0 {
			pcg.Seed(11, uint64(i/SampleChunk))
		}
		mt := mix[i].WithTemperature(0.5)
		for k := range 2 {
			mt.Sample(rng, y)
			if got := r.Samples["y"][k]; got != y[0] {
				t.Fatalf("row %d, draw %d: got %v, want %v", i, k, got, y[0])
			}
		}
	}
	// Defaults: one draw, seed 0, temperature 1.
	_, b = post(t, h, "/v1/sample", `{"rows":[{"x":1}]}`)
	pcg.Seed(0, 0)
	mix[0] = mixturesOf(t, ex1dModel, [][]float64{{1}})[0]
	mix[0].Sample(rng, y)
	if got := results(t, b)[0].Samples["y"]; len(got) != 1 || got[0] != y[0] {
		t.Errorf("defaults: got %v, want [%v]", got, y[0])
	}
}

func TestLogpdf(t *testing.T) {
	h := newServer(t, Options{}).Handler()
	ys := []float64{-1, 0, 0.3, 2}
	mix := mixturesOf(t, ex1dModel, [][]float64{{1.5}})[0]
	var rows []string
	for _, y := range ys {
		rows = append(rows, fmt.Sprintf(`{"y":%v,"x":1.5,"id":"ignored"}`, y))
	}
	code, b := post(t, h, "/v1/logpdf", `{"rows":[`+strings.Join(rows, ",")+`]}`)
	if code != 200 {
		t.Fatalf("status %d: %s", code, b)
	}
	for i, r := range results(t, b) {
		// log Σ_k π_k N(y; μ_k, σ_k²), written out for D = 1
		var p float64
		for k := range mix.K {
			z := (ys[i] - mix.Means[k]) / mix.Chol[k]
			p += math.Exp(mix.LogWeights[k]) * math.Exp(-z*z/2) / (mix.Chol[k] * math.Sqrt(2*math.Pi))
		}
		want := math.Log(p)
		if r.LogDensity == nil || math.Abs(*r.LogDensity-want) > 1e-9*math.Max(1, math.Abs(want)) {
			t.Errorf("row %d: log density %v, want %v", i, r.LogDensity, want)
		}
	}
}

func TestModelHealthMetrics(t *testing.T) {
	s := newServer(t, Options{MaxRows: 50})
	h := s.Handler()
	code, b := do(t, h, "GET", "/v1/model", "", nil)
	if code != 200 {
		t.Fatalf("status %d: %s", code, b)
	}
	var info struct {
		Path     string         `json:"path"`
		SHA256   string         `json:"sha256"`
		XNames   []string       `json:"x_names"`
		YNames   []string       `json:"y_names"`
		Spec     map[string]any `json:"spec"`
		Training map[string]any `json:"training"`
		Limits   map[string]int `json:"limits"`
	}
	if err := json.Unmarshal(b, &info); err != nil {
		t.Fatal(err)
	}
	if info.Path != ex1dModel || len(info.SHA256) != 64 || !slices.Equal(info.XNames, []string{"x"}) ||
		!slices.Equal(info.YNames, []string{"y"}) || info.Spec["components"] != 5.0 ||
		info.Training["steps"] != 2000.0 || info.Limits["max_rows"] != 50 {
		t.Errorf("model info: %s", b)
	}
	if code, b := do(t, h, "GET", "/healthz", "", nil); code != 200 || string(b) != "{\"status\":\"ok\"}\n" {
		t.Errorf("healthz: %d %s", code, b)
	}
	post(t, h, "/v1/predict", `{"what":"mean","rows":[{"x":1},{"x":2},{"x":3}]}`)
	post(t, h, "/v1/predict", `{"what":"mean","rows":[{"x":"a"}]}`)
	do(t, h, "GET", "/v1/predict", "", nil)
	code, b = do(t, h, "GET", "/metrics", "", nil)
	if code != 200 {
		t.Fatalf("metrics: status %d", code)
	}
	for _, want := range []string{
		`mdn_serve_requests_total{code="200",endpoint="predict"} 1`,
		`mdn_serve_requests_total{code="400",endpoint="predict"} 1`,
		`mdn_serve_requests_total{code="405",endpoint="predict"} 1`,
		`mdn_serve_errors_total{code="400",endpoint="predict"} 1`,
		`mdn_serve_rows_total{endpoint="predict"} 3`,
		`mdn_serve_request_duration_seconds_count{endpoint="predict"} 3`,
		`mdn_serve_requests_total{code="200",endpoint="model"} 1`,
		`mdn_serve_in_flight_requests 1`, // this request
		`go_goroutines`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestBadRequests(t *testing.T) {
	s := newServer(t, Options{MaxRows: 3, MaxDraws: 10, MaxBodyBytes: 400})
	h := s.Handler()
	big := `{"what":"mean","rows":[` + strings.Repeat(`{"x":1},`, 60) + `{"x":1}]}`
	for _, c := range []struct {
		name, method, path, ctype, body string
		code                            int
		msg                             string
	}{
		{"missing covariate", "POST", "/v1/predict", "", `{"what":"mean","rows":[{"x":1},{"z":2}]}`, 400,
			`rows[1]: missing covariate "x"`},
		{"string", "POST", "/v1/predict", "", `{"what":"mean","rows":[{"x":"abc"}]}`, 400,
			`rows[0].x: want a number, got a string`},
		{"null", "POST", "/v1/predict", "", `{"what":"mean","rows":[{"x":1},{"x":null}]}`, 400,
			`rows[1].x: want a number, got null`},
		{"object value", "POST", "/v1/predict", "", `{"what":"mean","rows":[{"x":{}}]}`, 400,
			`rows[0].x: want a number, got an object`},
		{"out of range", "POST", "/v1/predict", "", `{"what":"mean","rows":[{"x":1e400}]}`, 400,
			`rows[0].x: 1e400 is out of the float64 range`},
		{"twice", "POST", "/v1/predict", "", `{"what":"mean","rows":[{"x":1,"x":2}]}`, 400,
			`rows[0]: column "x" given twice`},
		{"row not object", "POST", "/v1/predict", "", `{"what":"mean","rows":[1.5]}`, 400,
			`rows[0]: want an object (column name → value), got a number`},
		{"rows not array", "POST", "/v1/predict", "", `{"what":"mean","rows":{"x":1}}`, 400,
			`rows: want an array of objects (column name → value), got an object`},
		{"no rows", "POST", "/v1/predict", "", `{"what":"mean"}`, 400,
			`rows: required (an array of objects, one per row, column name → value)`},
		{"bad what", "POST", "/v1/predict", "", `{"what":"median","rows":[]}`, 400,
			`what: must be one of params, mean, var, mode, quantiles, interval, region, got "median"`},
		{"no what", "POST", "/v1/predict", "", `{"rows":[]}`, 400,
			`what: required, one of params, mean, var, mode, quantiles, interval, region`},
		{"what not string", "POST", "/v1/predict", "", `{"what":1,"rows":[]}`, 400,
			`what: want a string, got a number`},
		{"q out of range", "POST", "/v1/predict", "", `{"what":"quantiles","q":[0.5,1],"rows":[]}`, 400,
			`q[1]: 1 is not in (0, 1)`},
		{"q not number", "POST", "/v1/predict", "", `{"what":"quantiles","q":[0.5,"x"],"rows":[]}`, 400,
			`q[1]: want a number, got a string`},
		{"q empty", "POST", "/v1/predict", "", `{"what":"quantiles","q":[],"rows":[]}`, 400,
			`q: want at least one probability`},
		{"q with mean", "POST", "/v1/predict", "", `{"what":"mean","q":[0.5],"rows":[]}`, 400,
			`q: only used with "what": "quantiles"`},
		{"level", "POST", "/v1/predict", "", `{"what":"interval","level":1.5,"rows":[]}`, 400,
			`level: must be in (0, 1), got 1.5`},
		{"level with mean", "POST", "/v1/predict", "", `{"what":"mean","level":0.5,"rows":[]}`, 400,
			`level: only used with "what": "interval" and "region"`},
		{"unknown field", "POST", "/v1/predict", "", `{"what":"mean","quantile":[0.5],"rows":[]}`, 400,
			`unknown field "quantile"; the fields of /v1/predict are what, rows, q, level, inputs`},
		{"field twice", "POST", "/v1/predict", "", `{"what":"mean","what":"var","rows":[]}`, 400,
			`field "what" given twice`},
		{"trailing comma", "POST", "/v1/predict", "", `{"what":"mean","rows":[{"x":1},]}`, 400,
			`rows[1]: want an object (column name → value), got ']'`},
		{"trailing data", "POST", "/v1/predict", "", `{"what":"mean","rows":[]} x`, 400,
			`invalid JSON at byte 26: unexpected 'x' after the top-level value`},
		{"not an object", "POST", "/v1/predict", "", `[1]`, 400,
			`the body must be a JSON object, got an array`},
		{"empty", "POST", "/v1/predict", "", ``, 400,
			`empty body: want a JSON object with the fields what, rows, q, level, inputs`},
		{"unterminated", "POST", "/v1/predict", "", `{"what":"mean","rows":[{"x":1`, 400,
			`invalid JSON at byte 29: want ',' or '}', got end of input`},
		{"NaN", "POST", "/v1/predict", "", `{"what":"mean","rows":[{"x":NaN}]}`, 400,
			`rows[0].x: want a number, got an invalid value`},
		{"leading zero", "POST", "/v1/predict", "", `{"what":"mean","rows":[{"x":01}]}`, 400,
			`invalid JSON at byte 29: want ',' or '}', got '1'`},
		{"too many rows", "POST", "/v1/predict", "", `{"what":"mean","rows":[{"x":1},{"x":1},{"x":1},{"x":1}]}`, 413,
			`rows: more than 3 rows in one request (the server's row limit)`},
		{"body too large", "POST", "/v1/predict", "", big, 413,
			`request body larger than 400 bytes (the server's body limit)`},
		{"n_samples 0", "POST", "/v1/sample", "", `{"rows":[],"n_samples":0}`, 400,
			`n_samples: want an integer ≥ 1, got 0`},
		{"n_samples 1.5", "POST", "/v1/sample", "", `{"rows":[],"n_samples":1.5}`, 400,
			`n_samples: want an integer, got 1.5`},
		{"seed negative", "POST", "/v1/sample", "", `{"rows":[],"seed":-1}`, 400,
			`seed: want an integer in [0, 2^64), got -1`},
		{"temperature", "POST", "/v1/sample", "", `{"rows":[],"temperature":0}`, 400,
			`temperature: must be finite and > 0, got 0`},
		{"too many draws", "POST", "/v1/sample", "", `{"rows":[{"x":1},{"x":2}],"n_samples":6}`, 413,
			`rows × n_samples = 2 × 6 is more than 10 draws (the server's draw limit)`},
		{"n_samples huge, no rows", "POST", "/v1/sample", "", `{"rows":[],"n_samples":2000000000}`, 413,
			`rows × n_samples = 0 × 2000000000 is more than 10 draws (the server's draw limit)`},
		{"too many quantiles", "POST", "/v1/predict", "", `{"what":"quantiles","q":[0.1,0.2,0.3,0.4],"rows":[{"x":1},{"x":2},{"x":3}]}`, 413,
			`rows × q = 3 × 4 is more than 10 values (the server's draw limit)`},
		{"what on sample", "POST", "/v1/sample", "", `{"what":"mean","rows":[]}`, 400,
			`unknown field "what"; the fields of /v1/sample are rows, n_samples, seed, temperature, inputs`},
		{"logpdf without y", "POST", "/v1/logpdf", "", `{"rows":[{"x":1}]}`, 400,
			`rows[0]: missing response "y" (logpdf needs every covariate and response)`},
		{"logpdf y string", "POST", "/v1/logpdf", "", `{"rows":[{"x":1,"y":"a"}]}`, 400,
			`rows[0].y: want a number, got a string`},
		{"GET predict", "GET", "/v1/predict", "", ``, 405,
			`method GET not allowed on /v1/predict; use POST with a JSON body`},
		{"POST model", "POST", "/v1/model", "", `{}`, 405, `method POST not allowed on /v1/model; use GET`},
		{"DELETE healthz", "DELETE", "/healthz", "", ``, 405, `method DELETE not allowed on /healthz; use GET`},
		{"text/plain", "POST", "/v1/predict", "text/plain", `{}`, 415,
			`Content-Type "text/plain" is not supported; send application/json`},
		{"no content type", "POST", "/v1/sample", "-", `{}`, 415,
			`Content-Type "" is not supported; send application/json`},
		{"not found", "GET", "/v2/predict", "", ``, 404,
			`no endpoint /v2/predict; see /v1/predict, /v1/sample, /v1/logpdf, /v1/model, /healthz, /metrics`},
	} {
		t.Run(c.name, func(t *testing.T) {
			ct := c.ctype
			switch ct {
			case "":
				ct = "application/json"
			case "-":
				ct = ""
			}
			code, b := do(t, h, c.method, c.path, ct, []byte(c.body))
			if code != c.code {
				t.Errorf("status: got %d, want %d (%s)", code, c.code, b)
			}
			if got := errorOf(t, b); got != c.msg {
				t.Errorf("error:\n got %s\nwant %s", got, c.msg)
			}
		})
	}
	// Accepted variants: charset, upper case, white space, escapes in
	// names, unknown row columns of any type.
	for _, c := range []struct{ ctype, body string }{
		{"application/json; charset=utf-8", `{"what":"mean","rows":[{"x":1}]}`},
		{"Application/JSON", " {\n\t\"rows\" : [ { \"\\u0078\" : -0.5e1 , \"id\":[1,{\"a\":null}],\"ok\":true} ] , \"what\":\"mean\" } \n"},
	} {
		if code, b := do(t, h, "POST", "/v1/predict", c.ctype, []byte(c.body)); code != 200 {
			t.Errorf("%q %s: status %d: %s", c.ctype, c.body, code, b)
		}
	}
}

func TestPanicIs500(t *testing.T) {
	var logged strings.Builder
	var mu sync.Mutex
	s := newServer(t, Options{Log: writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logged.Write(p)
	})})
	h := s.wrap("predict", func(w http.ResponseWriter, r *http.Request, _ time.Time) (int, int) {
		var m map[string]int
		m["boom"] = 1 // a nil-map write: a bug in a handler
		return 200, 0
	})
	code, b := do(t, h, "POST", "/v1/predict", "application/json", []byte(`{}`))
	if code != 500 || errorOf(t, b) != "internal error (logged by the server)" {
		t.Errorf("got %d %s", code, b)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logged.String(), "panic serving POST /v1/predict: assignment to entry in nil map") ||
		!strings.Contains(logged.String(), "serve_test.go") {
		t.Errorf("log: %s", logged.String())
	}
	// The server still answers.
	if code, _ := post(t, s.Handler(), "/v1/predict", `{"what":"mean","rows":[{"x":1}]}`); code != 200 {
		t.Errorf("after a panic: status %d", code)
	}
	_, mb := do(t, s.Handler(), "GET", "/metrics", "", nil)
	if !strings.Contains(string(mb), "mdn_serve_panics_total 1") ||
		!strings.Contains(string(mb), `mdn_serve_errors_total{code="500",endpoint="predict"} 1`) {
		t.Errorf("metrics: panic not counted")
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestReload(t *testing.T) {
	path := writeModel(t, 2, 1, arch.Diagonal, 1)
	var logged strings.Builder
	s := newServer(t, Options{Model: path, Log: &logged})
	h := s.Handler()
	row := `{"what":"mean","rows":[{"x0":0.5,"x1":1}]}`
	_, before := post(t, h, "/v1/predict", row)
	_, info0 := do(t, h, "GET", "/v1/model", "", nil)

	other, _ := os.ReadFile(writeModel(t, 2, 1, arch.Diagonal, 2))
	if err := os.WriteFile(path, other, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	_, after := post(t, h, "/v1/predict", row)
	_, info1 := do(t, h, "GET", "/v1/model", "", nil)
	if string(after) == string(before) || string(info1) == string(info0) {
		t.Error("the reloaded model predicts the same")
	}
	// A file that does not load keeps the last good model.
	if err := os.WriteFile(path, []byte(`{"format": "mdn-model", "version": 1, "spec": {`), 0o644); err != nil {
		t.Fatal(err)
	}
	err := s.Reload()
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("reload of a broken file: %v", err)
	}
	if _, still := post(t, h, "/v1/predict", row); string(still) != string(after) {
		t.Errorf("after a failed reload: %s, want %s", still, after)
	}
	if !regexp.MustCompile(`reloaded model .*model.json \(sha256 [0-9a-f]{64}\)`).MatchString(logged.String()) ||
		!strings.Contains(logged.String(), "reload failed, still serving the previous model: serve: model: "+path) {
		t.Errorf("log: %s", logged.String())
	}
	_, mb := do(t, h, "GET", "/metrics", "", nil)
	if !strings.Contains(string(mb), `mdn_serve_model_reloads_total{result="error"} 1`) ||
		!strings.Contains(string(mb), `mdn_serve_model_reloads_total{result="ok"} 1`) {
		t.Errorf("reload metrics: %s", mb)
	}
	// A model with other columns: requests are checked against the new ones.
	three, _ := os.ReadFile(writeModel(t, 3, 1, arch.Diagonal, 3))
	os.WriteFile(path, three, 0o644)
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	if code, b := post(t, h, "/v1/predict", row); code != 400 || errorOf(t, b) != `rows[0]: missing covariate "x2"` {
		t.Errorf("after reloading a 3-covariate model: %d %s", code, b)
	}
}

// TestConcurrent hits one server from many goroutines (each request takes
// its own pooled Predictor) and checks every answer against the serial one.
func TestConcurrent(t *testing.T) {
	// A queue wait long enough that no request is refused as busy when the
	// machine is loaded (mode answers take tens of milliseconds a row): this
	// test is about the answers, TestConcurrencyLimit about the limit.
	h := newServer(t, Options{QueueWait: time.Minute}).Handler()
	bodies := make([]string, 8)
	want := make([]string, len(bodies))
	for i := range bodies {
		bodies[i] = string(predictBody([]string{"mean", "quantiles", "params", "mode"}[i%4], 1+37*i, uint64(i)))
		_, b := post(t, h, "/v1/predict", bodies[i])
		want[i] = string(b)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for k := range 20 {
				i := (g + k) % len(bodies)
				if _, b := post(t, h, "/v1/predict", bodies[i]); string(b) != want[i] {
					t.Errorf("goroutine %d, body %d: answer differs from the serial one", g, i)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestLabels: a model with a label column and imputation encodes each
// row's cells as encode.Schema encodes a CSV row's fields.
func TestLabels(t *testing.T) {
	mean := 0.5
	sch := &encode.Schema{
		Columns: []encode.Column{
			{Name: "x0", Kind: encode.Number, Mean: &mean, Indicator: true},
			{Name: "c", Kind: encode.Label, Levels: []string{"a", "b"}, MissingLevel: true},
		},
		Unknown: encode.UnknownError, Missing: encode.MissingImpute, NAValues: encode.DefaultNAValues(),
	}
	path := writeModelEnc(t, 5, 1, arch.Diagonal, 4, sch) // x0, x0:missing, c=a, c=b, c:missing
	h := newServer(t, Options{Model: path}).Handler()
	code, b := post(t, h, "/v1/predict", `{"what":"mean","rows":[{"x0":1.5,"c":"b"},{"x0":null,"c":" a "},{"x0":2,"c":null},{"x0":-1,"c":"NA"}]}`)
	if code != 200 {
		t.Fatalf("status %d: %s", code, b)
	}
	inputs := [][]float64{{1.5, 0, 0, 1, 0}, {0.5, 1, 1, 0, 0}, {2, 0, 0, 0, 1}, {-1, 0, 0, 0, 1}}
	mix := mixturesOf(t, path, inputs)
	var rs []struct{ Mean map[string]float64 }
	var wrap struct {
		Results *[]struct{ Mean map[string]float64 }
	}
	wrap.Results = &rs
	json.Unmarshal(b, &wrap)
	if len(rs) != len(inputs) {
		t.Fatalf("%d results, want %d", len(rs), len(inputs))
	}
	for i, r := range rs {
		if want := mix[i].Mean(nil)[0]; r.Mean["y0"] != want {
			t.Errorf("row %d: mean %v, want %v (inputs %v)", i, r.Mean["y0"], want, inputs[i])
		}
	}
	// x is the covariates as given (a label's text trimmed, as the schema
	// reads it; a missing cell null, whether null or an NA token), as mdn
	// predict --json prints it.
	for i, want := range []string{`"x":{"c":"b","x0":1.5}`, `"x":{"c":"a","x0":null}`, `"x":{"c":null,"x0":2}`, `"x":{"c":null,"x0":-1}`} {
		if !strings.Contains(string(b), `{"row":`+strconv.Itoa(i)+`,`+want+`,"mean":`) {
			t.Errorf("x of row %d: want %s in %s", i, want, b)
		}
	}
	// "inputs": true adds the network's inputs by name.
	code, b = post(t, h, "/v1/predict", `{"what":"mean","inputs":true,"rows":[{"x0":null,"c":" a "}]}`)
	if code != 200 || !strings.Contains(string(b), `"x":{"c":"a","x0":null},"inputs":{"c:missing":0,"c=a":1,"c=b":0,"x0":0.5,"x0:missing":1},"mean":`) {
		t.Errorf("inputs: %d %s", code, b)
	}
	code, b = post(t, h, "/v1/sample", `{"inputs":true,"rows":[{"x0":2,"c":"b"}]}`)
	if code != 200 || !strings.Contains(string(b), `"x":{"c":"b","x0":2},"inputs":{"c:missing":0,"c=a":0,"c=b":1,"x0":2,"x0:missing":0},"samples":`) {
		t.Errorf("sample inputs: %d %s", code, b)
	}
	if code, b = post(t, h, "/v1/predict", `{"what":"mean","inputs": false ,"rows":[{"x0":2,"c":"b"}]}`); code != 200 || strings.Contains(string(b), `"inputs"`) {
		t.Errorf("inputs false: %d %s", code, b)
	}
	if code, b = post(t, h, "/v1/predict", `{"what":"mean","inputs":1,"rows":[{"x0":2,"c":"b"}]}`); code != 400 || errorOf(t, b) != "inputs: want true or false, got a number" {
		t.Errorf("inputs 1: %d %s", code, b)
	}
	for _, c := range []struct{ body, msg string }{
		{`{"what":"mean","rows":[{"x0":1,"c":"a"},{"x0":1,"c":"z"}]}`,
			`rows[1].c: level "z" was not seen in training (level not seen in training; data.unknown_level: zero, or --unknown-level zero, encodes it as all zeros)`},
		{`{"what":"mean","rows":[{"x0":"abc","c":"a"}]}`,
			`rows[0].x0: not a number "abc" (the model reads this column as numbers)`},
		{`{"what":"mean","rows":[{"x0":1}]}`, `rows[0]: missing covariate "c"`},
		{`{"what":"mean","rows":[{"x0":1,"c":[1]}]}`, `rows[0].c: want a number, a string or null, got an array`},
		// A 7 MB label is cut, with its length, not echoed whole.
		{`{"what":"mean","rows":[{"x0":1,"c":"` + strings.Repeat("z", 7<<20) + `"}]}`,
			`rows[0].c: level "` + strings.Repeat("z", 64) + `… (7340032 bytes)" was not seen in training (level not seen in training; data.unknown_level: zero, or --unknown-level zero, encodes it as all zeros)`},
		{`{"what":"mean","rows":[{"x0":"` + strings.Repeat("9a", 1<<20) + `","c":"a"}]}`,
			`rows[0].x0: not a number "` + strings.Repeat("9a", 32) + `… (2097152 bytes)" (the model reads this column as numbers)`},
	} {
		code, b := post(t, h, "/v1/predict", c.body)
		if code != 400 || errorOf(t, b) != c.msg {
			t.Errorf("%s:\n got %d %s\nwant 400 %s", c.body, code, b, c.msg)
		}
	}
	// UnknownLevel zero (mdn predict --unknown-level zero) encodes an unseen
	// label as all zeros.
	hz := newServer(t, Options{Model: path, UnknownLevel: encode.UnknownZero}).Handler()
	code, b = post(t, hz, "/v1/predict", `{"what":"mean","rows":[{"x0":1,"c":"z"}]}`)
	if code != 200 || !strings.Contains(string(b), `"x":{"c":"z","x0":1}`) {
		t.Errorf("unknown level zero: %d %s", code, b)
	}
	if _, err := New(Options{Model: path, Missing: "sometimes"}); err == nil || !strings.Contains(err.Error(), `missing policy: must be one of`) {
		t.Errorf("bad missing policy: %v", err)
	}
	// Without imputation, a missing cell is an error naming row and column.
	strict := sch.Clone()
	strict.Missing = encode.MissingError
	strict.Columns[0].Mean, strict.Columns[0].Indicator, strict.Columns[1].MissingLevel = nil, false, false
	h2 := newServer(t, Options{Model: writeModelEnc(t, 3, 1, arch.Diagonal, 4, strict)}).Handler()
	code, b = post(t, h2, "/v1/predict", `{"what":"mean","rows":[{"x0":1,"c":"a"},{"x0":1,"c":null}]}`)
	if code != 400 || !strings.HasPrefix(errorOf(t, b), `rows[1].c: missing value ""`) {
		t.Errorf("missing label without imputation: %d %s", code, b)
	}
	_, info := do(t, h, "GET", "/v1/model", "", nil)
	if !strings.Contains(string(info), `"columns": [`) || !strings.Contains(string(info), `"levels": [`) {
		t.Errorf("model info lacks the columns or the encoding: %s", info)
	}
}

// TestResultsAreEncoderLines holds each /v1/predict result to the line
// predict.Encoder (the JSON Lines of mdn predict --json) writes for the
// same row, byte for byte, for one and two responses, diagonal and full.
func TestResultsAreEncoderLines(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	xs := make([][]float64, 7)
	for i := range xs {
		xs[i] = []float64{rng.NormFloat64() * 3, rng.NormFloat64()}
	}
	for _, c := range []struct {
		out   int
		noise arch.Noise
	}{{1, arch.Diagonal}, {2, arch.Diagonal}, {2, arch.Full}, {2, arch.Isotropic}} {
		path := writeModel(t, 2, c.out, c.noise, uint64(c.out))
		m, err := model.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		mix := mixturesOf(t, path, xs)
		h := newServer(t, Options{Model: path}).Handler()
		for _, what := range Whats {
			if what == string(predict.KindRegion) && c.out > 1 {
				continue // needs a calibration: TestCalibratedResultsAreEncoderLines
			}
			sz := predict.Summarizer{Kind: predict.Kind(what), Full: c.noise == arch.Full, Q: DefaultQ, Level: DefaultLevel}
			enc := predict.Encoder{Summarizer: sz, XNames: m.XNames, YNames: m.YNames, JSON: true}
			code, b := post(t, h, "/v1/predict", `{"what":"`+what+`","rows":`+rowsJSON(xs)+`}`)
			if code != 200 {
				t.Fatalf("status %d: %s", code, b)
			}
			var res struct{ Results []json.RawMessage }
			if err := json.Unmarshal(b, &res); err != nil || len(res.Results) != len(xs) {
				t.Fatalf("%v: %s", err, b)
			}
			for i := range xs {
				var sum predict.Summary
				if err := sz.Summarize(&mix[i], &sum); err != nil {
					t.Fatal(err)
				}
				line, err := enc.Append(nil, i, xs[i], &sum)
				if err != nil {
					t.Fatal(err)
				}
				if got, want := string(res.Results[i]), strings.TrimSuffix(string(line), "\n"); got != want {
					t.Errorf("D=%d %s %s row %d:\n serve   %s\n encoder %s", c.out, c.noise, what, i, got, want)
				}
			}
		}
	}
}

// TestReloadUnderLoad swaps the model file back and forth while requests
// run: every answer is the old model's or the new one's, whole.
func TestReloadUnderLoad(t *testing.T) {
	a, _ := os.ReadFile(writeModel(t, 2, 1, arch.Diagonal, 1))
	b, _ := os.ReadFile(writeModel(t, 2, 1, arch.Diagonal, 2))
	path := filepath.Join(t.TempDir(), "m.json")
	os.WriteFile(path, a, 0o644)
	s := newServer(t, Options{Model: path})
	h := s.Handler()
	body := `{"what":"quantiles","rows":` + rowsJSON([][]float64{{0.5, 1}, {-1, 2}, {3, 0}}) + `}`
	_, wantA := post(t, h, "/v1/predict", body)
	os.WriteFile(path, b, 0o644)
	s.Reload()
	_, wantB := post(t, h, "/v1/predict", body)
	if string(wantA) == string(wantB) {
		t.Fatal("the two models answer the same")
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			os.WriteFile(path+".tmp", [][]byte{a, b}[i%2], 0o644)
			os.Rename(path+".tmp", path) // atomic, as mdn train writes
			if err := s.Reload(); err != nil {
				t.Error(err)
				return
			}
		}
	})
	var reqs sync.WaitGroup
	for g := range 4 {
		reqs.Go(func() {
			for k := range 30 {
				if _, got := post(t, h, "/v1/predict", body); string(got) != string(wantA) && string(got) != string(wantB) {
					t.Errorf("goroutine %d, request %d: an answer of neither model: %s", g, k, got)
					return
				}
			}
		})
	}
	reqs.Wait()
	close(stop)
	wg.Wait()
}
