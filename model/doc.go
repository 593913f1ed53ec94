// Package model is a trained Mixture Density Network (Bishop 1994) as one
// self-describing JSON file, and pure-Go float64 inference from it.
//
// A [Model] holds everything needed to use a network without its training
// config: the architecture and noise model ([arch.Spec]), the names of the
// covariate and response columns, the standardization ([data.Scaler]), all
// weights as named arrays and a summary of the training run. [Model.Save]
// writes it atomically; [Load] reads it back and checks it, reporting any
// problem as an error that starts with "model: <path>: ". The file format
// is described field by field in docs/model-format.md.
//
// A [Predictor] evaluates the network on batches of raw covariate rows and
// returns, per row, the predictive Gaussian mixture in the original units of
// y,
//
//	p(y|x) = Σ_k π_k(x) N(y; μ_k(x), Σ_k(x)),   Σ_k = L_k L_kᵀ,
//
// as a [mixture.Mixture]. The forward pass is the graph's (package graph)
// in float64, computed with internal/gemm without Gorgonia, all members of
// an ensemble in one pass (their weights stacked, their scalers folded
// into the weights), so that predicting millions of rows is fast. Far outside
// the training range a σ can overflow or underflow; the Predictor clamps
// each diagonal entry of L_k to [1e-150, 1e150] so that every prediction is
// a valid mixture.
//
// References:
//
//	C. M. Bishop, "Mixture Density Networks", Neural Computing Research
//	Group Report NCRG/94/004, Aston University, 1994.
package model
