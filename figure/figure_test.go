package figure

import "testing"

func TestFillsWindow(t *testing.T) {
	for _, c := range []struct {
		v    []float64
		want bool
	}{
		{[]float64{-7.5, 0, 7.9}, true}, // the example: spans most of [-8, 8]
		{[]float64{0, 0.5, 1}, false},   // inside, but a small corner of it
		{[]float64{-9, 0, 7}, false},    // outside
		{[]float64{-4, 0, 4.01}, true},  // half of it
	} {
		if got := fills(c.v, ex1dX); got != c.want {
			t.Errorf("fills(%v) = %v, want %v", c.v, got, c.want)
		}
	}
}
