// Package arch is the Gorgonia-free core of an MDN: its architecture
// ([Spec]), the named choices of a config and a model file (one type, one
// list of values and one validation each: [Activation], [Noise],
// [Transform], [DType], [Init], [Schedule], [OnNaN]), the parameters as
// plain named arrays ([Array], [CheckArrays]), and the row-level formulas
// that the graph, the pure-Go predictor and the tests share: the
// activations ([Activate], [ActivationGrad]) and the log-softmax
// ([LogSoftmax], [SoftmaxLSE]).
//
// Package graph builds the differentiable network from a Spec with
// Gorgonia; packages config, model, predict and mixture use this package
// without linking Gorgonia.
package arch
