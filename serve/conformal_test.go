package serve

import (
	"encoding/json"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/conformal"
	"github.com/mdn-go/mdn/model"
	"github.com/mdn-go/mdn/predict"
)

// calibrateModel writes a copy of the model at path with a calibration of
// 30 made-up rows (scores from a seeded source) and returns its path.
func calibrateModel(t *testing.T, path string) string {
	t.Helper()
	m, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(9, 9))
	iv, rg := make([]float64, 30), make([]float64, 30)
	for i := range iv {
		iv[i], rg[i] = 3*rng.Float64(), 4*rng.NormFloat64()
	}
	c, err := conformal.New(iv, rg, []float64{0.8, 0.9})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SetCalibration(c); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "calibrated.json")
	if err := m.Save(out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRegionNeedsCalibration(t *testing.T) {
	path := writeModel(t, 2, 2, arch.Diagonal, 1)
	h := newServer(t, Options{Model: path}).Handler()
	rows := rowsJSON([][]float64{{0, 1}})
	code, b := post(t, h, "/v1/predict", `{"what":"region","rows":`+rows+`}`)
	if code != 400 || !strings.Contains(errorOf(t, b), "what: region: the model has 2 responses and no calibration; calibrate it first (mdn calibrate)") {
		t.Errorf("uncalibrated region: %d %s", code, b)
	}
	ch := newServer(t, Options{Model: calibrateModel(t, path)}).Handler()
	code, b = post(t, ch, "/v1/predict", `{"what":"region","level":0.8,"rows":`+rows+`}`)
	if code != 200 || !strings.Contains(string(b), `"calibrated":true,"calibration_rows":30,"log_density_threshold":`) {
		t.Errorf("calibrated region: %d %s", code, b)
	}
	code, b = post(t, ch, "/v1/predict", `{"what":"interval","level":0.99,"rows":`+rows+`}`)
	if code != 400 || errorOf(t, b) != "level: 0.99: the model is calibrated on 30 rows, the level needs at least 99" {
		t.Errorf("level 0.99: %d %s", code, b)
	}
	_, info := do(t, ch, "GET", "/v1/model", "", nil)
	if !strings.Contains(string(info), `"calibration": {`) || !strings.Contains(string(info), `"rows": 30`) {
		t.Errorf("model info lacks the calibration: %s", info)
	}
	_, info = do(t, h, "GET", "/v1/model", "", nil)
	if strings.Contains(string(info), `"calibration"`) {
		t.Errorf("uncalibrated model info has a calibration: %s", info)
	}
	code, b = post(t, ch, "/v1/predict", `{"what":"mean","level":0.8,"rows":`+rows+`}`)
	if code != 400 || errorOf(t, b) != `level: only used with "what": "interval" and "region"` {
		t.Errorf("level with mean: %d %s", code, b)
	}
}

// TestCalibratedResultsAreEncoderLines is TestResultsAreEncoderLines for
// the calibrated interval and region.
func TestCalibratedResultsAreEncoderLines(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	xs := make([][]float64, 7)
	for i := range xs {
		xs[i] = []float64{rng.NormFloat64() * 3, rng.NormFloat64()}
	}
	for _, out := range []int{1, 2} {
		path := calibrateModel(t, writeModel(t, 2, out, arch.Diagonal, uint64(out)))
		m, err := model.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		mix := mixturesOf(t, path, xs)
		h := newServer(t, Options{Model: path}).Handler()
		for _, kind := range []predict.Kind{predict.KindInterval, predict.KindRegion} {
			sz := predict.Summarizer{Kind: kind, Level: 0.8, Calibration: m.Calibration}
			enc := predict.Encoder{Summarizer: sz, XNames: m.XNames, YNames: m.YNames, JSON: true}
			code, b := post(t, h, "/v1/predict", `{"what":"`+string(kind)+`","level":0.8,"rows":`+rowsJSON(xs)+`}`)
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
					t.Errorf("D=%d %s row %d:\n serve   %s\n encoder %s", out, kind, i, got, want)
				}
			}
		}
	}
}
