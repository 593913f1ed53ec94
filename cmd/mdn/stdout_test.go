package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// mdnProcess runs the test binary as mdn (TestMain) through sh, with the
// shell redirection redir applied to its standard output, and returns its
// standard error and exit status (−1 when a signal ended it).
func mdnProcess(t *testing.T, redir string, args ...string) (stderr string, code int) {
	t.Helper()
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh to close standard output with")
	}
	cmd := exec.Command("sh", append([]string{"-c", `exec "$0" "$@" ` + redir, os.Args[0]}, args...)...)
	cmd.Env = append(os.Environ(), "MDN_TEST_MAIN=1")
	var e bytes.Buffer
	cmd.Stderr = &e
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return e.String(), cmd.ProcessState.ExitCode()
}

// TestClosedStdout: a command whose standard output is closed (>&-) fails
// with exit status 1 and says so, whatever it prints; >/dev/null is an
// ordinary output and succeeds.
func TestClosedStdout(t *testing.T) {
	mp := trainEx1d(t)
	const want = "standard output is closed (started with >&-, or given /dev/null opened read-write; to discard the output use >/dev/null); nothing was written\n"
	for _, c := range []struct {
		name string
		args []string
	}{
		{"predict", []string{"predict", "--model", mp, "--input", ex1dTrain, "--what", "mean"}},
		{"predict json", []string{"predict", "--model", mp, "--input", ex1dTrain, "--what", "mean", "--json"}},
		{"predict logpdf", []string{"predict", "--model", mp, "--input", ex1dTrain, "--what", "logpdf"}},
		{"sample", []string{"sample", "--model", mp, "--input", ex1dTrain}},
		{"eval", []string{"eval", "--model", mp, "--data", ex1dTrain}},
		{"eval json", []string{"eval", "--model", mp, "--data", ex1dTrain, "--json"}},
		{"gen", []string{"gen", "ex1d", "--n", "10"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			stderr, code := mdnProcess(t, ">&-", c.args...)
			if code != 1 || !strings.HasPrefix(stderr, "mdn: "+c.args[0]+": ") || !strings.HasSuffix(stderr, want) {
				t.Errorf("closed: got exit %d, %q; want 1, %q", code, stderr, "mdn: "+c.args[0]+": …"+want)
			}
			if stderr, code := mdnProcess(t, ">/dev/null", c.args...); code != 0 {
				t.Errorf(">/dev/null: got exit %d, %q; want 0", code, stderr)
			}
		})
	}
}

// TestBrokenPipe: standard output into a pipe whose reader has gone (closed
// before mdn writes) ends the command with a non-zero status: SIGPIPE, or
// exit 1 with a broken pipe error where SIGPIPE is ignored; never 0.
func TestBrokenPipe(t *testing.T) {
	mp := trainEx1d(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	cmd := exec.Command(os.Args[0], "predict", "--model", mp, "--input", ex1dTrain, "--what", "mean")
	cmd.Env = append(os.Environ(), "MDN_TEST_MAIN=1")
	cmd.Stdout = w
	var e bytes.Buffer
	cmd.Stderr = &e
	err = cmd.Run()
	w.Close()
	if cmd.ProcessState == nil {
		t.Fatal(err)
	}
	if cmd.ProcessState.Success() {
		t.Errorf("exit 0 writing into a pipe without a reader; stderr %q", e.String())
	}
	if s := e.String(); s != "" && !strings.Contains(s, "broken pipe") {
		t.Errorf("stderr: got %q, want nothing (SIGPIPE) or a broken pipe error", s)
	}
}
