package predict

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/encode"
	"github.com/mdn-go/mdn/model"
	"gonum.org/v1/gonum/stat"
)

// ensembleFixture is a model of three members (8 → 2, K = 3, skip; see
// model/testdata/README.md) and the covariates of its 20 fixture rows.
func ensembleFixture(t *testing.T) (*model.Model, [][]float64) {
	t.Helper()
	m, err := model.Load("../model/testdata/ensemble3-skip.json")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../model/testdata/ensemble3-skip-rows.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd, err := encode.NewReader(f, "rows.csv", m.Schema())
	if err != nil {
		t.Fatal(err)
	}
	var xs [][]float64
	for {
		x, err := rd.Next(nil)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		xs = append(xs, x)
	}
	return m, xs
}

// chunkOf is a Chunk of the rows xs, row i on line 2+i.
func chunkOf(xs [][]float64) *Chunk {
	c := &Chunk{N: len(xs)}
	for i, x := range xs {
		c.X = append(c.X, x...)
		c.Lines = append(c.Lines, 2+i)
	}
	return c
}

// TestMemberDrawsDistribution: draws made by choosing a member uniformly
// and then drawing from its mixture follow the ensemble's mixture of M·K
// components. For one x, n = 4096·5 draws of each way (independent seeds)
// are compared per response: a two-sample Kolmogorov–Smirnov distance
// below the α = 1e-4 critical value c(α)·√(2/n), c(α) = √(−ln(α/2)/2);
// the sample mean within 5 standard errors √(Var/n) of the mixture's
// exact mean Σ_k π_k μ_k; and each member chosen n/M ± 5√(n·(1/M)(1−1/M))
// times. Drawing from member 0 alone is far from the ensemble at this x
// (KS distance above the bound), so the KS check can fail.
func TestMemberDrawsDistribution(t *testing.T) {
	m, xs := ensembleFixture(t)
	M, D := m.Members(), m.Spec.Out
	x := xs[0]
	rows := make([][]float64, ChunkRows)
	for i := range rows {
		rows[i] = x
	}
	const S = 5
	n := ChunkRows * S
	c := chunkOf(rows)
	md := NewMembers(m).Draws(S, "x.csv")
	rng := rand.New(rand.NewPCG(1, 0))
	if err := md.Choose(c, rng); err != nil {
		t.Fatal(err)
	}
	got := make([][]float64, D) // per response, the member-first draws
	count := make([]int, M)
	y := make([]float64, D)
	for i := range c.N {
		for s := range S {
			count[md.Member(i, s)]++
			md.Mixture(i, s).Sample(rng, y)
			for j, v := range y {
				got[j] = append(got[j], v)
			}
		}
	}

	full, err := m.Predictor(1).Predict(x, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	mix := &full[0]
	one, err := m.Member(0).Predictor(1).Predict(x, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, only0 := make([][]float64, D), make([][]float64, D)
	rng = rand.New(rand.NewPCG(2, 0))
	for range n {
		mix.Sample(rng, y)
		for j, v := range y {
			want[j] = append(want[j], v)
		}
		one[0].Sample(rng, y)
		for j, v := range y {
			only0[j] = append(only0[j], v)
		}
	}

	p := 1 / float64(M)
	sd := math.Sqrt(float64(n) * p * (1 - p))
	for k, got := range count {
		if math.Abs(float64(got)-float64(n)*p) > 5*sd {
			t.Errorf("member %d: chosen %d times of %d, want %v ± %.0f", k, got, n, float64(n)*p, 5*sd)
		}
	}
	alpha := 1e-4
	bound := math.Sqrt(-math.Log(alpha/2)/2) * math.Sqrt(2/float64(n))
	for j := range D {
		for _, v := range [][]float64{got[j], want[j], only0[j]} {
			slices.Sort(v)
		}
		if ks := stat.KolmogorovSmirnov(got[j], nil, want[j], nil); ks > bound {
			t.Errorf("y%d: KS distance member-first vs whole mixture %.4f, want ≤ %.4f", j+1, ks, bound)
		}
		if ks := stat.KolmogorovSmirnov(only0[j], nil, want[j], nil); ks <= bound {
			t.Errorf("y%d: KS distance member 0 alone vs whole mixture %.4f, want > %.4f (the check could not fail)", j+1, ks, bound)
		}
		// The mixture's mean and variance: Σ π μ, Σ π (σ² + μ²) − mean².
		var mean, m2 float64
		for k := range mix.K {
			w := math.Exp(mix.LogWeights[k])
			mu, sg := mix.Means[k*D+j], mix.Chol[k*D*D+j*D+j]
			mean += w * mu
			m2 += w * (sg*sg + mu*mu)
		}
		se := math.Sqrt((m2 - mean*mean) / float64(n))
		if g := stat.Mean(got[j], nil); math.Abs(g-mean) > 5*se {
			t.Errorf("y%d: mean of the draws %v, want %v ± %v (5 standard errors)", j+1, g, mean, 5*se)
		}
	}
}

// TestMemberDrawsMixtures: the mixture of each draw is its chosen member's
// own prediction for the row (model.Model.Member), to 1e-12 relative (the
// rows of a member are predicted together, the reference one by one).
func TestMemberDrawsMixtures(t *testing.T) {
	m, xs := ensembleFixture(t)
	const S = 3
	c := chunkOf(xs)
	md := NewMembers(m).Draws(S, "x.csv")
	if err := md.Choose(c, rand.New(rand.NewPCG(3, 0))); err != nil {
		t.Fatal(err)
	}
	var ps []*model.Predictor
	for k := range m.Members() {
		ps = append(ps, m.Member(k).Predictor(1))
	}
	close := func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }
	for i, x := range xs {
		for s := range S {
			k := md.Member(i, s)
			want, err := ps[k].Predict(x, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := md.Mixture(i, s)
			if got.K != m.Spec.K {
				t.Fatalf("row %d, draw %d: %d components, want K = %d", i, s, got.K, m.Spec.K)
			}
			for _, pair := range [][2][]float64{{got.LogWeights, want[0].LogWeights}, {got.Means, want[0].Means}, {got.Chol, want[0].Chol}} {
				for q := range pair[1] {
					if !close(pair[0][q], pair[1][q]) {
						t.Fatalf("row %d, draw %d (member %d): got %v, want %v", i, s, k, pair[0], pair[1])
					}
				}
			}
		}
	}
}

// TestStreamInputsSameForWorkers: member-first sampling over StreamInputs,
// seeded per chunk, writes the same bytes with 1 and 4 workers and for the
// same seed, other bytes for another seed; the workers get no mixtures.
func TestStreamInputsSameForWorkers(t *testing.T) {
	m, xs := ensembleFixture(t)
	var b strings.Builder
	b.WriteString(strings.Join(m.XNames, ",") + "\n")
	for i := range 2*ChunkRows + 500 { // three chunks
		b.Write(data.AppendFloats(nil, true, xs[i%len(xs)]...))
		b.WriteString("\n")
	}
	run := func(seed uint64, workers int) string {
		rd, err := encode.NewReader(strings.NewReader(b.String()), "in.csv", m.Schema())
		if err != nil {
			t.Fatal(err)
		}
		members := NewMembers(m)
		newWorker := func() func(*Chunk) error {
			md := members.Draws(2, rd.Name())
			pcg := rand.NewPCG(0, 0)
			rng := rand.New(pcg)
			y := make([]float64, m.Spec.Out)
			return func(c *Chunk) error {
				if c.Mix != nil {
					return fmt.Errorf("chunk %d: got mixtures, want none", c.Seq)
				}
				pcg.Seed(seed, uint64(c.Seq))
				if err := md.Choose(c, rng); err != nil {
					return err
				}
				for i := range c.N {
					for s := range 2 {
						md.Mixture(i, s).Sample(rng, y)
						c.Out = data.AppendFloats(c.Out, false, y...)
						c.Out = append(c.Out, '\n')
					}
				}
				return nil
			}
		}
		var out bytes.Buffer
		if err := StreamInputs(context.Background(), m, rd, workers, newWorker, &out); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	one, four, again, other := run(7, 1), run(7, 4), run(7, 4), run(8, 4)
	if n := strings.Count(one, "\n"); n != 2*(2*ChunkRows+500) {
		t.Fatalf("got %d lines, want %d", n, 2*(2*ChunkRows+500))
	}
	if one != four {
		t.Errorf("1 and 4 workers: outputs differ")
	}
	if four != again {
		t.Errorf("same seed: outputs differ")
	}
	if four == other {
		t.Errorf("seeds 7 and 8: equal outputs, want different draws")
	}
}

// TestMemberDrawsError: a chosen member whose means overflow is an error
// naming the input, the first line where it was chosen, and the member.
func TestMemberDrawsError(t *testing.T) {
	m, xs := ensembleFixture(t)
	// Member 2's y1 means YMean + YStd·μ overflow for any μ > 0 (and every
	// row has a component with μ > 0: checked below by the full mixture).
	m.Ensemble[1].Scaler.YMean[0], m.Ensemble[1].Scaler.YStd[0] = math.MaxFloat64, math.MaxFloat64
	c := chunkOf(xs)
	md := NewMembers(m).Draws(1, "in.csv")
	err := md.Choose(c, rand.New(rand.NewPCG(1, 0)))
	first := -1
	for i := range c.N {
		if md.Member(i, 0) == 2 {
			first = i
			break
		}
	}
	if first < 0 {
		t.Fatal("member 2 not chosen for any of the 20 rows; choose another seed")
	}
	// The whole mixture fails on every row, by member 2.
	for i, x := range xs {
		if _, err := m.Predictor(1).Predict(x, 1, nil); err == nil || !strings.Contains(err.Error(), "ensemble member 2: mean of component") {
			t.Fatalf("row %d: full mixture: got %v, want member 2's mean to overflow", i, err)
		}
	}
	want := fmt.Sprintf("in.csv: line %d: model output: ensemble member 2: mean of component ", c.Lines[first])
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got %v, want %q…", err, want)
	}
	// ChooseRows, from the same seed: a *MemberError naming the row.
	err = md.ChooseRows(c.X, c.N, 1, rand.New(rand.NewPCG(1, 0)))
	me, ok := errors.AsType[*MemberError](err)
	if !ok || me.Row != first || me.Member != 2 || !strings.HasPrefix(me.Err.Error(), "mean of component ") {
		t.Errorf("ChooseRows: got %#v (%v), want row %d, member 2, mean of component …", me, err, first)
	}
}

// TestMemberDrawsBatchBits: the mixtures of a member's rows are, bit for
// bit, those its Predictor gives for the same rows with a batch of
// ChunkRows (the batch of every member before its Predictors grew from
// firstBatch), for a chunk of 20 rows (each member under firstBatch), of
// 300 (over it, under 256 per pass) and of ChunkRows; and ChooseRows gives
// Choose's members and mixtures.
func TestMemberDrawsBatchBits(t *testing.T) {
	m, xs := ensembleFixture(t)
	members := NewMembers(m)
	var ref []*model.Predictor
	for k := range m.Members() {
		ref = append(ref, m.Member(k).Predictor(ChunkRows))
	}
	same := func(a, b []float64) bool {
		return len(a) == len(b) && slices.EqualFunc(a, b, func(u, v float64) bool { return math.Float64bits(u) == math.Float64bits(v) })
	}
	for _, n := range []int{20, 300, ChunkRows} {
		rows := make([][]float64, n)
		for i := range rows {
			rows[i] = xs[(i*7)%len(xs)]
		}
		c := chunkOf(rows)
		const S = 2
		md := members.Draws(S, "x.csv")
		if err := md.Choose(c, rand.New(rand.NewPCG(5, uint64(n)))); err != nil {
			t.Fatal(err)
		}
		for k := range m.Members() {
			// The rows that chose member k, each once, in order.
			var x []float64
			var at [][2]int // (row, draw) of the first draw of each
			for i := range n {
				for s := range S {
					if md.Member(i, s) == k {
						x = append(x, rows[i]...)
						at = append(at, [2]int{i, s})
						break
					}
				}
			}
			want, err := ref[k].Predict(x, len(at), nil)
			if err != nil {
				t.Fatal(err)
			}
			for q, a := range at {
				got := md.Mixture(a[0], a[1])
				if !same(got.LogWeights, want[q].LogWeights) || !same(got.Means, want[q].Means) || !same(got.Chol, want[q].Chol) {
					t.Fatalf("%d rows, member %d, row %d: mixture differs from a batch of ChunkRows", n, k, a[0])
				}
			}
		}
		// ChooseRows from the same seed: the same members, the same mixtures.
		md2 := members.Draws(1, "")
		if err := md2.ChooseRows(c.X, n, S, rand.New(rand.NewPCG(5, uint64(n)))); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			for s := range S {
				a, b := md.Mixture(i, s), md2.Mixture(i, s)
				if md.Member(i, s) != md2.Member(i, s) || !same(a.Means, b.Means) || !same(a.Chol, b.Chol) {
					t.Fatalf("%d rows, row %d, draw %d: ChooseRows differs from Choose", n, i, s)
				}
			}
		}
	}
}

// TestMemberFirst: member-first draws exactly for an ensemble at
// temperature 1 with at most MaxMemberDraws draws per row.
func TestMemberFirst(t *testing.T) {
	ens, _ := ensembleFixture(t)
	one := ens.Member(0)
	for _, c := range []struct {
		m     *model.Model
		temp  float64
		draws int
		want  bool
	}{
		{ens, 1, 1, true}, {ens, 1, MaxMemberDraws, true}, {ens, 1, MaxMemberDraws + 1, false},
		{ens, 0.5, 1, false}, {ens, 1.0000001, 1, false}, {one, 1, 1, false},
	} {
		if got := MemberFirst(c.m, c.temp, c.draws); got != c.want {
			t.Errorf("%d members, temperature %v, %d draws: got %v, want %v", c.m.Members(), c.temp, c.draws, got, c.want)
		}
	}
}
