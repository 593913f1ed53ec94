package serve

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
)

// discardWriter is a ResponseWriter that keeps only the status.
type discardWriter struct {
	h    http.Header
	code int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(c int)           { w.code = c }

// predictBody is a /v1/predict body of n rows of the ex1d model.
func predictBody(what string, n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	fmt.Fprintf(&b, `{"what":%q,"rows":[`, what)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"x":%.6f}`, rng.Float64()*20-10)
	}
	b.WriteString("]}")
	return []byte(b.String())
}

func benchPredict(b *testing.B, what string, n int) {
	s, err := New(Options{Model: "testdata/ex1d.json"})
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	body := predictBody(what, n, 1)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		rd := bytes.NewReader(body)
		req, _ := http.NewRequest("POST", "/v1/predict", io.NopCloser(rd))
		req.Header.Set("Content-Type", "application/json")
		w := &discardWriter{h: http.Header{}}
		for pb.Next() {
			rd.Reset(body)
			req.Body = io.NopCloser(rd)
			req.ContentLength = int64(len(body))
			h.ServeHTTP(w, req)
			if w.code != 200 {
				b.Fatalf("status %d", w.code)
			}
		}
	})
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkPredict1(b *testing.B)    { benchPredict(b, "mean", 1) }
func BenchmarkPredict1000(b *testing.B) { benchPredict(b, "mean", 1000) }

// BenchmarkPredictorOnly1000 is the model's own cost in BenchmarkPredict1000:
// the Predictor on the same 1,000 rows, without HTTP, JSON or summaries.
func BenchmarkPredictorOnly1000(b *testing.B) {
	s, err := New(Options{Model: "testdata/ex1d.json"})
	if err != nil {
		b.Fatal(err)
	}
	m := s.Model()
	rng := rand.New(rand.NewPCG(1, 1))
	x := make([]float64, 1000)
	for i := range x {
		x[i] = rng.Float64()*20 - 10
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		p := m.Predictor(1024)
		mix, _ := p.Predict(x, len(x), nil)
		for pb.Next() {
			mix, err = p.Predict(x, len(x), mix)
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(1000*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
