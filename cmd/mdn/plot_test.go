package main

import (
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/mdn-go/mdn/data"
)

// checkPNG decodes the PNG at path and checks its size and that it is not
// all one colour.
func checkPNG(t *testing.T, path string, w, h int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if b := img.Bounds(); b != image.Rect(0, 0, w, h) {
		t.Errorf("size: got %v, want %dx%d", b.Size(), w, h)
	}
	colours := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			colours[[4]uint32{r, g, bl, a}] = true
		}
	}
	if len(colours) < 3 {
		t.Errorf("got %d colours, want a figure with at least 3", len(colours))
	}
}

func TestPlot(t *testing.T) {
	mp := trainEx1d(t)
	dir := t.TempDir()
	for _, c := range []struct {
		kind string
		args []string
		w, h int // from the plot package's documented default sizes at 100 dpi
	}{
		{"default", nil, 800, 300},
		{"density", []string{"--yrange", "-1.2,1.2"}, 600, 450},
		{"history", nil, 600, 400},
		{"pit", nil, 600, 400},
		{"quantiles", []string{"--xrange", "-9,9"}, 600, 450},
	} {
		t.Run(c.kind, func(t *testing.T) {
			out := filepath.Join(dir, c.kind+".png")
			args := append([]string{"plot", "--model", mp, "--data", ex1dTrain, "--kind", c.kind, "--out", out}, c.args...)
			if c.kind == "history" {
				args = []string{"plot", "--model", mp, "--kind", "history", "--out", out}
			}
			if _, stderr, code := mdnRun(t, "", args...); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			checkPNG(t, out, c.w, c.h)
		})
	}

	t.Run("scatter", func(t *testing.T) {
		// A two-response model: ring2d, briefly trained.
		d, err := data.Generate("ring2d", 400, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		csvPath := filepath.Join(t.TempDir(), "ring.csv")
		f, err := os.Create(csvPath)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.WriteCSV(f); err != nil {
			t.Fatal(err)
		}
		f.Close()
		ring := trainConfig(t, "data:\n  train: "+strconv.Quote(csvPath)+"\n  x: [x]\n  y: [y1, y2]\nmodel:\n  hidden: [16]\n", 50)
		out := filepath.Join(dir, "scatter.png")
		if _, stderr, code := mdnRun(t, "", "plot", "--model", ring, "--data", csvPath, "--kind", "scatter", "--y", "y2,y1", "--out", out); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		checkPNG(t, out, 800, 400)
	})
}
