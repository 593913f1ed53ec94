// Package plot draws PNG figures for Mixture Density Networks (Bishop 1994):
// side-by-side 2-D histograms of observed and sampled data, the conditional
// density p(y|x) as a heat map, training histories, scatter plots of two
// response columns, PIT histograms and predictive quantile bands.
//
// An MDN models the conditional density of a response y given a covariate x
// as a Gaussian mixture,
//
//	p(y|x) = Σ_k π_k(x) N(y; μ_k(x), σ_k(x)²),
//
// and the figures here show that density, its component means μ_k(x)
// weighted by π_k(x), and samples drawn from it next to the observed data.
//
// The package takes plain slices and callbacks, not a model, so it depends
// only on gonum.org/v1/plot. Every function writes one PNG image to an
// io.Writer; callers own file handling (atomic writes and so on). Images are
// rendered at 100 dots per inch, so a figure of 8in × 3in is 800 × 300
// pixels.
//
// Heat maps and 2-D histograms are drawn as filled rectangles coloured with
// the viridis colour map (see Viridis); an empty bin or a zero density gets
// the lowest colour of the map, the dark purple of matplotlib's hist2d.
//
// Invalid input (mismatched lengths, no points, non-finite values where
// finite ones are needed, empty ranges, non-positive bin counts) is reported
// as an error; no input makes these functions panic.
//
// Reference:
//
//	C. M. Bishop, Mixture Density Networks, Technical Report NCRG/94/004,
//	Aston University, 1994.
package plot
