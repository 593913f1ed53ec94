// Command truenll prints the mean true NLL of a bimodal8 CSV (mdn gen bimodal8).
package main

import (
	"fmt"
	"os"

	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/encode"
)

func main() {
	d, _, err := encode.Read(os.Args[1], encode.Numeric([]string{"x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8"}), []string{"y1", "y2"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var s float64
	for i := range d.N {
		lp, _ := data.TrueLogDensity("bimodal8", d.X[i*8:(i+1)*8], d.Y[i*2:(i+1)*2])
		s -= lp
	}
	fmt.Printf("%.4f\n", s/float64(d.N))
}
