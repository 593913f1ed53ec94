package model

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/conformal"
	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/encode"
)

// Format is the value of the "format" field of every model file.
const Format = "mdn-model"

// FormatVersion is the version of the file layout that New gives a model
// and that a model without a calibration is written with. This package
// reads versions MinFormatVersion to CalibratedVersion: version 2 adds the
// optional "encoding" section (labels, imputation); a version 1 file is
// read as before. Version 2 also adds the optional "ensemble" field.
// Version 3 adds the optional spec key "skip" (arch.Spec.Skip).
const FormatVersion = 3

// CalibratedVersion is the version of a file with a "calibration"
// (SetCalibration), version 4. An uncalibrated model keeps its version,
// so its file is byte for byte what an mdn without calibration wrote.
const CalibratedVersion = 4

// MinFormatVersion is the oldest file layout this package reads.
const MinFormatVersion = 1

// Model is a trained MDN. Build one with New or Load; a Model changed by
// hand should pass Validate before use.
type Model struct {
	// Format is always "mdn-model" (json "format").
	Format string
	// Version is the file layout version, FormatVersion (json "version").
	Version int
	// Spec is the architecture, noise model, σ transform and dtype the
	// network was trained with. Spec.FixedSigma and Spec.SigmaMin are in the
	// units the network sees (standardized units of y when standardizing).
	Spec arch.Spec
	// XNames (len Spec.In) and YNames (len Spec.Out) are the covariate and
	// response column names, in the order of the network's inputs and
	// outputs.
	XNames, YNames []string
	// Scaler standardizes x and y (data.IdentityScaler when the model was
	// trained on raw data).
	Scaler data.Scaler
	// Arrays are all weights as named float64 arrays, in the order of
	// graph.Weights.Arrays (json "weights"). A float32 model's values are
	// exact float64 copies of its float32 weights.
	Arrays []arch.Array
	// Training summarizes the run that produced the weights.
	Training Summary
	// Encoding maps the covariate columns of a CSV file to the network's
	// inputs XNames (labels one-hot, missing cells imputed); nil when each
	// input is one numeric column of that name with the default policies
	// (json "encoding", version 2, absent then). See Schema.
	Encoding *encode.Schema
	// Calibration is the split conformal calibration of the model on rows
	// it never saw (json "calibration", version 4; nil, and absent, for an
	// uncalibrated model). Set it with SetCalibration.
	Calibration *conformal.Calibration
	// Ensemble holds the further members of an ensemble (json "ensemble",
	// format version 2): networks of the same Spec, each with its own
	// scaler and weights. Scaler and Arrays above are member 0. The model's
	// predictive distribution is the equal-weight mixture of its M =
	// 1 + len(Ensemble) members,
	//
	//	p(y|x) = (1/M) Σ_m p_m(y|x),
	//
	// a Gaussian mixture of M·K components. Empty for a single network.
	Ensemble []Member
}

// Member is one further network of an ensemble: the scaler it was trained
// with and its weights, as in Model.
type Member struct {
	Scaler data.Scaler  `json:"scaler"`
	Arrays []arch.Array `json:"weights"`
}

// Members is the number M of networks of m, 1 + len(m.Ensemble).
func (m *Model) Members() int { return 1 + len(m.Ensemble) }

// Member returns member i of m (0 ≤ i < Members(); member 0 is Scaler and
// Arrays, member i > 0 is Ensemble[i−1]) as a one-network model of its own:
// a copy of its scaler and weights with m's spec, names, encoding and
// training summary, without the calibration (which is the ensemble's), so
// that its Predictor gives p_i(y|x), a mixture of K components with the
// member's own weights π_ik (summing to 1). It panics if i is out of range.
func (m *Model) Member(i int) *Model {
	if i < 0 || i >= m.Members() {
		panic(fmt.Sprintf("model: member %d of a model of %d members", i, m.Members()))
	}
	sc, ws := m.Scaler, m.Arrays
	if i > 0 {
		sc, ws = m.Ensemble[i-1].Scaler, m.Ensemble[i-1].Arrays
	}
	one := &Model{
		Format:   m.Format,
		Version:  min(m.Version, FormatVersion),
		Spec:     cloneSpec(m.Spec),
		XNames:   slices.Clone(m.XNames),
		YNames:   slices.Clone(m.YNames),
		Scaler:   cloneScaler(sc),
		Arrays:   cloneArrays(ws),
		Training: m.Training,
	}
	if v := m.Training.BestValidationNLL; v != nil {
		c := *v
		one.Training.BestValidationNLL = &c
	}
	if m.Encoding != nil {
		one.Encoding = m.Encoding.Clone()
	}
	return one
}

// Components is the number of components of each predictive mixture,
// M·K.
func (m *Model) Components() int { return m.Members() * m.Spec.K }

// MaxMembers is the most ensemble members a model may have.
const MaxMembers = 64

// Summary describes the training run of a model. Only Seconds and Created
// depend on the clock: two runs with the same config and seed give files
// that differ at most in these two fields (a trainer that wants
// byte-identical files leaves Created empty and Seconds 0).
type Summary struct {
	// Steps is the number of optimizer steps taken.
	Steps int `json:"steps"`
	// Seconds is the wall-clock training time in seconds; it varies from
	// run to run.
	Seconds float64 `json:"seconds"`
	// Seed is the seed of the run's random source.
	Seed uint64 `json:"seed"`
	// BestValidationNLL is the lowest mean validation NLL seen, in nats per
	// row in the original units of y; nil (json null) without validation
	// data.
	BestValidationNLL *float64 `json:"best_validation_nll"`
	// FinalTrainLoss is the mean training-batch NLL of the last step, in
	// nats per row in the original units of y (like BestValidationNLL).
	FinalTrainLoss float64 `json:"final_train_loss"`
	// Config is the base name of the training config file ("" if none).
	Config string `json:"config"`
	// Created is the UTC time the model was written, RFC 3339; "" (and
	// omitted from the file) when not recorded.
	Created string `json:"created,omitempty"`
}

// New returns a Model of the weights for spec (as arch.Array, e.g. from
// graph.Weights.Arrays), with copies of the names, the scaler and the
// weights. It returns an error if the parts do not fit together (see
// Validate); the arrays must have the shapes spec implies.
func New(spec arch.Spec, weights []arch.Array, xNames, yNames []string, sc data.Scaler, sum Summary) (*Model, error) {
	return NewEnsemble(spec, [][]arch.Array{weights}, xNames, yNames, []data.Scaler{sc}, sum)
}

// NewEnsemble is New for an ensemble of len(ws) networks of spec, member i
// with weights ws[i] and scaler scs[i].
func NewEnsemble(spec arch.Spec, ws [][]arch.Array, xNames, yNames []string, scs []data.Scaler, sum Summary) (*Model, error) {
	if len(ws) == 0 || len(ws) != len(scs) {
		return nil, fmt.Errorf("model: new: %d sets of weights and %d scalers, want the same number ≥ 1", len(ws), len(scs))
	}
	weights, sc := ws[0], scs[0]
	m := &Model{
		Format:  Format,
		Version: FormatVersion,
		Spec:    cloneSpec(spec),
		XNames:  append([]string(nil), xNames...),
		YNames:  append([]string(nil), yNames...),
		Scaler: data.Scaler{
			XMean: append([]float64(nil), sc.XMean...),
			XStd:  append([]float64(nil), sc.XStd...),
			YMean: append([]float64(nil), sc.YMean...),
			YStd:  append([]float64(nil), sc.YStd...),
		},
		Arrays:   cloneArrays(weights),
		Training: sum,
	}
	if sum.BestValidationNLL != nil {
		v := *sum.BestValidationNLL
		m.Training.BestValidationNLL = &v
	}
	for i := 1; i < len(ws); i++ {
		m.Ensemble = append(m.Ensemble, Member{Scaler: cloneScaler(scs[i]), Arrays: cloneArrays(ws[i])})
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("model: new: %w", err)
	}
	return m, nil
}

func cloneSpec(s arch.Spec) arch.Spec { return s.Clone() }

func cloneScaler(sc data.Scaler) data.Scaler {
	return data.Scaler{
		XMean: slices.Clone(sc.XMean),
		XStd:  slices.Clone(sc.XStd),
		YMean: slices.Clone(sc.YMean),
		YStd:  slices.Clone(sc.YStd),
	}
}

func cloneArrays(as []arch.Array) []arch.Array {
	out := make([]arch.Array, len(as))
	for i, a := range as {
		out[i] = arch.Array{Name: a.Name, Shape: slices.Clone(a.Shape), Data: slices.Clone(a.Data)}
	}
	return out
}

// Validate reports the first problem with m: a format or version other
// than "mdn-model" and FormatVersion, an invalid Spec, names that do not
// match Spec.In and Spec.Out (or are empty or repeated), a scaler of the
// wrong size or with a non-finite mean or a std that is not finite and
// > 0, weights that are missing, unknown, of the wrong shape or not
// finite, and summary numbers that are not finite.
func (m *Model) Validate() error {
	if m.Format != Format {
		return fmt.Errorf("not an mdn model (format %q, want %q)", m.Format, Format)
	}
	if m.Version < MinFormatVersion || m.Version > CalibratedVersion {
		return fmt.Errorf("unsupported format version %d (this mdn reads %d to %d)", m.Version, MinFormatVersion, CalibratedVersion)
	}
	if err := m.Spec.Validate(); err != nil {
		return fmt.Errorf("spec: %w", err)
	}
	if err := checkNames("x_names", m.XNames, m.Spec.In, "dim_in"); err != nil {
		return err
	}
	if err := checkNames("y_names", m.YNames, m.Spec.Out, "dim_out"); err != nil {
		return err
	}
	if err := m.Scaler.Validate(m.Spec.In, m.Spec.Out); err != nil {
		return err
	}
	if err := arch.CheckArrays(m.Spec, m.Arrays); err != nil {
		return err
	}
	if err := m.checkEncoding(); err != nil {
		return err
	}
	if err := m.checkCalibration(); err != nil {
		return err
	}
	if len(m.Ensemble) > 0 && m.Version < 2 {
		return fmt.Errorf("ensemble: needs format version 2, the file is version %d", m.Version)
	}
	if m.Members() > MaxMembers {
		return fmt.Errorf("ensemble: %d members, at most %d", m.Members(), MaxMembers)
	}
	for i, e := range m.Ensemble {
		if err := e.Scaler.Validate(m.Spec.In, m.Spec.Out); err != nil {
			return fmt.Errorf("ensemble[%d]: %w", i, err)
		}
		if err := arch.CheckArrays(m.Spec, e.Arrays); err != nil {
			return fmt.Errorf("ensemble[%d]: %w", i, err)
		}
	}
	return m.Training.validate()
}

// checkEncoding checks that the encoding fits the inputs.
func (m *Model) checkEncoding() error {
	e := m.Encoding
	if e == nil {
		return nil
	}
	if m.Version < 2 {
		return fmt.Errorf("encoding: needs format version 2, the file has %d", m.Version)
	}
	if err := e.Validate(); err != nil {
		return err
	}
	names := e.Names()
	if len(names) != len(m.XNames) {
		return fmt.Errorf("encoding: makes %d inputs, x_names has %d", len(names), len(m.XNames))
	}
	for i, n := range names {
		if n != m.XNames[i] {
			return fmt.Errorf("encoding: input %d is %q, x_names[%d] is %q", i, n, i, m.XNames[i])
		}
	}
	return nil
}

// SetEncoding stores a copy of s as m's encoding (nil when s is trivial:
// each input one number column with the default policies) and validates m.
func (m *Model) SetEncoding(s *encode.Schema) error {
	if s == nil || s.Trivial() {
		m.Encoding = nil
	} else {
		m.Encoding = s.Clone()
	}
	if err := m.Validate(); err != nil {
		m.Encoding = nil
		return fmt.Errorf("model: %w", err)
	}
	return nil
}

// Schema returns the encoding of m's covariate columns: Encoding, or for a
// model without one, the numeric schema of XNames (encode.Numeric). The
// result is m's own when it has an Encoding; do not change it.
func (m *Model) Schema() *encode.Schema {
	if m.Encoding != nil {
		return m.Encoding
	}
	return encode.Numeric(m.XNames)
}

// Columns returns the names of the covariate columns a CSV file needs for
// m (the raw columns before encoding; XNames when there is no encoding).
func (m *Model) Columns() []string { return m.Schema().ColumnNames() }

func checkNames(field string, names []string, want int, dim string) error {
	if len(names) != want {
		return fmt.Errorf("%s: has %d names, spec.%s is %d", field, len(names), dim, want)
	}
	seen := make(map[string]bool, len(names))
	for i, n := range names {
		if n == "" {
			return fmt.Errorf("%s[%d]: empty name", field, i)
		}
		if seen[n] {
			return fmt.Errorf("%s[%d]: %q given twice", field, i, n)
		}
		seen[n] = true
	}
	return nil
}

func (s Summary) validate() error {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case s.Steps < 0:
		return fmt.Errorf("training.steps: must be ≥ 0, got %d", s.Steps)
	case !finite(s.Seconds) || s.Seconds < 0:
		return fmt.Errorf("training.seconds: must be finite and ≥ 0, got %v", s.Seconds)
	case s.BestValidationNLL != nil && !finite(*s.BestValidationNLL):
		return fmt.Errorf("training.best_validation_nll: must be finite or null, got %v", *s.BestValidationNLL)
	case !finite(s.FinalTrainLoss):
		return fmt.Errorf("training.final_train_loss: must be finite, got %v", s.FinalTrainLoss)
	}
	if s.Created != "" {
		if _, err := time.Parse(time.RFC3339, s.Created); err != nil {
			return fmt.Errorf("training.created: want an RFC 3339 time, got %q", s.Created)
		}
	}
	return nil
}
