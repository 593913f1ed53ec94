package train_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"net/http/httptest"
	"strings"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/encode"
	"github.com/mdn-go/mdn/model"
	"github.com/mdn-go/mdn/serve"
	"github.com/mdn-go/mdn/train"
)

// recipe is a run described in Go, without a config file: the defaults of
// docs/config.md on the ex1d example, with one network of 200 steps.
func recipe() train.Recipe {
	return train.Recipe{
		Spec: arch.Spec{K: 5, Hidden: []int{64, 64}, Activation: arch.ReLU, Noise: arch.Diagonal,
			Transform: arch.Exp, SigmaMin: 1e-3, Dtype: arch.Float32},
		Init: arch.Glorot,
		Data: train.DataOptions{Train: "../testdata/ex1d_train.csv", ValidationFraction: 0.1, Standardize: true,
			Encode: encode.Options{X: []string{"x"}, Y: []string{"y"}, Unknown: encode.UnknownError, Missing: encode.MissingError}},
		Train: train.Options{Steps: 200, BatchSize: 256, LR: 0.005, Schedule: arch.Cosine, WeightDecay: 0.5,
			EvalEvery: 50, RestoreBest: true, OnNaN: arch.Rollback},
		Ensemble: 1,
	}
}

// PlanOf says what a run will do before it starts. 9551 parameters: the
// mixing trunk 1→64→64→5 has 2·64 + 65·64 + 65·5 = 4613, the normal trunk
// 1→64→64→10 (5 means, 5 σ) 2·64 + 65·64 + 65·10 = 4938.
func ExamplePlanOf() {
	r := recipe()
	d, err := train.LoadData(r)
	if err != nil {
		log.Fatal(err)
	}
	p, err := train.PlanOf(r, d)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p)
	// Output:
	// 461 training rows, 51 validation rows; 1 input, 1 response; 9551 parameters; 200 steps of 256 rows
}

// Fit trains the network a Recipe describes on rows held in memory
// (DataOf; LoadData reads them from files), and returns the model (save it
// with Model.Save or Model.Encode).
func ExampleFit() {
	rows, err := data.Generate("ex1d", 512, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		log.Fatal(err)
	}
	r := recipe()
	d, err := train.DataOf(r, rows, nil) // 10 % of the rows held out for validation
	if err != nil {
		log.Fatal(err)
	}
	m, res, err := train.Fit(context.Background(), r, d, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d steps, %s; %d network(s), %d component(s)\n", res.Steps, res.Stopped, len(m.Ensemble)+1, m.Components())
	// Output:
	// 200 steps, completed; 1 network(s), 5 component(s)
}

// A program with its data in memory trains, saves, loads and serves a
// model without a file: the rows are generated (DataOf), the model is
// written to a buffer (Model.Encode) and read back (model.Decode, bit for
// bit), and served over HTTP by its handler (serve.NewFromModel), with no
// listener. The served log-density is the trained model's own.
func Example_withoutFiles() {
	rows, err := data.Generate("ex1d", 512, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		log.Fatal(err)
	}
	r := recipe()
	d, err := train.DataOf(r, rows, nil)
	if err != nil {
		log.Fatal(err)
	}
	m, _, err := train.Fit(context.Background(), r, d, nil)
	if err != nil {
		log.Fatal(err)
	}
	var file bytes.Buffer // a model file's bytes: any io.Writer, as Save writes a path
	if err := m.Encode(&file); err != nil {
		log.Fatal(err)
	}
	loaded, err := model.Decode(&file)
	if err != nil {
		log.Fatal(err)
	}
	s, err := serve.NewFromModel(loaded, serve.Options{})
	if err != nil {
		log.Fatal(err)
	}
	req := httptest.NewRequest("POST", "/v1/logpdf", strings.NewReader(`{"rows": [{"x": 0, "y": 0}]}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	var res struct {
		Results []struct {
			LogDensity float64 `json:"log_density"`
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || len(res.Results) != 1 {
		log.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	served := res.Results[0].LogDensity
	mix, err := m.Predictor(1).Predict([]float64{0}, 1, nil)
	if err != nil {
		log.Fatal(err)
	}
	own := mix[0].LogProb([]float64{0})
	fmt.Printf("status %d: log p(y = 0 | x = 0) = %.2f\n", rec.Code, served)
	fmt.Println("as the trained model's:", math.Abs(served-own) <= 1e-12*math.Max(1, math.Abs(own)))
	// −0.28035 at the AVX2 and AVX-512 tiers, −0.28049 in pure Go
	// (GODEBUG=cpu.avx2=off), whose matrix products round differently.
	// Output:
	// status 200: log p(y = 0 | x = 0) = -0.28
	// as the trained model's: true
}
