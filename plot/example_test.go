package plot_test

import (
	"bytes"
	"fmt"
	"image/png"
	"log"

	"github.com/mdn-go/mdn/plot"
)

// A figure is drawn from plain slices onto any io.Writer; plot knows
// nothing about models or files. Here the PIT histogram of 1000 evenly
// spread values, which a calibrated model would give.
func ExamplePIT() {
	u := make([]float64, 1000)
	for i := range u {
		u[i] = (float64(i) + 0.5) / 1000
	}
	var buf bytes.Buffer
	if err := plot.PIT(&buf, u, plot.PITOptions{Bins: 10}); err != nil {
		log.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(img.Bounds().Size()) // 6in × 4in at DPI = 100
	// Output:
	// (600,400)
}

// Invalid input is an error, never a panic.
func ExamplePIT_error() {
	var buf bytes.Buffer
	fmt.Println(plot.PIT(&buf, []float64{0.2, 1.5}, plot.PITOptions{}))
	// Output:
	// plot: pit: value[1] = 1.5, want in [0, 1]
}

// The density figure evaluates its callbacks at the cell centres of its
// grid, r.Min + (i + ½)(r.Max − r.Min)/n.
func ExampleCentres() {
	fmt.Println(plot.Centres(plot.Range{Min: 0, Max: 1}, 4))
	// Output:
	// [0.125 0.375 0.625 0.875]
}

// Viridis maps [0, 1] to matplotlib's colour map, dark purple to yellow,
// within 6/255 per channel of matplotlib's #440154 and #fde725 at the ends.
func ExampleViridis() {
	for _, t := range []float64{0, 1} {
		c := plot.Viridis(t)
		fmt.Printf("#%02x%02x%02x\n", c.R, c.G, c.B)
	}
	// Output:
	// #470155
	// #fce721
}
