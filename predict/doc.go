// Package predict scores and summarizes the predictive distributions of a
// trained Mixture Density Network (Bishop 1994) on labelled data.
//
// A model gives, for each row of covariates x, a Gaussian mixture over the
// D response columns,
//
//	p(y|x) = Σ_k π_k(x) N(y; μ_k(x), Σ_k(x)),
//	log p(y|x) = logsumexp_k( log π_k(x) + log N(y; μ_k(x), Σ_k(x)) ).
//
// Evaluate runs a model over a dataset and returns its Metrics: the mean
// negative log-likelihood, per response dimension the CRPS, the errors of the
// mixture mean, the coverage of central intervals, a PIT histogram and a
// calibration error, and how many components the model actually uses. An
// Evaluator accumulates the same metrics row by row from mixtures the caller
// has already computed, for streaming. Interval gives the central interval of
// a 1-D mixture.
//
// A Summarizer turns a row's mixture into the numbers of mdn predict --what;
// an Encoder writes them, the one writer of a prediction row (CSV lines,
// the JSON Lines of mdn predict --json and the results of mdn serve),
// appending to a buffer without reflection. Stream runs a model over a CSV
// stream in parallel, in bounded memory and in input order; StreamInputs
// hands the workers the rows only, for MemberDraws, which samples an
// ensemble by choosing each draw's member first and predicting only the
// chosen members' mixtures.
//
// All numbers are in the original units of y (the model's Predictor undoes
// the standardization), and log densities are in nats.
//
// References:
//
//	C. M. Bishop, "Mixture Density Networks", Neural Computing Research
//	Group Report NCRG/94/004, Aston University, 1994.
//	T. Gneiting, F. Balabdaoui and A. E. Raftery, "Probabilistic forecasts,
//	calibration and sharpness", JRSS B 69(2), 243–268, 2007.
package predict
