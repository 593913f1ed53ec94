// Package conformal calibrates the prediction regions of a predictive
// mixture (package mixture) by split conformal prediction, so that they
// cover a new row with a probability that holds whatever the model got
// wrong.
//
// # Split conformal prediction
//
// Given a score s(x, y) (large when y is unusual for the model at x) and
// n calibration rows (x_i, y_i) that the model never saw, exchangeable with
// a new row (x, y), let s_(1) ≤ … ≤ s_(n) be the sorted scores and
//
//	k = ⌈(n + 1)·level⌉,   q̂ = s_(k)   (k ≤ n needed: n ≥ level/(1 − level)).
//
// Then the set C(x) = {y : s(x, y) ≤ q̂} satisfies
//
//	level ≤ P(y ∈ C(x)) ≤ level + 1/(n + 1),
//
// the upper bound when the scores have no ties (Vovk, Gammerman & Shafer
// 2005; Lei, G'Sell, Rinaldo, Tibshirani & Wasserman 2018, "Distribution-free
// predictive inference for regression", JASA 113, Thm 2.2). The
// probability is over the calibration rows and the new row together, so a
// single calibration draw may cover more or less; Rank and MinRows give k and
// the least n for a level.
//
// # The two regions
//
// interval: the central interval of each response's marginal F_j,
// adjusted on the quantile scale. The score of one response is
// −log(2 min(F_j(y_j), 1 − F_j(y_j))), a monotone transform of
// |2F_j(y_j) − 1|, the mass of the smallest central interval that reaches
// y_j, that does not round to a constant in the tails; for D responses the
// score is the maximum over j, so the box of calibrated intervals covers
// the whole y jointly. See IntervalScore
// and Interval for the choice against CQR (Romano, Patterson & Candès 2019).
//
// region: the highest-density region, conformalized on the log density
// (the density score of Lei, Robins & Wasserman 2013, which is CD-split
// of Izbicki, Shimizu & Stern 2022, "CD-split and HPD-split: efficient
// conformal regions in high dimensions", JMLR 23, with a single partition;
// compare the HPD-value score of their HPD-split and of Sampson & Chan
// 2024, "Flexible conformal highest predictive conditional density sets").
// The score is −log p(y|x), so q̂ gives a threshold t = −q̂ on the
// log density and the region {y : log p(y|x) ≥ t}: for one response a
// union of disjoint intervals (LevelSet, exact to float resolution), for
// several the threshold itself, which tests any candidate y.
//
// # Storage
//
// A Calibration keeps the sorted scores of both regions (at most
// MaxScores of each, see New) and the levels asked, so any level can be
// served later and the model file says which levels were asked for.
package conformal
