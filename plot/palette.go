package plot

import (
	"image/color"
	"math"
)

// viridisCoef holds the coefficients c_0 … c_6 (one row per power of t) of
// the degree-6 polynomial fit of matplotlib's viridis colour map by Matt
// Zucker, https://www.shadertoy.com/view/WlfXRN (CC0). Columns are R, G, B
// in [0, 1].
var viridisCoef = [7][3]float64{
	{0.2777273272234177, 0.005407344544966578, 0.3340998053353061},
	{0.1050930431085774, 1.404613529898575, 1.384590162594685},
	{-0.3308618287255563, 0.214847559468213, 0.09509516302823659},
	{-4.634230498983486, -5.799100973351585, -19.33244095627987},
	{6.228269936347081, 14.17993336680509, 56.69055260068105},
	{4.776384997670288, -13.74514537774601, -65.35303263337234},
	{-5.435455855934631, 4.645852612178535, 26.3124352495832},
}

// Viridis returns the colour of matplotlib's viridis colour map at t,
// computed from a degree-6 polynomial fit per channel (Matt Zucker,
// https://www.shadertoy.com/view/WlfXRN):
//
//	rgb(t) = c_0 + t (c_1 + t (c_2 + … + t c_6)),  t in [0, 1],
//
// which stays within about 5/255 of matplotlib's 256-entry table. t is clamped to
// [0, 1]; NaN maps to 0. Viridis(0) is the dark purple #470155 used for empty
// bins (matplotlib's #440154) and Viridis(1) the yellow #fce721 (#fde725).
func Viridis(t float64) color.RGBA {
	if math.IsNaN(t) || t < 0 {
		t = 0
	}
	if t > 1 {
		t = 1
	}
	var rgb [3]float64
	for ch := range 3 {
		v := viridisCoef[6][ch]
		for p := 5; p >= 0; p-- {
			v = v*t + viridisCoef[p][ch]
		}
		rgb[ch] = v
	}
	return color.RGBA{R: unit8(rgb[0]), G: unit8(rgb[1]), B: unit8(rgb[2]), A: 255}
}

// unit8 maps v in [0, 1] (clamped) to a byte, rounding to nearest.
func unit8(v float64) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 1:
		return 255
	}
	return uint8(math.Round(v * 255))
}
