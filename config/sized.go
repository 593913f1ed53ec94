package config

import (
	"fmt"
	"math"
	"slices"
)

// The size rule: how the recipe grows with the number of training rows n
// (Sized). From SkipFrom rows on it adds the linear path of model.skip.
// Below SizedFrom rows it changes nothing else. From there on, with
// r = n / SizedFrom:
//
//	batch_size  = 256 · 2^round(log₂ √r), at most SizedMaxBatch
//	steps       = max(SizedMinSteps, ⌈SizedPasses · n / batch_size⌉)
//	weight_decay = train.weight_decay / r · 2000 / steps
//	eval_every  = max(train.eval_every, ⌈3 · n_val / batch_size⌉)
//	patience    = 0 (the budget ends the run)
//	noise_scale = 0
//	hidden      = SizedWidth units in each layer of model.hidden
//	ensemble    = max(SizedMinMembers, round(train.ensemble / √r))
//
// so the run length, in passes over the data, stays SizedPasses whatever n
// is (time linear in n), the batch grows like √n (the steps grow like √n),
// validation costs at most about a tenth of training (a forward pass of
// n_val rows costs about a third of a training step's per row), the
// network is wider where the data can support it, and fewer members are
// averaged where each member alone is already close to what the data
// allow.
const (
	// SkipFrom is the number of training rows from which Sized turns
	// model.skip on. It brought bimodal8 closer to its true density
	// (0.0341 → 0.0232 nats above it at 18,000 training rows, five
	// training seeds) and left the census tables of 12,600 rows and more
	// unchanged; on small tables it was mixed (Cars93 +0.13, UScereal
	// −0.11, the rest within ±0.01; docs/results.md), so it stays off
	// there.
	SkipFrom = 10_000
	// SizedFrom is the number of training rows from which Sized changes
	// the recipe.
	SizedFrom = 20_000
	// SizedPasses is the training budget in passes over the data.
	SizedPasses = 20
	// SizedMaxBatch bounds the batch size of the rule.
	SizedMaxBatch = 2048
	// SizedWidth is the width of the hidden layers from SizedFrom rows on.
	SizedWidth = 128
	// SizedMinMembers is the fewest ensemble members the rule keeps.
	SizedMinMembers = 2
	// SizedMinSteps is the fewest steps of the rule's budget.
	SizedMinSteps = 6000
)

// Given reports whether the config file gave the key at path (a dotted
// key such as "train.steps"). A Config built in code gives no key.
func (c *Config) Given(path string) bool { return c.given[path] }

// Sized returns the config of a run on n training rows (after the
// validation and calibration hold-outs): a copy of c in which every key of the size rule
// (see SizedFrom) that the file did not give, and that still holds its
// default value, is set by the rule; with it a short description of what
// the rule changed ("" when nothing changed). Keys the file gave, and
// values a program set in code, are kept.
func (c *Config) Sized(n int) (*Config, string) {
	s := *c
	s.Model.Hidden = slices.Clone(c.Model.Hidden)
	auto := func(path string, isDefault bool) bool { return !c.given[path] && isDefault }
	var did []string
	if n >= SkipFrom && auto("model.skip", s.Model.Skip == DefaultSkip) && !s.Model.Skip {
		s.Model.Skip = true
		did = append(did, "a linear path (model.skip)")
	}
	if n < SizedFrom {
		return &s, sizedNote(n, did)
	}
	r := float64(n) / SizedFrom
	b := s.Train.BatchSize
	if auto("train.batch_size", b == DefaultBatchSize) {
		b = min(SizedMaxBatch, DefaultBatchSize<<uint(math.Round(math.Log2(math.Sqrt(r)))))
		s.Train.BatchSize = b
	}
	if b > 0 && s.Train.Epochs == 0 && auto("train.steps", s.Train.Steps == DefaultSteps) && auto("train.epochs", true) {
		s.Train.Steps = max(SizedMinSteps, (SizedPasses*n+b-1)/b)
	}
	if auto("train.weight_decay", s.Train.WeightDecay == DefaultWeightDecay) && s.Train.Steps > 0 {
		// The decay shrinks the weights by about exp(−λ·Σ_t lr_t), a sum
		// that grows with the steps: λ keeps the default's total shrinkage
		// over DefaultSteps steps, divided by r.
		s.Train.WeightDecay = DefaultWeightDecay / r * DefaultSteps / float64(s.Train.Steps)
		did = append(did, fmt.Sprintf("weight decay %.2g", s.Train.WeightDecay))
	}
	if b > 0 && auto("train.eval_every", s.Train.EvalEvery == DefaultEvalEvery) && s.Data.ValidationFraction > 0 && s.Data.Validation == "" {
		// n rows are left of the file once the validation and calibration
		// fractions (both of the file's rows) are held out.
		v, cf := s.Data.ValidationFraction, s.Data.CalibrationFraction
		nv := int(math.Round(float64(n) * v / (1 - v - cf)))
		s.Train.EvalEvery = max(s.Train.EvalEvery, (3*nv+b-1)/b)
	}
	if auto("train.patience", s.Train.Patience == DefaultPatience) && s.Train.Patience > 0 {
		// The budget in passes ends the run: on a large table the
		// validation NLL keeps improving until the cosine schedule has
		// annealed the learning rate, and a stop before that costs more
		// than the steps it saves (docs/results.md).
		s.Train.Patience = 0
		did = append(did, "no early stopping")
	}
	if auto("model.hidden", slices.Equal(s.Model.Hidden, Default().Model.Hidden)) {
		for i := range s.Model.Hidden {
			s.Model.Hidden[i] = SizedWidth
		}
		did = append(did, fmt.Sprintf("hidden %v", s.Model.Hidden))
	}
	if auto("train.noise_scale", s.Train.NoiseScale == DefaultNoiseScale) && s.Train.NoiseScale > 0 {
		// noise_select kept the networks without noise on all 20 splits of
		// ames and diamonds (docs/results.md) and on bimodal8 at 200,000
		// rows: training both halves the cost of the large runs.
		s.Train.NoiseScale = 0
		did = append(did, "no noise")
	}
	if auto("train.ensemble", s.Train.Ensemble == DefaultEnsemble) {
		m := max(SizedMinMembers, int(math.Round(float64(s.Train.Ensemble)/math.Sqrt(r))))
		if m < s.Train.Ensemble {
			s.Train.Ensemble = m
			s.Train.EnsembleMax = min(s.Train.EnsembleMax, m)
			did = append(did, fmt.Sprintf("%d members", m))
		}
	}
	if s.Train.BatchSize != c.Train.BatchSize || s.Train.Steps != c.Train.Steps {
		passes := float64(s.Train.Steps) * float64(s.Train.BatchSize) / float64(n)
		did = append([]string{fmt.Sprintf("%.3g passes of %d-row batches", passes, s.Train.BatchSize)}, did...)
	}
	return &s, sizedNote(n, did)
}

// sizedNote is Sized's description of what it did on n rows, "" for
// nothing.
func sizedNote(n int, did []string) string {
	if len(did) == 0 {
		return ""
	}
	return fmt.Sprintf("%d training rows: %s (the size rule; keys the config file gives are kept)", n, listOf(did))
}

// listOf lists items as "a, b and c".
func listOf(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	out := items[0]
	for _, it := range items[1 : len(items)-1] {
		out += ", " + it
	}
	return out + " and " + items[len(items)-1]
}
