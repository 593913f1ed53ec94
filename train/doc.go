// Package train fits an MDN (package graph) to data by minimizing the mean
// negative log-likelihood with Adam (Kingma & Ba 2015):
//
//	m ← β₁m + (1−β₁)g      v ← β₂v + (1−β₂)g²
//	θ ← θ − lr_t · m̂ / (√v̂ + ε),   m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)
//
// with β₁ = 0.9, β₂ = 0.999, ε = 1e-8 (PyTorch's defaults), an optional
// decoupled weight decay (AdamW) and a learning-rate schedule (cosine
// annealing as PyTorch's CosineAnnealingLR, or constant, after an optional
// linear warm-up). Run is the loop: full or shuffled mini-batches, gradient
// clipping, validation NLL every few steps, early stopping that restores the
// best weights, and a guard against NaN/Inf.
//
// All randomness comes from Options.Seed: the same data, options and seed
// give bit-identical weights.
package train
