// Package fitconfig turns a YAML training config (package config) into the
// plain description of a run that package train takes (train.Recipe).
//
// config is the schema of the file, its defaults and its validation, and
// links no Gorgonia; train fits networks and knows nothing of YAML. This
// package, which imports both, is the one place where a config key becomes
// a field of the recipe:
//
//	cfg, err := config.Load("configs/ex_1d.yaml")
//	d, err := train.LoadData(fitconfig.Recipe(cfg))
//	r, _ := fitconfig.Sized(cfg, d.Train.N)
//	m, res, err := train.Fit(ctx, r, d, nil)
//
// Sized applies the config's size rule (config.Sized), which grows the keys
// a file leaves at their defaults with the number of training rows; a
// program that builds its train.Recipe in Go sets every field itself.
// FingerprintOf identifies a run's config and data for mdn train --resume.
package fitconfig
