package infile_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/mdn-go/mdn/internal/infile"
)

func ExampleReadFile() {
	lim := infile.Limit{Bytes: 1 << 20, What: "a config file", Name: "config.MaxBytes"}
	dir, _ := os.MkdirTemp("", "infile")
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "cfg.yaml")
	os.WriteFile(p, []byte("train: {steps: 10}\n"), 0o644)
	b, err := infile.ReadFile(p, lim)
	fmt.Printf("%q %v\n", b, err)
	_, err = infile.ReadFile("/dev/zero", lim)
	fmt.Println(err)
	// Output:
	// "train: {steps: 10}\n" <nil>
	// /dev/zero: is a character device, not a regular file (a config file is read whole)
}
