package plot

import (
	"bytes"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// demoDir, when set (go test ./plot -run Demo -demo /tmp/plots), makes
// TestDemo write one example of every figure there for a person to look at.
var demoDir = flag.String("demo", "", "directory to write example figures to")

// TestDemo writes example figures to -demo; it checks only that they render.
func TestDemo(t *testing.T) {
	if *demoDir == "" {
		t.Skip("no -demo directory")
	}
	write := func(name string, draw func(*bytes.Buffer) error) {
		var buf bytes.Buffer
		if err := draw(&buf); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(*demoDir, name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	obsX, obsY := sineData(rng, 2500)
	smpX, smpY := sineData(rng, 2500)
	write("hist2d_bare.png", func(b *bytes.Buffer) error { return Hist2DPair(b, obsX, obsY, smpX, smpY, Hist2DOptions{Bare: true}) })
	write("hist2d_axes.png", func(b *bytes.Buffer) error {
		return Hist2DPair(b, obsX, obsY, smpX, smpY, Hist2DOptions{XLabel: "x", YLabel: "y"})
	})

	// The inverse problem's density, built from the three branches: for a
	// given x, the y's solving 7 sin(5y) + 0.5y = x found on a fine grid,
	// each a Gaussian of width 0.5/|dx/dy| (the x noise carried to y).
	roots := func(x float64) (mu, w []float64) {
		const n = 4000
		prev := 7*math.Sin(-5) - 0.5 - x
		for i := 1; i <= n; i++ {
			y := -1 + 2*float64(i)/n
			f := 7*math.Sin(5*y) + 0.5*y - x
			if (f < 0) != (prev < 0) {
				mu = append(mu, y)
			}
			prev = f
		}
		for range mu {
			w = append(w, 1/float64(len(mu)))
		}
		return mu, w
	}
	density := func(x, y float64) float64 {
		mu, w := roots(x)
		p := 0.0
		for k := range mu {
			s := 0.5/math.Abs(35*math.Cos(5*mu[k])+0.5) + 0.01
			p += w[k] * math.Exp(-0.5*(y-mu[k])*(y-mu[k])/(s*s)) / s
		}
		return p
	}
	opt := DensityOptions{XRange: Range{-8, 8}, YRange: Range{-1, 1}, NX: 160, NY: 160, Title: "p(y|x)"}
	write("density.png", func(b *bytes.Buffer) error { return Density(b, density, nil, obsX[:300], obsY[:300], opt) })
	opt.LogScale = true
	write("density_log.png", func(b *bytes.Buffer) error { return Density(b, density, nil, obsX[:300], obsY[:300], opt) })

	step := make([]float64, 200)
	train := make([]float64, 200)
	val := make([]float64, 200)
	for i := range step {
		step[i] = float64(i)
		train[i] = 2*math.Exp(-float64(i)/40) - 0.5 + 0.05*rng.NormFloat64()
		val[i] = math.NaN()
		if i%20 == 0 {
			val[i] = 2*math.Exp(-float64(i)/40) - 0.4
		}
	}
	write("history.png", func(b *bytes.Buffer) error { return History(b, step, train, val, HistoryOptions{}) })
	write("scatter.png", func(b *bytes.Buffer) error { return Scatter(b, obsX, obsY, smpX, smpY, ScatterOptions{}) })
	write("scatter_overlay.png", func(b *bytes.Buffer) error {
		return Scatter(b, obsX, obsY, smpX, smpY, ScatterOptions{Overlay: true})
	})
	u := make([]float64, 2000)
	for i := range u {
		u[i] = math.Pow(rng.Float64(), 1.3)
	}
	write("pit.png", func(b *bytes.Buffer) error { return PIT(b, u, PITOptions{}) })
	// Quantiles of y given x for the straight middle branch, y ≈ x/35.
	grid := make([]float64, 50)
	lower, upper := [][]float64{make([]float64, 50), make([]float64, 50)}, [][]float64{make([]float64, 50), make([]float64, 50)}
	median := make([]float64, 50)
	for g := range grid {
		x := -5 + 10*float64(g)/49
		grid[g] = x
		median[g] = x / 35.5
		for l, z := range []float64{0.674, 1.645} {
			lower[l][g] = median[g] - z*0.05
			upper[l][g] = median[g] + z*0.05
		}
	}
	var qx, qy []float64
	for i := range obsX {
		if math.Abs(obsY[i]) < 0.25 && math.Abs(obsX[i]) < 5 {
			qx, qy = append(qx, obsX[i]), append(qy, obsY[i])
		}
	}
	write("quantiles.png", func(b *bytes.Buffer) error {
		return Quantiles(b, qx, qy, grid, lower, upper, median, []float64{0.5, 0.9}, grid[:5], median[:5], QuantilesOptions{})
	})
}
