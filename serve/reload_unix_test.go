//go:build unix

package serve

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/model"
)

// TestReloadRefusesNonFiles: a model path that became a symbolic link to
// /dev/zero, a FIFO or a file over model.MaxFileBytes is refused at once
// from its metadata, and the old model keeps serving.
func TestReloadRefusesNonFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.json")
	good, err := os.ReadFile(writeModel(t, 2, 1, arch.Diagonal, 1))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, good, 0o644)
	s := newServer(t, Options{Model: path})
	h := s.Handler()
	row := `{"what":"mean","rows":[{"x0":0.5,"x1":1}]}`
	_, before := post(t, h, "/v1/predict", row)
	_, info := do(t, h, "GET", "/v1/model", "", nil)
	var got struct {
		SHA256 string `json:"sha256"`
	}
	json.Unmarshal(info, &got)
	if sum := sha256.Sum256(good); got.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("/v1/model sha256 %s, want that of the file's bytes", got.SHA256)
	}
	replace := func(make func() error) {
		os.Remove(path)
		if err := make(); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name string
		make func() error
		want string
	}{
		{"symlink to /dev/zero", func() error { return os.Symlink("/dev/zero", path) }, "is a device"},
		{"FIFO", func() error { return syscall.Mkfifo(path, 0o644) }, "is a FIFO"},
		{"huge file", func() error {
			if err := os.WriteFile(path, good, 0o644); err != nil {
				return err
			}
			return os.Truncate(path, model.MaxFileBytes+1)
		}, "268435457 bytes, larger than the 268435456-byte limit"},
	} {
		replace(c.make)
		start := time.Now()
		err := s.Reload()
		if err == nil || !strings.Contains(err.Error(), "serve: model: "+path+": "+c.want) {
			t.Errorf("%s: reload error %v, want %q", c.name, err, c.want)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: reload took %v", c.name, d)
		}
		if _, still := post(t, h, "/v1/predict", row); string(still) != string(before) {
			t.Errorf("%s: the old model is no longer served", c.name)
		}
	}
}

// TestServeDrainsWithReloadTargetFIFO: a reload of a FIFO does not block
// the server: after it, cancelling the context still shuts down at once.
func TestServeDrainsWithReloadTargetFIFO(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.json")
	good, _ := os.ReadFile(writeModel(t, 2, 1, arch.Diagonal, 1))
	os.WriteFile(path, good, 0o644)
	reload := make(chan struct{})
	s, err := New(Options{Model: path, Reload: reload})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	os.Remove(path)
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Fatal(err)
	}
	for i := range 2 { // the second send is taken once the first reload has finished
		select {
		case reload <- struct{}{}:
		case <-time.After(5 * time.Second):
			t.Fatalf("reload %d: the reload loop is blocked", i)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after its context was cancelled")
	}
}
