package model

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// zeros is an endless stream of zero bytes, like /dev/zero.
type zeros struct{ n int64 }

func (z *zeros) Read(p []byte) (int, error) {
	clear(p)
	z.n += int64(len(p))
	return len(p), nil
}

// TestDecodeMatchesLoad: Decode of a file's bytes is the model Load gives,
// bit for bit, and Parse of the bytes ReadFile returns is too.
func TestDecodeMatchesLoad(t *testing.T) {
	path := filepath.Join("testdata", "seed-model.json")
	want, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Decode and Load differ")
	}
	b, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, err = Parse(path, b); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Parse(ReadFile) differs from Load (err %v)", err)
	}
}

// TestDecodeErrors: Decode stops at the first impossible byte of a stream
// (an endless stream of zeros fails after one buffer, not at its end), at
// MaxFileBytes, and at anything but white space after the document.
func TestDecodeErrors(t *testing.T) {
	z := &zeros{}
	_, err := Decode(z)
	if err == nil || !strings.HasPrefix(err.Error(), "model: invalid JSON at byte 1: invalid character '\\x00'") {
		t.Errorf("zeros: got %v", err)
	}
	if z.n > 1<<20 {
		t.Errorf("zeros: read %d bytes before failing, want at most one buffer", z.n)
	}
	seed, err := os.ReadFile(filepath.Join("testdata", "seed-model.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		r    io.Reader
		want string
	}{
		{"empty", strings.NewReader(" \n"), "model: empty file"},
		{"trailing data", io.MultiReader(bytes.NewReader(seed), strings.NewReader("\n{}")), `model: invalid JSON: '{' after the top-level value`},
		{"cut", bytes.NewReader(seed[:len(seed)/2]), "model: invalid JSON: unexpected end of input"},
		{"endless white space", io.MultiReader(bytes.NewReader(seed), spaces{}),
			"model: more than 268435456 bytes, the limit of a model file (model.MaxFileBytes)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Decode(c.r); err == nil || err.Error() != c.want {
				t.Errorf("got %v, want %s", err, c.want)
			}
		})
	}
}

// spaces is an endless stream of blanks.
type spaces struct{}

func (spaces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// TestLoadRefusesBeforeReading: what is not a regular file, or is larger
// than MaxFileBytes, is refused from its metadata, at once; a FIFO does not
// block (it has no writer here, so reading it would wait for ever).
func TestLoadRefusesBeforeReading(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, MaxFileBytes+1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	cases := []struct{ path, want string }{
		{dir, "is a directory, not a model file"},
		{big, "268435457 bytes, larger than the 268435456-byte limit of a model file (model.MaxFileBytes)"},
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		link := filepath.Join(dir, "zero.json")
		if err := os.Symlink("/dev/zero", link); err != nil {
			t.Fatal(err)
		}
		dev := "is a device, not a regular file; a model file is read whole and checked first"
		cases = append(cases, struct{ path, want string }{"/dev/zero", dev}, struct{ path, want string }{link, dev})
	}
	if fifo := mkfifo(t, dir); fifo != "" {
		cases = append(cases, struct{ path, want string }{fifo,
			"is a FIFO (named pipe), not a regular file; a model file is read whole and checked first"})
	}
	for _, c := range cases {
		_, err := Load(c.path)
		if want := "model: " + c.path + ": " + c.want; err == nil || err.Error() != want {
			t.Errorf("Load(%s): got %v, want %s", c.path, err, want)
		}
	}
}

// TestLoadDeepSpec: a file declaring 10⁷ hidden layers is refused from the
// length of its hidden array, before the layers are decoded or checked
// (it used to take a minute and 6 GB).
func TestLoadDeepSpec(t *testing.T) {
	seed, err := os.ReadFile(filepath.Join("testdata", "seed-model.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(seed, &doc); err != nil {
		t.Fatal(err)
	}
	spec := doc["spec"].(map[string]any)
	for _, n := range []int{1001, 10_000_000} {
		spec["hidden"] = make([]int, n)
		b, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "deep.json")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err = Load(p)
		want := "model: " + p + ": spec: hidden has " + itoa(n) + " layers or more; at most 1000 are supported"
		if err == nil || err.Error() != want {
			t.Errorf("%d layers: got %v, want %s", n, err, want)
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
