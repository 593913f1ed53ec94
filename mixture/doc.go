// Package mixture is the predictive distribution of one row of a Mixture
// Density Network (Bishop 1994): a Gaussian mixture over R^D with K
// components,
//
//	p(y) = Σ_k π_k N(y; μ_k, Σ_k),   Σ_k = L_k L_kᵀ,
//	log p(y) = logsumexp_k( log π_k + log N(y; μ_k, Σ_k) ).
//
// A Mixture stores its parameters in flat, component-major slices
// (LogWeights: K, Means: K*D, Chol: K*D*D, see Mixture), so the output
// tensors of a network can be viewed without copying: build the struct
// literally over them and call Validate, or call New, which copies and
// normalizes.
//
// # Conventions
//
// Methods that fill a vector take a dst slice: a nil dst is allocated,
// otherwise it must have the documented length and is returned. With a
// dst given, LogProb and Sample do not allocate for D ≤ 8.
//
// Values a user can get wrong (parameters, probabilities, temperatures)
// are reported as errors by New, NewDiagonal, Validate, Quantile and
// CheckTemperature. A slice of the wrong length, an index out of range
// or a Mixture that does not satisfy Validate is a bug in the caller
// and panics, as it would for a slice index.
//
// The methods never modify the receiver and keep no state, so a Mixture
// may be read from several goroutines at once. All randomness comes from
// the *rand.Rand (math/rand/v2) the caller passes in.
//
// The 1-D methods CDF, Quantile and CRPS, used for calibration and
// scoring, work on D = 1 mixtures; Marginal gives the D = 1 mixture of
// one output dimension.
package mixture
