// Package config is the YAML training config of `mdn train --config FILE`:
// its schema, its defaults, a strict decoder and validation.
//
// A config has three sections. data names the CSV files and the columns of
// the covariate x (dim_in columns) and the response y (dim_out columns);
// model describes a Mixture Density Network (Bishop 1994), an MLP whose
// outputs parameterize a K-component Gaussian mixture
//
//	log p(y|x) = logsumexp_k( log π_k(x) + log N(y; μ_k(x), Σ_k(x)) )
//
// with log π: (batch, K), μ: (batch, K, dim_out), Σ_k: (dim_out, dim_out);
// train sets the optimizer (Adam, or AdamW with weight decay), the
// learning-rate schedule and the stopping rules.
//
// Load reads a file, decodes it strictly with go.yaml.in/yaml/v3 (unknown
// keys rejected), fills in the defaults of Default (named constants in
// defaults.go), resolves relative data paths against the file's directory
// and validates. Every error names the file and, where there is one, the
// line and the field path:
//
//	config: ex.yaml: line 7: field "batchsize" not found in train
//	config: ex.yaml: line 4: train.steps: want an integer, got "abc"
//	config: ex.yaml: line 8: train.batch_size: must be ≥ 0, got -3
//
// Validation reports every problem it finds, one per line (errors.Join),
// each wrapping a *FieldError.
//
// The keys, their types, defaults, units and constraints are listed in
// docs/config.md.
package config
