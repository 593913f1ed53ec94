package predict

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/mdn-go/mdn/mixture"
	"github.com/mdn-go/mdn/model"
)

// MaxMemberDraws is the most draws per row for which MemberFirst chooses
// the member of each draw first: with more draws nearly every member of a
// row is chosen (M = 10, 64 draws: on average 10·0.9⁶⁴ ≈ 0.012 members
// are not), so the whole mixture costs no more.
const MaxMemberDraws = 64

// MemberFirst reports whether draws from m at the given temperature, draws
// of them per row, are made by choosing each draw's member first
// (MemberDraws) rather than from each row's whole mixture (Stream): for an
// ensemble at temperature 1 with at most MaxMemberDraws draws per row. A
// one-network model has nothing to skip, and tempering does not keep the
// members' shares equal. mdn sample and serve's /v1/sample both decide by
// it, so that they give the same draws.
func MemberFirst(m *model.Model, temperature float64, draws int) bool {
	return m.Members() > 1 && temperature == 1 && draws <= MaxMemberDraws
}

// Members is the networks of an ensemble model one by one, for ancestral
// sampling of its predictive distribution (MemberDraws): each member
// m = 0 … M−1 of the model (model.Model.Member) with its own Predictor,
// whose weights are stacked once by NewMembers and then only read, so
// that one Members serves any number of goroutines.
type Members struct {
	ps []*model.Predictor
	in int
}

// NewMembers returns the members of m, each with a Predictor of its own.
// If m is not valid, MemberDraws.Choose and ChooseRows return the reason.
func NewMembers(m *model.Model) *Members {
	ms := &Members{in: m.Spec.In}
	for i := range m.Members() {
		// Scratch for one row: the workers' Predictors (Draws) share these
		// weights and have their own.
		ms.ps = append(ms.ps, m.Member(i).Predictor(1))
	}
	return ms
}

// Draws returns a MemberDraws for the given number of draws per row (≥ 1)
// with scratch of its own (make one per goroutine); Choose's errors name
// the input name.
func (ms *Members) Draws(draws int, name string) *MemberDraws {
	d := &MemberDraws{in: ms.in, draws: max(1, draws), name: name}
	for _, p := range ms.ps {
		d.ps = append(d.ps, p.WithBatch(firstBatch))
	}
	m := len(ms.ps)
	d.pn, d.off, d.next, d.last, d.cur = make([]int, m), make([]int, m+1), make([]int, m), make([]int, m), make([]int32, m)
	for i := range d.pn {
		d.pn[i] = firstBatch
	}
	return d
}

// firstBatch is the batch of a MemberDraws' Predictors until a member is
// chosen for more rows of a chunk; its Predictor then grows to the next
// power of two, up to ChunkRows. A Predictor runs n rows in passes of
// min(batch, 256, a size set by the network's width) rows, so a batch of
// at least min(n, 256) runs them in the passes of a batch of ChunkRows,
// with the same bits, and a small request holds small scratch.
const firstBatch = 64

// MemberDraws chooses, for the draws of a chunk's rows, the ensemble
// member that each draw comes from, and predicts only the chosen members'
// mixtures. A draw from the equal-weight ensemble of M members,
//
//	p(y|x) = (1/M) Σ_m p_m(y|x),
//
// is a member m chosen uniformly from 0 … M−1 and then a draw from p_m(y|x)
// (ancestral sampling of the member): the same distribution as a draw from
// the ensemble's mixture of M·K components with weights π_mk/M, for the
// cost of the chosen members' networks only (one network a row for one
// draw a row, instead of M). Tempering (mixture.Mixture.WithTemperature)
// does not keep the members' shares equal, so a tempered draw needs the
// whole mixture (Stream).
//
// A MemberDraws is not safe for concurrent use; make one per goroutine
// with Members.Draws.
type MemberDraws struct {
	ps        []*model.Predictor // member m's Predictor, its own scratch
	pn        []int              // (M) the batch of ps[m]
	in, draws int
	name      string

	pick []int32           // (N·draws): the member of draw s of row i at i·draws+s
	at   []int32           // (N·draws): the index in mix of that draw's mixture
	row  []int32           // the chunk row of each mixture in mix
	x    []float64         // the rows of each mixture, member by member
	mix  []mixture.Mixture // member m's mixtures at off[m] … off[m+1]−1
	off  []int             // (M+1)
	next []int             // (M) the next free index of member m in mix
	last []int             // (M) the last row that chose member m
	cur  []int32           // (M) the index in mix of member m's mixture of that row
}

// Choose chooses the member of every draw of c's rows with rng, in row
// order and, within a row, in draw order (draw s of row i is the
// (i·draws + s)-th call rng.IntN(M)), then predicts, member by member,
// each member's mixture for the rows that chose it (once per row however
// many of its draws chose the member, all such rows in one Predict). The
// mixtures stay valid until the next Choose. If a chosen member's network
// fails on a row, the error names the row's line and the member (the first
// such line); a member that no draw of a row chose is not evaluated on it.
func (d *MemberDraws) Choose(c *Chunk, rng *rand.Rand) error {
	err := d.ChooseRows(c.X[:c.N*d.in], c.N, d.draws, rng)
	if me, ok := errors.AsType[*MemberError](err); ok {
		return fmt.Errorf("%s: line %d: model output: ensemble member %d: %w", d.name, c.Lines[me.Row], me.Member, me.Err)
	}
	return err
}

// ChooseRows is Choose for the n rows of x (n·In values, original units),
// for a caller without a Chunk (serve's /v1/sample), with draws draws per
// row (≥ 1), which Mixture, Member and later calls of Choose then use. If
// a chosen member's network fails on a row, the error is a *MemberError
// naming the first such row.
func (d *MemberDraws) ChooseRows(x []float64, n, draws int, rng *rand.Rand) error {
	d.draws = max(1, draws)
	M, S, ns := len(d.ps), d.draws, n*d.draws
	d.pick = grow(d.pick, ns)
	for p := range d.pick {
		d.pick[p] = int32(rng.IntN(M))
	}
	// Count each member's rows, a row once however many draws chose it.
	clear(d.off)
	for m := range d.last {
		d.last[m] = -1
	}
	for i := range n {
		for _, m := range d.pick[i*S : (i+1)*S] {
			if d.last[m] != i {
				d.last[m] = i
				d.off[m+1]++
			}
		}
	}
	for m := range M {
		d.off[m+1] += d.off[m]
	}
	total := d.off[M]
	copy(d.next, d.off[:M])
	for m := range d.last {
		d.last[m] = -1
	}
	d.at, d.row, d.x = grow(d.at, ns), grow(d.row, total), grow(d.x, total*d.in)
	for i := range n {
		for s, m := range d.pick[i*S : (i+1)*S] {
			if d.last[m] != i {
				j := d.next[m]
				d.next[m]++
				d.last[m], d.cur[m], d.row[j] = i, int32(j), int32(i)
				copy(d.x[j*d.in:(j+1)*d.in], x[i*d.in:(i+1)*d.in])
			}
			d.at[i*S+s] = d.cur[m]
		}
	}
	if len(d.mix) < total {
		d.mix = append(d.mix, make([]mixture.Mixture, total-len(d.mix))...)
	}
	var first *MemberError
	for m := range d.ps {
		lo, hi := d.off[m], d.off[m+1]
		if lo == hi {
			continue
		}
		if rows := hi - lo; rows > d.pn[m] && d.pn[m] < ChunkRows {
			b := d.pn[m]
			for b < rows && b < ChunkRows {
				b *= 2
			}
			d.pn[m] = min(b, ChunkRows)
			d.ps[m] = d.ps[m].WithBatch(d.pn[m]) // the same weights
		}
		_, bad, err := predictRows(d.ps[m], d.x[lo*d.in:hi*d.in], hi-lo, d.in, d.mix[lo:hi:hi])
		if err == nil {
			continue
		}
		if bad < 0 {
			return err
		}
		if r := int(d.row[lo+bad]); first == nil || r < first.Row {
			first = &MemberError{Row: r, Member: m, Err: err}
		}
	}
	if first != nil {
		return first
	}
	return nil
}

// MemberError is a chosen ensemble member's network failing on a row given
// to MemberDraws.ChooseRows (a mean that overflows, say).
type MemberError struct {
	Row    int   // the row's index among those given, from 0
	Member int   // the member, from 0
	Err    error // the reason, without a row
}

func (e *MemberError) Error() string {
	return fmt.Sprintf("row %d: model output: ensemble member %d: %v", e.Row, e.Member, e.Err)
}

func (e *MemberError) Unwrap() error { return e.Err }

// Mixture returns the mixture that draw s of row i of the last chunk
// given to Choose comes from: p_m(y|x_i) of the member m chosen for it, K
// components whose weights sum to 1.
func (d *MemberDraws) Mixture(i, s int) *mixture.Mixture {
	return &d.mix[d.at[i*d.draws+s]]
}

// Member returns the member chosen for draw s of row i of the last chunk
// given to Choose.
func (d *MemberDraws) Member(i, s int) int { return int(d.pick[i*d.draws+s]) }
