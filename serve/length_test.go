package serve

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestContentLength: over HTTP every answer, short (whose Content-Length
// net/http sets) or long (set by writeBody), an error or not, to GET or
// HEAD, has a Content-Length equal to the body's length and is not sent
// chunked.
func TestContentLength(t *testing.T) {
	s := newServer(t, Options{})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	var getLen int64
	for _, c := range []struct {
		method, path, body string
		code               int
	}{
		{"POST", "/v1/predict", string(predictBody("mean", 1, 1)), 200},
		{"POST", "/v1/predict", string(predictBody("mean", 500, 1)), 200},
		{"POST", "/v1/predict", `{"what":"nope","rows":[{"x":1}]}`, 400},
		{"POST", "/v1/predict", `{"rows":[` + string(bytes.Repeat([]byte(`{"x":1},`), 300)) + `{"y":1}]}`, 400},
		{"GET", "/v1/model", "", 200},
		{"HEAD", "/v1/model", "", 200},
		{"GET", "/healthz", "", 200},
	} {
		req, err := http.NewRequest(c.method, ts.URL+c.path, bytes.NewReader([]byte(c.body)))
		if err != nil {
			t.Fatal(err)
		}
		if c.method == "POST" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		want := int64(len(b))
		switch {
		case c.method == "GET" && c.path == "/v1/model":
			getLen = want
		case c.method == "HEAD":
			want = getLen
		}
		if res.StatusCode != c.code || res.ContentLength != want || len(res.TransferEncoding) != 0 || res.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s (%d bytes): status %d, Content-Length %d, Transfer-Encoding %v, Content-Type %q; want status %d, Content-Length %d, not chunked, application/json",
				c.method, c.path, len(c.body), res.StatusCode, res.ContentLength, res.TransferEncoding, res.Header.Get("Content-Type"), c.code, want)
		}
	}
}
