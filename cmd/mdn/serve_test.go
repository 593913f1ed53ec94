package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mdn-go/mdn/internal/cli"
	"github.com/mdn-go/mdn/internal/output"
	"github.com/mdn-go/mdn/serve"
)

// TestMain runs the test binary as mdn when MDN_TEST_MAIN=1, so that a test
// can start the real command as a process and send it signals.
func TestMain(m *testing.M) {
	if os.Getenv("MDN_TEST_MAIN") == "1" {
		if at := os.Getenv("MDN_TEST_KILL_AFTER_RENAME"); at != "" {
			// SIGKILL between two renames of a publication
			// (TestTrainKilledWhilePublishing).
			output.AfterRenameHook(func(target string) {
				if filepath.Base(target) == at {
					syscall.Kill(os.Getpid(), syscall.SIGKILL)
				}
			})
		}
		os.Exit(run(os.Args[1:], cli.System()))
	}
	os.Exit(m.Run())
}

// trainRing2d trains a two-response model with the given noise on mdn gen
// ring2d data for a few steps and returns its path.
func trainRing2d(t *testing.T, noise string) string {
	t.Helper()
	csv, _, code := mdnRun(t, "", "gen", "ring2d", "--n", "300", "--seed", "3")
	if code != 0 {
		t.Fatal("gen failed")
	}
	p := writeFile(t, "ring.csv", csv)
	cfg := "data:\n  train: " + strconv.Quote(p) + "\n  x: [x]\n  y: [y1, y2]\nmodel:\n  noise: " + noise +
		"\n  hidden: [16]\n  components: 3\n"
	return trainConfig(t, cfg, 40)
}

// rowsOf turns the data rows of a CSV of covariates into a JSON rows array.
func rowsOf(t *testing.T, csvText string) string {
	t.Helper()
	head, rows := readCSV(t, csvText)
	var objs []string
	for _, r := range rows {
		var kv []string
		for j, n := range head {
			kv = append(kv, strconv.Quote(n)+":"+r[j])
		}
		objs = append(objs, "{"+strings.Join(kv, ",")+"}")
	}
	return "[" + strings.Join(objs, ",") + "]"
}

// TestServeMatchesPredict holds /v1/predict to mdn predict --json and
// /v1/sample to mdn sample: for every what, each result object is the
// JSON line mdn predict prints for that row, byte for byte.
func TestServeMatchesPredict(t *testing.T) {
	in := "id,x\n0,-7.5\n1,-3\n2,0\n3,0.25\n4,2.5\n5,7\n"
	inPath := writeFile(t, "in.csv", in)
	rows := rowsOf(t, in)
	for _, c := range []struct {
		name, model string
	}{
		{"ex1d", trainEx1d(t)}, {"ring2d-full", trainRing2d(t, "full")}, {"ring2d-diagonal", trainRing2d(t, "diagonal")},
	} {
		s, err := serve.New(serve.Options{Model: c.model})
		if err != nil {
			t.Fatal(err)
		}
		h := s.Handler()
		call := func(t *testing.T, path, body string) []json.RawMessage {
			t.Helper()
			req := httptest.NewRequest("POST", path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 200 {
				t.Fatalf("%s: status %d: %s", path, rec.Code, rec.Body)
			}
			var res struct{ Results []json.RawMessage }
			if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
				t.Fatal(err)
			}
			return res.Results
		}
		for _, w := range []struct{ what, flag, field string }{
			{"params", "", ""}, {"mean", "", ""}, {"var", "", ""}, {"mode", "", ""},
			{"quantiles", "--q=0.1,0.25,0.9", `,"q":[0.1,0.25,0.9]`}, {"interval", "--level=0.7", `,"level":0.7`},
		} {
			t.Run(c.name+"/"+w.what, func(t *testing.T) {
				args := []string{"predict", "--model", c.model, "--input", inPath, "--what", w.what, "--json"}
				if w.flag != "" {
					args = append(args, w.flag)
				}
				out, stderr, code := mdnRun(t, "", args...)
				if code != 0 {
					t.Fatalf("predict: %s", stderr)
				}
				lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
				got := call(t, "/v1/predict", `{"what":"`+w.what+`"`+w.field+`,"rows":`+rows+`}`)
				if len(got) != len(lines) {
					t.Fatalf("%d results, mdn predict printed %d lines", len(got), len(lines))
				}
				for i := range lines {
					if string(got[i]) != lines[i] {
						t.Errorf("row %d:\n serve   %s\n predict %s", i, got[i], lines[i])
					}
				}
			})
		}
		t.Run(c.name+"/sample", func(t *testing.T) {
			out, stderr, code := mdnRun(t, "", "sample", "--model", c.model, "--input", inPath, "--n-samples", "3",
				"--seed", "5", "--temperature", "0.7")
			if code != 0 {
				t.Fatalf("sample: %s", stderr)
			}
			head, draws := readCSV(t, out)
			got := call(t, "/v1/sample", `{"rows":`+rows+`,"n_samples":3,"seed":5,"temperature":0.7}`)
			if len(got) != 6 || len(draws) != 18 {
				t.Fatalf("%d results, %d lines of mdn sample; want 6, 18", len(got), len(draws))
			}
			for i, raw := range got {
				var r struct{ Samples map[string][]float64 }
				json.Unmarshal(raw, &r)
				for k := range 3 {
					line := draws[3*i+k]
					for j, n := range head[1:] { // after x
						if want := num(t, line[1+j]); r.Samples[n][k] != want {
							t.Errorf("row %d, draw %d, %s: serve %v, mdn sample %v", i, k, n, r.Samples[n][k], want)
						}
					}
				}
			}
		})
	}
}

// startServe starts `mdn serve` as a process (this test binary as mdn) on
// a free loopback port and returns it, its base URL and its stderr so far.
func startServe(t *testing.T, args ...string) (*exec.Cmd, string, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "MDN_TEST_MAIN=1")
	stderr := &syncBuffer{}
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			stderr.write(sc.Text() + "\n")
			if m := regexp.MustCompile(`^listening on (http://127\.0\.0\.1:\d+)$`).FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	select {
	case u := <-addr:
		return cmd, u, stderr
	case <-time.After(30 * time.Second):
		t.Fatalf("no listening line; stderr: %s", stderr.String())
	}
	return nil, "", nil
}

// waitExit waits for cmd to end (at most limit) and returns its exit code.
func waitExit(t *testing.T, cmd *exec.Cmd, limit time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(limit):
		t.Fatalf("mdn serve did not exit within %v", limit)
	}
	return -1
}

// syncBuffer is a strings.Builder safe for concurrent use: the server
// writes its log while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) write(x string) { s.mu.Lock(); defer s.mu.Unlock(); s.b.WriteString(x) }
func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// waitFor polls until the stderr of the server contains want (at most 20 s).
func waitFor(t *testing.T, stderr *syncBuffer, want string) {
	t.Helper()
	for range 400 {
		if strings.Contains(stderr.String(), want) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("stderr lacks %q: %s", want, stderr.String())
}

func postJSON(t *testing.T, url, body string) (int, string) {
	t.Helper()
	res, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestServeProcess runs mdn serve as a real process on 127.0.0.1:0: HTTP
// requests, SIGHUP with a broken and a good model file, and SIGTERM while a
// request is in flight (its body half sent): the request is answered, new
// connections are refused, and the process exits 0.
func TestServeProcess(t *testing.T) {
	mp := trainEx1d(t)
	live := filepath.Join(t.TempDir(), "live.json")
	good, _ := os.ReadFile(mp)
	os.WriteFile(live, good, 0o644)
	cmd, base, stderr := startServe(t, "--model", live, "--drain-timeout", "20s")

	res, err := http.Get(base + "/healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", res, err)
	}
	res.Body.Close()
	row := `{"what":"mean","rows":[{"x":1.5}]}`
	code, first := postJSON(t, base+"/v1/predict", row)
	if code != 200 || !strings.HasPrefix(first, `{"results":[{"row":0,"x":{"x":1.5},"mean":{"y":`) {
		t.Fatalf("predict: %d %s", code, first)
	}

	// SIGHUP with a broken file: the old model keeps serving.
	os.WriteFile(live, []byte("{not json"), 0o644)
	cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, stderr, "reload failed, still serving the previous model: serve: model: "+live)
	if code, b := postJSON(t, base+"/v1/predict", row); code != 200 || b != first {
		t.Fatalf("after a failed reload: %d %s", code, b)
	}
	// SIGHUP with another model: its predictions.
	other := trainConfig(t, "data:\n  train: "+strconv.Quote(mustAbs(t, ex1dTrain))+"\n  x: [x]\n  y: [y]\nmodel:\n  hidden: [8]\n", 20)
	b2, _ := os.ReadFile(other)
	os.WriteFile(live, b2, 0o644)
	cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, stderr, "reloaded model "+live)
	if code, b := postJSON(t, base+"/v1/predict", row); code != 200 || b == first {
		t.Fatalf("after reloading another model: %d %s", code, b)
	}

	// A long request: headers and half of the body, then SIGTERM.
	body := `{"what":"mean","rows":[{"x":-1},{"x":2}]}`
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		len(body), body[:10])
	time.Sleep(300 * time.Millisecond) // the server reads the headers and waits for the body
	cmd.Process.Signal(syscall.SIGTERM)
	waitFor(t, stderr, "shutting down: draining requests in flight (up to 20s)")
	refused := false
	for range 100 {
		c, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), time.Second)
		if err != nil {
			refused = true
			break
		}
		c.Close()
		time.Sleep(20 * time.Millisecond)
	}
	if !refused {
		t.Error("new connections are still accepted after SIGTERM")
	}
	if cmd.ProcessState != nil {
		t.Fatal("exited before the request in flight was answered")
	}
	conn.Write([]byte(body[10:]))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight got no response: %v", err)
	}
	rb, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !bytes.Contains(rb, []byte(`{"row":1,"x":{"x":2},"mean":`)) {
		t.Errorf("request in flight: %d %s", resp.StatusCode, rb)
	}
	if code := waitExit(t, cmd, 20*time.Second); code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0; stderr: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "stopped after draining") {
		t.Errorf("stderr: %s", stderr.String())
	}
}

// TestServeDrainTimeout: a request that never completes does not keep mdn
// serve from returning, without error, once --drain-timeout has passed
// after its context is done (run cancels it at SIGINT or SIGTERM;
// TestServeProcess sends the signals to a process). In-process: the
// command runs on test streams.
func TestServeDrainTimeout(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1)) // runServe sets the process's limit
	mp := trainEx1d(t)
	ios, _, _, _ := cli.Test()
	stderr := &syncBuffer{}
	ios.ErrOut = stderr
	c := newServeCmd(ios, nil)
	c.SetArgs([]string{"--model", mp, "--addr", "127.0.0.1:0", "--drain-timeout", "300ms"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- c.ExecuteContext(ctx) }()
	waitFor(t, stderr, "listening on http://")
	addr := regexp.MustCompile(`listening on http://(127\.0\.0\.1:\d+)`).FindStringSubmatch(stderr.String())[1]
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
	time.Sleep(300 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("got %v, want nil", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("mdn serve did not return within 20 s of the cancel")
	}
	if !strings.Contains(stderr.String(), "drain timeout 300ms passed: closing the connections still open") {
		t.Errorf("stderr: %s", stderr.String())
	}
}

// TestServeLongDrain: a --drain-timeout longer than the CLI's 10 s
// interrupt grace is honoured: a request still reading its body 11 s after
// SIGTERM is answered and mdn exits 0 (the watchdog used to exit 130 at
// 10 s and reset the client).
func TestServeLongDrain(t *testing.T) {
	if testing.Short() {
		t.Skip("waits 11 s")
	}
	cmd, base, stderr := startServe(t, "--model", trainEx1d(t), "--drain-timeout", "14s")
	body := `{"what":"mean","rows":[{"x":-1},{"x":2}]}`
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		len(body), body[:10])
	time.Sleep(300 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGTERM)
	waitFor(t, stderr, "shutting down: draining requests in flight (up to 14s)")
	time.Sleep(cli.InterruptGrace + time.Second)
	conn.Write([]byte(body[10:]))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight got no response after %v: %v; stderr: %s", cli.InterruptGrace+time.Second, err, stderr.String())
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("request in flight: %d", resp.StatusCode)
	}
	if code := waitExit(t, cmd, 10*time.Second); code != 0 {
		t.Errorf("exit code %d after a clean drain, want 0; stderr: %s", code, stderr.String())
	}
}

func TestServeBadFlags(t *testing.T) {
	mp := trainEx1d(t)
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"serve"}, "mdn: serve: --model is required\n"},
		{[]string{"serve", "--model", mp, "--max-rows", "0"}, "mdn: serve: --max-rows must be > 0\n"},
		{[]string{"serve", "--model", mp, "--drain-timeout", "-1s"}, "mdn: serve: --drain-timeout must be > 0\n"},
		{[]string{"serve", "--model", mp, "--unknown-level", "bogus"}, "mdn: serve: --unknown-level must be one of error, zero; got \"bogus\"\n"},
		{[]string{"serve", "--model", "nope.json"}, "mdn: serve: model: nope.json: no such file or directory\n"},
		{[]string{"serve", "--model", mp, "--addr", "127.0.0.1:99999"},
			"mdn: serve: listen: listen tcp: address 99999: invalid port\n"},
	} {
		_, stderr, code := mdnRun(t, "", c.args...)
		if code != 1 || stderr != c.msg {
			t.Errorf("%v: exit %d, stderr %q; want 1, %q", c.args, code, stderr, c.msg)
		}
	}
}

func mustAbs(t *testing.T, p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestServeLabelsMatchPredict: on the penguins config (labels, missing
// cells, impute), /v1/predict of the first 60 test rows, cells as JSON
// (numbers, label strings, null for NA), gives mdn predict --json's lines.
func TestServeLabelsMatchPredict(t *testing.T) {
	abs := mustAbs(t, "../../testdata/penguins_train.csv")
	cfg := "data:\n  train: " + strconv.Quote(abs) +
		"\n  x: [species, island, sex, bill_length_mm, flipper_length_mm]\n  y: [body_mass_g]" +
		"\n  categorical: [species, island, sex]\n  missing: impute\nmodel:\n  hidden: [16]\n"
	mp := trainConfig(t, cfg, 50)
	test, err := os.ReadFile("../../testdata/penguins_test.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(test), "\n")[:61]
	in := writeFile(t, "in.csv", strings.Join(lines, "\n")+"\n")
	head := strings.Split(lines[0], ",")
	var rows []string
	for _, l := range lines[1:] {
		var kv []string
		for j, f := range strings.Split(l, ",") {
			v := strconv.Quote(f)
			if f == "NA" {
				v = "null"
			} else if _, err := strconv.ParseFloat(f, 64); err == nil {
				v = f
			}
			kv = append(kv, strconv.Quote(head[j])+":"+v)
		}
		rows = append(rows, "{"+strings.Join(kv, ",")+"}")
	}
	s, err := serve.New(serve.Options{Model: mp})
	if err != nil {
		t.Fatal(err)
	}
	for _, what := range []string{"mean", "quantiles"} {
		out, stderr, code := mdnRun(t, "", "predict", "--model", mp, "--input", in, "--what", what, "--json")
		if code != 0 {
			t.Fatalf("predict: %s", stderr)
		}
		want := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		req := httptest.NewRequest("POST", "/v1/predict", strings.NewReader(`{"what":"`+what+`","rows":[`+strings.Join(rows, ",")+`]}`))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		var res struct{ Results []json.RawMessage }
		if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || rec.Code != 200 {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		if len(res.Results) != 60 || len(want) != 60 {
			t.Fatalf("%d results, %d lines of mdn predict; want 60", len(res.Results), len(want))
		}
		for i := range want {
			if string(res.Results[i]) != want[i] {
				t.Errorf("%s row %d:\n serve   %s\n predict %s", what, i, res.Results[i], want[i])
			}
		}
	}
}

// TestServeSampleMatchesSampleEnsemble holds /v1/sample of an ensemble
// (the three-member fixture) to mdn sample, draw for draw, across a chunk
// boundary (4100 rows): at temperature 1 with 1 and 3 draws a row (each
// draw's member chosen first), at temperature 0.7, and with 65 draws a
// row (the whole mixture).
func TestServeSampleMatchesSampleEnsemble(t *testing.T) {
	mp := fixtureModel("ensemble3-skip.json")
	text, err := os.ReadFile(fixtureModel("ensemble3-skip-rows.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(text)), "\n")
	cut := func(l string) string { return strings.Join(strings.Split(l, ",")[:8], ",") } // x1…x8
	build := func(n int) string {
		var b strings.Builder
		b.WriteString(cut(lines[0]) + "\n")
		for i := range n {
			b.WriteString(cut(lines[1+i%(len(lines)-1)]) + "\n")
		}
		return b.String()
	}
	s, err := serve.New(serve.Options{Model: mp})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		rows, ns int
		temp     string
	}{{4100, 1, "1"}, {4100, 3, "1"}, {4100, 2, "0.7"}, {30, 65, "1"}} {
		t.Run(fmt.Sprintf("%d rows, %d draws, temperature %s", c.rows, c.ns, c.temp), func(t *testing.T) {
			in := build(c.rows)
			inPath := writeFile(t, "in.csv", in)
			out, stderr, code := mdnRun(t, "", "sample", "--model", mp, "--input", inPath, "--n-samples", strconv.Itoa(c.ns),
				"--seed", "5", "--temperature", c.temp)
			if code != 0 {
				t.Fatalf("sample: %s", stderr)
			}
			head, draws := readCSV(t, out)
			body := fmt.Sprintf(`{"rows":%s,"n_samples":%d,"seed":5,"temperature":%s}`, rowsOf(t, in), c.ns, c.temp)
			req := httptest.NewRequest("POST", "/v1/sample", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			if rec.Code != 200 {
				t.Fatalf("status %d: %.300s", rec.Code, rec.Body)
			}
			var res struct {
				Results []struct{ Samples map[string][]float64 }
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
				t.Fatal(err)
			}
			if len(res.Results) != c.rows || len(draws) != c.rows*c.ns {
				t.Fatalf("%d results, %d lines of mdn sample; want %d, %d", len(res.Results), len(draws), c.rows, c.rows*c.ns)
			}
			for i, r := range res.Results {
				for k := range c.ns {
					line := draws[c.ns*i+k]
					for j, n := range head[8:] { // after x1…x8
						if got, want := r.Samples[n][k], num(t, line[8+j]); got != want {
							t.Fatalf("row %d, draw %d, %s: serve %v, mdn sample %v", i, k, n, got, want)
						}
					}
				}
			}
		})
	}
}
