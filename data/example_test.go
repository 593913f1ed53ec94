package data_test

import (
	"errors"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"strings"

	"github.com/mdn-go/mdn/data"
)

// A CSV table in memory: the columns are picked by name, in the order
// asked for; ReadAll takes the first one as the covariate. (Package encode's
// Read and ReadFrom read a file this way when every column is a number.)
func ExampleReader_ReadAll() {
	table := "y,x,note\n1.5,10,a\n2.5,20,b\n3.5,30,c\n"
	rd, err := data.NewReader(strings.NewReader(table), "t.csv", []string{"x", "y"})
	if err != nil {
		log.Fatal(err)
	}
	d, err := rd.ReadAll(1, 0)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.N, d.XNames, d.YNames)
	x, y := d.Row(2)
	fmt.Println(x, y, "from line", d.Lines[2])
	// Output:
	// 3 [x] [y]
	// [30] [3.5] from line 4
}

// A bad cell is an *Error naming the file, the line and the column.
func ExampleReader_Next_error() {
	table := "x,y\n1,2\n3,abc\n"
	rd, err := data.NewReader(strings.NewReader(table), "t.csv", []string{"x", "y"})
	if err != nil {
		log.Fatal(err)
	}
	for err == nil {
		_, err = rd.Next(nil)
	}
	var de *data.Error
	fmt.Println(errors.As(err, &de), de.Line)
	fmt.Println(err)
	// Output:
	// true 3
	// data: read t.csv: line 3, column "y": not a number "abc"
}

// The scaler is fitted on the training rows (mean and standard deviation
// with ddof 0) and maps network outputs back to the units of y.
func ExampleFitScaler() {
	d := &data.Dataset{XNames: []string{"x"}, YNames: []string{"y"}, XDim: 1, YDim: 1, N: 4,
		X: []float64{1, 2, 3, 4}, Y: []float64{10, 10, 20, 20}}
	s := data.FitScaler(d)
	// x: mean 2.5, std sqrt(((1.5)² + (0.5)² + (0.5)² + (1.5)²)/4) = sqrt(1.25);
	// y: mean 15, std 5.
	fmt.Printf("x mean %v std² %.2f; y mean %v std %v\n", s.XMean[0], s.XStd[0]*s.XStd[0], s.YMean[0], s.YStd[0])
	fmt.Println(s.TransformY([]float64{25}, nil), s.InverseY([]float64{2}, nil))
	// log |dy/dy'| = log 5, added to an NLL in standardized units.
	fmt.Printf("%.4f\n", s.LogJacobian())
	// Output:
	// x mean 2.5 std² 1.25; y mean 15 std 5
	// [2] [25]
	// 1.6094
}

// The synthetic data sets are reproducible from a seed; ex1d is the
// original project's example, y = linspace(−1, 1, n), x = 7 sin(5y) + 0.5y + 0.5ε.
func ExampleGenerate() {
	d, err := data.Generate("ex1d", 5, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.XNames, d.YNames, d.Y)
	if err := d.WriteCSV(os.Stdout); err != nil {
		log.Fatal(err)
	}
	// x = 7 sin(5y) + 0.5y + 0.5ε: at y = −1, 7 sin(−5) − 0.5 = 6.2124, so ε ≈ 0.57 here.
	// Output:
	// [x] [y] [-1 -0.5 0 0.5 1]
	// x,y
	// 6.495737958443489,-1
	// -4.745503656196267,-0.5
	// 0.2949473561318848,0
	// 4.255392891712549,0.5
	// -5.666491170559929,1
}
