package mixture

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestNewErrors(t *testing.T) {
	ninf := math.Inf(-1)
	eye2 := []float64{1, 0, 0, 1}
	tests := []struct {
		name         string
		lw, mu, chol []float64
		k, d         int
		want         string
	}{
		{"k zero", nil, nil, nil, 0, 1, "mixture: new: K: must be >= 1, got 0"},
		{"d zero", []float64{0}, nil, nil, 1, 0, "mixture: new: D: must be >= 1, got 0"},
		{"weights len", []float64{0, 0}, []float64{0, 0}, eye2, 1, 2, "mixture: new: len(LogWeights) = 2, want K = 1"},
		{"means len", []float64{0}, []float64{0}, eye2, 1, 2, "mixture: new: len(Means) = 1, want K*D = 2"},
		{"chol len", []float64{0}, []float64{0, 0}, []float64{1, 0, 1}, 1, 2, "mixture: new: len(Chol) = 3, want K*D*D = 4"},
		{"nan weight", []float64{math.NaN()}, []float64{0}, []float64{1}, 1, 1, "mixture: new: LogWeights[0]: must be finite or -Inf, got NaN"},
		{"inf weight", []float64{0, math.Inf(1)}, []float64{0, 0}, []float64{1, 1}, 2, 1, "mixture: new: LogWeights[1]: must be finite or -Inf, got +Inf"},
		{"all -inf", []float64{ninf, ninf}, []float64{0, 0}, []float64{1, 1}, 2, 1, "mixture: new: LogWeights: all are -Inf, want at least one finite"},
		{"inf mean", []float64{0}, []float64{0, math.Inf(1)}, eye2, 1, 2, "mixture: new: Means[1] (component 0, dimension 1): must be finite, got +Inf"},
		{"upper", []float64{0}, []float64{0, 0}, []float64{1, 0.5, 0, 1}, 1, 2, "mixture: new: Chol (component 0, row 0, column 1): must be 0 above the diagonal, got 0.5"},
		{"zero diag", []float64{0, 0}, []float64{0, 0}, []float64{1, 0}, 2, 1, "mixture: new: Chol (component 1, row 0, column 0): diagonal must be > 0, got 0"},
		{"neg diag", []float64{0}, []float64{0, 0}, []float64{1, 0, 0.3, -1}, 1, 2, "mixture: new: Chol (component 0, row 1, column 1): diagonal must be > 0, got -1"},
		{"nan chol", []float64{0}, []float64{0, 0}, []float64{1, 0, math.NaN(), 1}, 1, 2, "mixture: new: Chol (component 0, row 1, column 0): must be finite, got NaN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := New(tt.lw, tt.mu, tt.chol, tt.k, tt.d)
			if err == nil {
				t.Fatalf("got mixture %+v, want error %q", m, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("got %q, want %q", err.Error(), tt.want)
			}
		})
	}
}

func TestNewDiagonalErrors(t *testing.T) {
	tests := []struct {
		name   string
		sigmas []float64
		want   string
	}{
		{"len", []float64{1}, "mixture: new diagonal: len(sigmas) = 1, want K*D = 2"},
		{"zero", []float64{1, 0}, "mixture: new diagonal: sigmas[1] (component 0, dimension 1): must be finite and > 0, got 0"},
		{"inf", []float64{math.Inf(1), 1}, "mixture: new diagonal: sigmas[0] (component 0, dimension 0): must be finite and > 0, got +Inf"},
		{"nan", []float64{1, math.NaN()}, "mixture: new diagonal: sigmas[1] (component 0, dimension 1): must be finite and > 0, got NaN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewDiagonal([]float64{0}, []float64{0, 0}, tt.sigmas, 1, 2)
			if err == nil || err.Error() != tt.want {
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
}

func TestNewNormalizesAndCopies(t *testing.T) {
	// Log weights {1000, 1000 + log 3} are the weights {1, 3} up to a factor,
	// so π = {1/4, 3/4}; a naive exp would overflow.
	lw := []float64{1000, 1000 + math.Log(3)}
	mu := []float64{-1, 2}
	chol := []float64{1, 2}
	m, err := New(lw, mu, chol, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	got := m.Weights(nil)
	// The input holds log 3 only to the precision of 1000 + log 3; r is the
	// log ratio it really holds (the subtraction is exact, Sterbenz).
	r := lw[1] - lw[0]
	want := []float64{1 / (1 + math.Exp(r)), math.Exp(r) / (1 + math.Exp(r))}
	for k := range want {
		if math.Abs(got[k]-want[k]) > 1e-15 {
			t.Errorf("π_%d: got %v, want %v", k, got[k], want[k])
		}
	}
	if lse := logSumExp(m.LogWeights); math.Abs(lse) > 1e-15 {
		t.Errorf("logsumexp of normalized log weights: got %v, want 0", lse)
	}
	if lw[0] != 1000 {
		t.Errorf("New modified its input: logWeights[0] got %v, want 1000", lw[0])
	}
	mu[0], chol[0] = 99, 99
	if m.Means[0] != -1 || m.Chol[0] != 1 {
		t.Errorf("New aliases its inputs: got Means[0] %v Chol[0] %v, want -1 and 1", m.Means[0], m.Chol[0])
	}
	if err := m.Validate(); err != nil {
		t.Errorf("Validate of New's result: got %v, want nil", err)
	}
}

func TestValidate(t *testing.T) {
	// A literal over existing slices: π = {0.5, 0.5}.
	ok := &Mixture{K: 2, D: 1, LogWeights: []float64{math.Log(0.5), math.Log(0.5)}, Means: []float64{0, 1}, Chol: []float64{1, 1}}
	if err := ok.Validate(); err != nil {
		t.Errorf("valid literal: got %v, want nil", err)
	}
	bad := &Mixture{K: 2, D: 1, LogWeights: []float64{0, 0}, Means: []float64{0, 1}, Chol: []float64{1, 1}}
	// logsumexp(0, 0) = log 2.
	want := "mixture: LogWeights: must be normalized (logsumexp 0), got logsumexp 0.6931471805599453"
	if err := bad.Validate(); err == nil || err.Error() != want {
		t.Errorf("unnormalized literal: got %v, want %q", err, want)
	}
	short := &Mixture{K: 2, D: 1, LogWeights: []float64{0}, Means: []float64{0, 1}, Chol: []float64{1, 1}}
	want = "mixture: len(LogWeights) = 1, want K = 2"
	if err := short.Validate(); err == nil || err.Error() != want {
		t.Errorf("short literal: got %v, want %q", err, want)
	}
}

func TestSigma(t *testing.T) {
	// L = [[2, 0], [1, 3]]: L Lᵀ = [[4, 2], [2, 1+9]] by hand.
	m, err := New([]float64{0}, []float64{0, 0}, []float64{2, 0, 1, 3}, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	got := m.Sigma(0, nil)
	want := []float64{4, 2, 2, 10}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestMeanCov1D(t *testing.T) {
	// 0.25 N(-1, 1) + 0.75 N(3, 4): mean = -0.25 + 2.25 = 2,
	// E[y²] = 0.25 (1 + 1) + 0.75 (4 + 9) = 10.25, variance = 10.25 − 4 = 6.25.
	m := mustDiag(t, []float64{0.25, 0.75}, []float64{-1, 3}, []float64{1, 2}, 1)
	if got := m.Mean(nil)[0]; math.Abs(got-2) > 1e-15 {
		t.Errorf("mean: got %v, want 2", got)
	}
	if got := m.Cov(nil)[0]; math.Abs(got-6.25) > 1e-14 {
		t.Errorf("variance: got %v, want 6.25", got)
	}
}

func TestCovMatchesUncentredForm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, d := range []int{1, 2, 3} {
		for _, k := range []int{1, 3, 5} {
			m := randomMixture(t, rng, k, d)
			mean := m.Mean(nil)
			// Independent computation: Σ_k π_k (Σ_k + μ_k μ_kᵀ) − mean meanᵀ.
			want := make([]float64, d*d)
			w := m.Weights(nil)
			for c := 0; c < k; c++ {
				s := m.Sigma(c, nil)
				mu := m.Means[c*d : (c+1)*d]
				for i := 0; i < d; i++ {
					for j := 0; j < d; j++ {
						want[i*d+j] += w[c] * (s[i*d+j] + mu[i]*mu[j])
					}
				}
			}
			for i := 0; i < d; i++ {
				for j := 0; j < d; j++ {
					want[i*d+j] -= mean[i] * mean[j]
				}
			}
			got := m.Cov(nil)
			for i := range got {
				if math.Abs(got[i]-want[i]) > 1e-12*math.Max(1, math.Abs(want[i])) {
					t.Errorf("D=%d K=%d Cov[%d]: got %v, want %v", d, k, i, got[i], want[i])
				}
			}
			for i := 0; i < d; i++ {
				for j := 0; j < d; j++ {
					if got[i*d+j] != got[j*d+i] {
						t.Errorf("D=%d K=%d Cov not symmetric at (%d,%d): got %v and %v", d, k, i, j, got[i*d+j], got[j*d+i])
					}
				}
			}
		}
	}
}

func TestMarginal(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	m := randomMixture(t, rng, 4, 3)
	cov := m.Cov(nil)
	mean := m.Mean(nil)
	for j := 0; j < 3; j++ {
		mj := m.Marginal(j)
		if err := mj.Validate(); err != nil {
			t.Fatalf("marginal %d: %v", j, err)
		}
		for k := 0; k < m.K; k++ {
			// σ_kj² is the diagonal entry Σ_k[j][j] of L_k L_kᵀ.
			want := m.Sigma(k, nil)[j*3+j]
			if got := mj.Chol[k] * mj.Chol[k]; math.Abs(got-want) > 1e-14*want {
				t.Errorf("dim %d comp %d σ²: got %v, want %v", j, k, got, want)
			}
			if got, want := mj.Means[k], m.Means[k*3+j]; got != want {
				t.Errorf("dim %d comp %d mean: got %v, want %v", j, k, got, want)
			}
		}
		// The moments of a marginal are the matching entries of the joint's.
		if got := mj.Mean(nil)[0]; math.Abs(got-mean[j]) > 1e-14 {
			t.Errorf("dim %d mean: got %v, want %v", j, got, mean[j])
		}
		if got := mj.Cov(nil)[0]; math.Abs(got-cov[j*3+j]) > 1e-13 {
			t.Errorf("dim %d variance: got %v, want %v", j, got, cov[j*3+j])
		}
	}
}

func TestWithTemperature(t *testing.T) {
	m := mustDiag(t, []float64{0.2, 0.8}, []float64{0, 5}, []float64{1, 2}, 1)
	tests := []struct {
		name   string
		temp   float64
		wantW  []float64
		wantSd []float64
	}{
		// t = 1 is the identity.
		{"one", 1, []float64{0.2, 0.8}, []float64{1, 2}},
		// t = 2: π' ∝ π^½ = {√0.2, 2√0.2} → {1/3, 2/3}; σ' = √2 σ.
		{"two", 2, []float64{1.0 / 3, 2.0 / 3}, []float64{math.Sqrt2, 2 * math.Sqrt2}},
		// t = 1/2: π' ∝ π² = {0.04, 0.64} → {1/17, 16/17}; σ' = σ/√2.
		{"half", 0.5, []float64{1.0 / 17, 16.0 / 17}, []float64{1 / math.Sqrt2, 2 / math.Sqrt2}},
		// t → 0: all weight on the heaviest component (0.2/0.8)^(1/t) underflows.
		{"tiny", 1e-300, []float64{0, 1}, []float64{1e-150, 2e-150}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := m.WithTemperature(tt.temp)
			if err := got.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			w := got.Weights(nil)
			for k := range w {
				if math.Abs(w[k]-tt.wantW[k]) > 1e-15 {
					t.Errorf("π_%d: got %v, want %v", k, w[k], tt.wantW[k])
				}
				if relErr(got.Chol[k], tt.wantSd[k]) > 1e-15 {
					t.Errorf("σ_%d: got %v, want %v", k, got.Chol[k], tt.wantSd[k])
				}
			}
			if !slices.Equal(got.Means, m.Means) {
				t.Errorf("means: got %v, want %v", got.Means, m.Means)
			}
		})
	}
	if m.Chol[0] != 1 || math.Abs(math.Exp(m.LogWeights[0])-0.2) > 1e-15 {
		t.Errorf("WithTemperature modified its receiver: got %+v", m)
	}
}

func TestCheckTemperature(t *testing.T) {
	for _, tt := range []struct {
		temp float64
		want string
	}{
		{0, "mixture: temperature: must be finite and > 0, got 0"},
		{-1, "mixture: temperature: must be finite and > 0, got -1"},
		{math.NaN(), "mixture: temperature: must be finite and > 0, got NaN"},
		{math.Inf(1), "mixture: temperature: must be finite and > 0, got +Inf"},
		{0.7, ""},
	} {
		err := CheckTemperature(tt.temp)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("CheckTemperature(%v): got %q, want %q", tt.temp, got, tt.want)
		}
	}
}
