// Package graph builds a Mixture Density Network (Bishop 1994) and its
// negative log-likelihood as a Gorgonia expression graph.
//
// An MDN models the conditional density of a response y ∈ ℝ^D given
// covariates x ∈ ℝ^n as a Gaussian mixture whose parameters come from
// neural networks:
//
//	p(y|x) = Σ_k π_k(x) N(y; μ_k(x), Σ_k(x))
//	−log p(y|x) = −logsumexp_k( log π_k(x) + log N(y; μ_k(x), Σ_k(x)) )
//
// Build adds the model to a caller-supplied *gorgonia.ExprGraph using fused
// operations with analytic gradients (a dense layer with its activation, and
// the whole mixture NLL), which keep their buffers across steps. BuildComposed
// adds the same model from Gorgonia's stock operations only; it is the test
// oracle for Build and is slower. Both accept float32 and float64.
//
// No graph, machine or random source lives in this package: callers pass them.
package graph
