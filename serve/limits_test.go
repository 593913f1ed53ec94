package serve

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mdn-go/mdn/model"
)

// TestBodyNotSizedByContentLength: connections that send only headers and
// one byte of an 8 MB body hold what arrived, not 8 MB each: the memory
// charged for 20 of them is one piece (bodyChunk) each, and at most a
// pooled buffer more.
func TestBodyNotSizedByContentLength(t *testing.T) {
	s := newServer(t, Options{})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	const conns = 20
	for range conns {
		c, err := net.Dial("tcp", ts.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{", 8<<20-1)
	}
	deadline := time.Now().Add(5 * time.Second)
	for s.mem.used.Load() < conns*bodyChunk && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := s.mem.used.Load(); got < conns*bodyChunk || got > conns*(bodyChunk+bodyKeep) {
		t.Errorf("%d header-only requests hold %d bytes, want between %d and %d", conns, got, conns*bodyChunk, conns*(bodyChunk+bodyKeep))
	}
}

// TestConcurrencyLimit: with every slot taken a request waits QueueWait,
// then gets 503 with Retry-After; with a slot free it is answered.
func TestConcurrencyLimit(t *testing.T) {
	s := newServer(t, Options{MaxInFlight: 1, QueueWait: 20 * time.Millisecond})
	h := s.Handler()
	row := `{"what":"mean","rows":[{"x":0.5}]}`
	s.slots <- struct{}{} // a request in flight
	req := httptest.NewRequest("POST", "/v1/predict", strings.NewReader(row))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 503 || rec.Header().Get("Retry-After") != "1" ||
		errorOf(t, rec.Body.Bytes()) != "server busy: 1 requests in flight (the server's concurrency limit), none finished within 20ms; retry later" {
		t.Errorf("all slots busy: %d %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	<-s.slots
	if code, b := post(t, h, "/v1/predict", row); code != 200 {
		t.Errorf("slot free: %d %s", code, b)
	}
	if s.mem.used.Load() != 0 {
		t.Errorf("%d bytes still charged after the requests", s.mem.used.Load())
	}
}

// TestMemoryAndAnswerLimits: a body beyond the memory budget is a 503; an
// answer beyond MaxAnswerBytes is a 413 naming the limit (100 rows of
// params take about 40 KB); the charges are returned afterwards.
func TestMemoryAndAnswerLimits(t *testing.T) {
	var rows strings.Builder
	for i := range 100 {
		if i > 0 {
			rows.WriteByte(',')
		}
		fmt.Fprintf(&rows, `{"x":%d}`, i%7)
	}
	body := `{"what":"params","rows":[` + rows.String() + `]}`
	s := newServer(t, Options{MaxMemoryBytes: 1024})
	code, b := post(t, s.Handler(), "/v1/predict", body)
	if code != 503 || errorOf(t, b) != "server busy: the requests in flight hold more than 1024 bytes (the server's memory limit); retry later" {
		t.Errorf("over the memory budget: %d %s", code, b)
	}
	s = newServer(t, Options{MaxAnswerBytes: 4000})
	code, b = post(t, s.Handler(), "/v1/predict", body)
	if code != 413 || !strings.HasPrefix(errorOf(t, b), "the answer is larger than 4000 bytes (the server's answer limit) by rows[") {
		t.Errorf("over the answer limit: %d %s", code, b)
	}
	if code, b = post(t, s.Handler(), "/v1/predict", `{"what":"params","rows":[{"x":1}]}`); code != 200 {
		t.Errorf("one row: %d %s", code, b)
	}
	if s.mem.used.Load() != 0 {
		t.Errorf("%d bytes still charged after the requests", s.mem.used.Load())
	}
}

// TestClientGone: a request whose client has gone stops at the next row
// it checks and is counted as 499.
func TestClientGone(t *testing.T) {
	s := newServer(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest("POST", "/v1/predict", strings.NewReader(`{"what":"mode","rows":[{"x":1},{"x":2}]}`)).WithContext(ctx)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != 499 {
		t.Errorf("got %d %s, want 499", rec.Code, rec.Body)
	}
	_, mb := do(t, s.Handler(), "GET", "/metrics", "", nil)
	if !strings.Contains(string(mb), `mdn_serve_errors_total{code="499",endpoint="predict"} 1`) {
		t.Errorf("499 not counted")
	}
}

// TestHugeTextNotEchoed: a 7 MB field name, "what", integer or number is
// cut in the 400 that names it, with its length.
func TestHugeTextNotEchoed(t *testing.T) {
	h := newServer(t, Options{}).Handler()
	big := strings.Repeat("7", 7<<20)
	for _, c := range []struct{ path, body, want string }{
		{"/v1/predict", `{"what":"` + big + `","rows":[]}`,
			`what: must be one of params, mean, var, mode, quantiles, interval, region, got "` + big[:64] + `…" (7340032 bytes)`},
		{"/v1/predict", `{"` + big + `":1}`,
			`unknown field "` + big[:64] + `…" (7340032 bytes); the fields of /v1/predict are what, rows, q, level, inputs`},
		{"/v1/sample", `{"n_samples":` + big + `,"rows":[]}`,
			`n_samples: want an integer ≥ 1, got ` + big[:64] + `… (7340032 bytes)`},
		{"/v1/predict", `{"what":"mean","rows":[{"x":` + big + `}]}`,
			`rows[0].x: ` + big[:64] + `… (7340032 bytes) is out of the float64 range`},
	} {
		code, b := post(t, h, c.path, c.body)
		if code != 400 || len(b) > 1000 || errorOf(t, b) != c.want {
			t.Errorf("got %d, %d bytes: %.300s", code, len(b), b)
		}
	}
}

// TestNonFiniteIsRowError: inputs so far out that a result overflows are
// a 400 naming the row (JSON has no Inf), never a 500; a level so close
// to 1 that the interval would be unbounded is a 400 naming the field.
func TestNonFiniteIsRowError(t *testing.T) {
	h := newServer(t, Options{}).Handler()
	rowErr := "rows[1]: a result is not a finite number, which JSON cannot hold (the row is too far out for float64 arithmetic with this model)"
	for _, c := range []struct{ path, body, want string }{
		{"/v1/logpdf", `{"rows":[{"x":0,"y":0},{"x":-1e308,"y":0}]}`, rowErr},
		{"/v1/logpdf", `{"rows":[{"x":0,"y":0},{"x":0,"y":1e308}]}`, rowErr},
		{"/v1/predict", `{"what":"interval","level":0.9999999999999999,"rows":[{"x":1}]}`,
			"level: 0.9999999999999999 is too close to 1: (1 + level)/2 rounds to 1 and the upper end would be +Inf; at most 0.9999999999999998"},
	} {
		if code, b := post(t, h, c.path, c.body); code != 400 || errorOf(t, b) != c.want {
			t.Errorf("%s: got %d %s, want 400 %s", c.body, code, b, c.want)
		}
	}
	// Huge but finite answers are answers.
	for _, body := range []string{`{"what":"var","rows":[{"x":1e308}]}`, `{"what":"mode","rows":[{"x":1e300}]}`} {
		if code, b := post(t, h, "/v1/predict", body); code != 200 {
			t.Errorf("%s: got %d %s", body, code, b)
		}
	}
}

// TestNewFromModel: a server built from a *model.Model answers as one that
// loads the same model from its file, and reports the hash of the model's
// encoding.
func TestNewFromModel(t *testing.T) {
	m, err := model.Load(ex1dModel)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewFromModel(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	row := `{"what":"quantiles","rows":[{"x":0.5},{"x":-3}]}`
	_, want := post(t, newServer(t, Options{}).Handler(), "/v1/predict", row)
	if code, got := post(t, s.Handler(), "/v1/predict", row); code != 200 || string(got) != string(want) {
		t.Errorf("got %d %s, want %s", code, got, want)
	}
	var enc strings.Builder
	if err := m.Encode(&enc); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(enc.String()))
	_, info := do(t, s.Handler(), "GET", "/v1/model", "", nil)
	if !strings.Contains(string(info), `"sha256": "`+hex.EncodeToString(sum[:])+`"`) {
		t.Errorf("/v1/model: %s", info)
	}
	if err := s.Reload(); err == nil || !strings.Contains(err.Error(), "no model file to reload") {
		t.Errorf("reload without a path: %v", err)
	}
	if _, err := NewFromModel(nil, Options{}); err == nil {
		t.Error("NewFromModel(nil) succeeded")
	}
}

// TestWriteTimeoutStopsWork: a request still computing when the write
// timeout passes stops (no answer could be written after it) with a 503.
func TestWriteTimeoutStopsWork(t *testing.T) {
	s := newServer(t, Options{WriteTimeout: time.Nanosecond})
	code, b := post(t, s.Handler(), "/v1/predict", `{"what":"mode","rows":[{"x":1},{"x":2}]}`)
	if code != 503 || errorOf(t, b) != "the request was still being computed when the server's write timeout (1ns) passed; send fewer rows" {
		t.Errorf("got %d %s", code, b)
	}
}

// TestChunkedRowsMatchWhole: a request of more than SampleChunk rows is
// predicted chunk by chunk (so that it holds one chunk's mixtures); its
// answers are, bit for bit, those of the whole input predicted at once, on
// both sides of the chunk boundary.
func TestChunkedRowsMatchWhole(t *testing.T) {
	n := SampleChunk + 5
	xs := make([][]float64, n)
	var rows strings.Builder
	for i := range xs {
		xs[i] = []float64{-4 + 8*float64(i)/float64(n)}
		if i > 0 {
			rows.WriteByte(',')
		}
		fmt.Fprintf(&rows, `{"x":%v,"y":0.25}`, xs[i][0])
	}
	mix := mixturesOf(t, ex1dModel, xs)
	h := newServer(t, Options{}).Handler()
	code, b := post(t, h, "/v1/logpdf", `{"rows":[`+rows.String()+`]}`)
	if code != 200 {
		t.Fatalf("logpdf: %d %.300s", code, b)
	}
	var lp struct {
		Results []struct {
			LogDensity float64 `json:"log_density"`
		}
	}
	if err := json.Unmarshal(b, &lp); err != nil || len(lp.Results) != n {
		t.Fatalf("logpdf: %v, %d results", err, len(lp.Results))
	}
	code, b = post(t, h, "/v1/predict", `{"what":"mean","rows":[`+rows.String()+`]}`)
	if code != 200 {
		t.Fatalf("mean: %d %.300s", code, b)
	}
	var mean struct {
		Results []struct {
			Mean map[string]float64 `json:"mean"`
		}
	}
	if err := json.Unmarshal(b, &mean); err != nil || len(mean.Results) != n {
		t.Fatalf("mean: %v, %d results", err, len(mean.Results))
	}
	for _, i := range []int{0, SampleChunk - 1, SampleChunk, n - 1} {
		if want := mix[i].LogProb([]float64{0.25}); lp.Results[i].LogDensity != want {
			t.Errorf("row %d: log density %v, want %v", i, lp.Results[i].LogDensity, want)
		}
		if want := mix[i].Mean(nil)[0]; mean.Results[i].Mean["y"] != want {
			t.Errorf("row %d: mean %v, want %v", i, mean.Results[i].Mean["y"], want)
		}
	}
}
