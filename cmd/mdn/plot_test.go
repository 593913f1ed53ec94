package main

import (
	"fmt"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/mdn-go/mdn/data"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// checkPNG fails t unless the PNG at path is a w×h figure with content
// (see pngProblems).
func checkPNG(t *testing.T, path string, w, h int) {
	t.Helper()
	for _, p := range pngProblems(t, path, w, h) {
		t.Errorf("%s: %s", path, p)
	}
}

// pngProblems decodes the PNG at path and lists what is wrong with it as a
// figure: the size, a single colour, or no coloured pixels. Axes, ticks and
// labels are black, white and grey; a figure's content (heat map, points,
// lines, bars) is coloured, so bare axes are a problem.
func pngProblems(t *testing.T, path string, w, h int) []string {
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
	var out []string
	if b := img.Bounds(); b != image.Rect(0, 0, w, h) {
		out = append(out, fmt.Sprintf("size: got %v, want %dx%d", b.Size(), w, h))
	}
	colours := map[[4]uint32]bool{}
	b := img.Bounds()
	saturated, n := 0, 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			colours[[4]uint32{r, g, bl, a}] = true
			if max(r, g, bl)-min(r, g, bl) > 0x3000 {
				saturated++
			}
			n++
		}
	}
	if len(colours) < 3 {
		out = append(out, fmt.Sprintf("got %d colours, want a figure with at least 3", len(colours)))
	}
	if saturated < n/200 {
		out = append(out, fmt.Sprintf("%d of %d pixels are coloured, want ≥ 0.5%%: bare axes?", saturated, n))
	}
	return out
}

// TestCheckPNGRejectsBareAxes draws empty axes with gonum/plot and expects
// pngProblems to object.
func TestCheckPNGRejectsBareAxes(t *testing.T) {
	p := gplot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = "nothing", "x", "y"
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	path := filepath.Join(t.TempDir(), "bare.png")
	if err := p.Save(6*vg.Inch, 4*vg.Inch, path); err != nil {
		t.Fatal(err)
	}
	if got := pngProblems(t, path, 600, 400); len(got) == 0 {
		t.Fatal("pngProblems accepted bare axes")
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
		{"quantiles", []string{"--xrange", "-9,9"}, 720, 450},
		{"region", []string{"--level", "0.5"}, 720, 450},
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
