// Command hostile measures the peak resident memory (VmHWM) and CPU time of
// `mdn serve` under the hostile clients of issue 21, each against a fresh
// server process on loopback:
//
//	headers    1,500 connections that send only headers claiming an 8 MB body
//	params     three concurrent 100,000-row /v1/predict "params" requests (-conc, -rows)
//	bodies     200 connections that each send 4 MB of a claimed 8 MB body, then stall
//	reload     SIGHUP with the model path a symlink to /dev/zero, a FIFO, a 1 GB sparse file
//	gone       a 2,000-row "mode" request whose client disconnects after 0.5 s:
//	           the server's CPU time in the 3 s after that
//
// and prints one line per case with the statuses seen. Usage:
//
//	go build -o /tmp/mdn ./cmd/mdn && go run ./bench/hostile -mdn /tmp/mdn -model M [-cases headers,params,…]
//
// M should be an ensemble (the params case used 10 and 20 members).
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

var (
	mdnBin = flag.String("mdn", "mdn", "mdn binary")
	model  = flag.String("model", "", "model file (required)")
	cases  = flag.String("cases", "headers,params,bodies,reload,gone", "cases to run")
	xname  = flag.String("x", "x", "the model's one covariate")
	prows  = flag.Int("rows", 100_000, "rows of each params request")
	pconc  = flag.Int("conc", 3, "concurrent params requests")
)

type server struct {
	cmd  *exec.Cmd
	addr string
	log  *bytes.Buffer
	mu   sync.Mutex
}

func start(modelPath string, args ...string) *server {
	s := &server{log: &bytes.Buffer{}}
	s.cmd = exec.Command(*mdnBin, append([]string{"serve", "--model", modelPath, "--addr", "127.0.0.1:0"}, args...)...)
	pr, pw := io.Pipe()
	s.cmd.Stderr = pw
	if err := s.cmd.Start(); err != nil {
		fail(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			s.mu.Lock()
			s.log.WriteString(sc.Text() + "\n")
			s.mu.Unlock()
			if m := regexp.MustCompile(`listening on http://(\S+)`).FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	select {
	case s.addr = <-addr:
	case <-time.After(30 * time.Second):
		fail(fmt.Errorf("server did not start"))
	}
	return s
}

// status reads a field (in kB) of /proc/PID/status.
func (s *server) status(field string) int {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	m := regexp.MustCompile(field + `:\s+(\d+) kB`).FindSubmatch(b)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// cpu is the process's user+system CPU time.
func (s *server) cpu() time.Duration {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	u, _ := strconv.Atoi(f[11])
	st, _ := strconv.Atoi(f[12])
	return time.Duration(u+st) * time.Second / 100 // USER_HZ
}

// stop sends SIGTERM and returns the exit status.
func (s *server) stop() int {
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		return 0
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		return -1
	}
}

func fail(err error) { fmt.Fprintln(os.Stderr, "hostile:", err); os.Exit(1) }

type counts struct {
	mu sync.Mutex
	m  map[string]int
}

func (c *counts) add(k string) { c.mu.Lock(); c.m[k]++; c.mu.Unlock() }
func (c *counts) String() string {
	var ks []string
	for k, n := range c.m {
		ks = append(ks, fmt.Sprintf("%s×%d", k, n))
	}
	sort.Strings(ks)
	return strings.Join(ks, " ")
}

func report(name string, s *server, c *counts, extra string) {
	peak, cpu := s.status("VmHWM")/1024, s.cpu()
	code := s.stop()
	fmt.Printf("%-8s peak RSS %4d MB  cpu %5.2fs  exit %d  %s %s\n", name, peak, cpu.Seconds(), code, c, extra)
}

func rowsBody(what string, n int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"what":%q,"rows":[`, what)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{%q:%.4f}`, *xname, -3+6*float64(i%1000)/1000)
	}
	b.WriteString("]}")
	return b.Bytes()
}

func main() {
	flag.Parse()
	if *model == "" {
		fail(fmt.Errorf("-model is required"))
	}
	for _, c := range strings.Split(*cases, ",") {
		switch c {
		case "headers":
			s := start(*model)
			cnt := &counts{m: map[string]int{}}
			var conns []net.Conn
			for range 1500 {
				conn, err := net.Dial("tcp", s.addr)
				if err != nil {
					cnt.add("dial-error")
					continue
				}
				fmt.Fprintf(conn, "POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", 8<<20-1)
				conns = append(conns, conn)
			}
			time.Sleep(3 * time.Second)
			cnt.add(fmt.Sprintf("open=%d", len(conns)))
			rss := s.status("VmRSS") / 1024
			for _, c := range conns {
				c.Close()
			}
			report(c, s, cnt, fmt.Sprintf("(RSS while held %d MB)", rss))
		case "params":
			s := start(*model)
			cnt := &counts{m: map[string]int{}}
			body := rowsBody("params", *prows)
			var wg sync.WaitGroup
			t0 := time.Now()
			for range *pconc {
				wg.Add(1)
				go func() {
					defer wg.Done()
					resp, err := http.Post("http://"+s.addr+"/v1/predict", "application/json", bytes.NewReader(body))
					if err != nil {
						cnt.add("error")
						return
					}
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					cnt.add(strconv.Itoa(resp.StatusCode))
					if resp.StatusCode != 200 {
						cnt.add(fmt.Sprintf("%.120q", b))
					}
				}()
			}
			wg.Wait()
			report(c, s, cnt, fmt.Sprintf("(body %.1f MB, %v)", float64(len(body))/1e6, time.Since(t0).Round(time.Millisecond)))
		case "bodies":
			s := start(*model)
			cnt := &counts{m: map[string]int{}}
			chunk := bytes.Repeat([]byte(" "), 64<<10)
			var wg sync.WaitGroup
			var mu sync.Mutex
			var conns []net.Conn
			for range 200 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					conn, err := net.Dial("tcp", s.addr)
					if err != nil {
						cnt.add("dial-error")
						return
					}
					mu.Lock()
					conns = append(conns, conn)
					mu.Unlock()
					fmt.Fprintf(conn, "POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{\"rows\":[", 8<<20-1)
					conn.SetWriteDeadline(time.Now().Add(20 * time.Second))
					for range 64 { // 4 MB
						if _, err := conn.Write(chunk); err != nil {
							cnt.add("refused-mid-body")
							return
						}
					}
					cnt.add("sent-4MB")
				}()
			}
			wg.Wait()
			time.Sleep(time.Second)
			rss := s.status("VmRSS") / 1024
			for _, c := range conns {
				c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
				if r, err := http.ReadResponse(bufio.NewReader(c), nil); err == nil {
					cnt.add(strconv.Itoa(r.StatusCode))
				}
				c.Close()
			}
			report(c, s, cnt, fmt.Sprintf("(RSS while held %d MB)", rss))
		case "reload":
			dir, _ := os.MkdirTemp("", "hostile")
			defer os.RemoveAll(dir)
			p := filepath.Join(dir, "model.json")
			b, err := os.ReadFile(*model)
			if err != nil {
				fail(err)
			}
			os.WriteFile(p, b, 0o644)
			s := start(p)
			cnt := &counts{m: map[string]int{}}
			t0 := time.Now()
			for _, mk := range []func() error{
				func() error { return os.Symlink("/dev/zero", p) },
				func() error { return syscall.Mkfifo(p, 0o644) },
				func() error { os.WriteFile(p, b, 0o644); return os.Truncate(p, 1<<30) },
			} {
				os.Remove(p)
				if err := mk(); err != nil {
					fail(err)
				}
				s.cmd.Process.Signal(syscall.SIGHUP)
				time.Sleep(500 * time.Millisecond)
				resp, err := http.Post("http://"+s.addr+"/v1/predict", "application/json", strings.NewReader(`{"what":"mean","rows":[{"`+*xname+`":1}]}`))
				if err != nil {
					cnt.add("error")
					continue
				}
				resp.Body.Close()
				cnt.add(strconv.Itoa(resp.StatusCode))
			}
			s.mu.Lock()
			failed := strings.Count(s.log.String(), "reload failed")
			s.mu.Unlock()
			report(c, s, cnt, fmt.Sprintf("(%d reloads failed, %v)", failed, time.Since(t0).Round(time.Millisecond)))
		case "gone":
			s := start(*model)
			cnt := &counts{m: map[string]int{}}
			body := rowsBody("mode", 2000)
			conn, err := net.Dial("tcp", s.addr)
			if err != nil {
				fail(err)
			}
			fmt.Fprintf(conn, "POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
			time.Sleep(500 * time.Millisecond)
			conn.Close()
			time.Sleep(200 * time.Millisecond)
			c0 := s.cpu()
			time.Sleep(3 * time.Second)
			report(c, s, cnt, fmt.Sprintf("(server CPU in the 3 s after the client left: %v)", s.cpu()-c0))
		default:
			fail(fmt.Errorf("unknown case %q", c))
		}
	}
}
