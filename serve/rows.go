package serve

import (
	"context"
	"fmt"
	"net/http"

	"github.com/mdn-go/mdn/mixture"
	"github.com/mdn-go/mdn/predict"
)

// projectAfter is the number of rows after which eachRow projects the
// size of the whole answer.
const projectAfter = 256

// eachRow predicts the request's rows in chunks of SampleChunk rows (so
// that a request holds the mixtures of one chunk, not of all its rows) and
// calls row for each row in order with its mixture, which appends the
// row's answer to wk.out (eachRow writes the commas between rows). When
// chunk is not nil, eachRow calls it for each chunk (its first row c0 and
// its n rows) instead of predicting, and passes row the mixtures it
// returns (nil: row gets nil). It stops with an error when ctx ends (the
// client has gone) or wk.deadline (the write timeout) passes, checked
// before each chunk and every `every` rows, when the answer grows past
// MaxAnswerBytes (413) or the server's memory budget (503) or, projected
// from its first projectAfter rows, would pass twice MaxAnswerBytes (413),
// and when a row's answer holds a value that is not finite (400 naming the
// row: JSON has no Inf or NaN).
func (s *Server) eachRow(ctx context.Context, wk *worker, st *state, every int,
	chunk func(c0, n int) ([]mixture.Mixture, error), row func(i int, m *mixture.Mixture) error) error {
	req, out := &wk.req, &wk.out
	in := st.m.Spec.In
	for c0 := 0; c0 < req.rows; c0 += SampleChunk {
		if err := s.stop(ctx, wk.deadline); err != nil {
			return err
		}
		n := min(SampleChunk, req.rows-c0)
		var mix []mixture.Mixture
		var err error
		if chunk != nil {
			mix, err = chunk(c0, n)
		} else {
			mix, err = predictRows(wk, req.x[c0*in:(c0+n)*in], n, in, c0)
		}
		if err != nil {
			return err
		}
		for j := range n {
			i := c0 + j
			var m *mixture.Mixture
			if mix != nil {
				m = &mix[j]
			}
			if i%every == 0 {
				if err := s.stop(ctx, wk.deadline); err != nil {
					return err
				}
			}
			if i > 0 {
				out.Byte(',')
			}
			if err := row(i, m); err != nil {
				return err
			}
			if out.Bad() {
				return badRequest("rows[%d]: %v, which JSON cannot hold (the row is too far out for float64 arithmetic with this model)", i, predict.ErrNonFinite)
			}
			if int64(len(out.Buf)) > s.opts.MaxAnswerBytes {
				return &httpError{Status: http.StatusRequestEntityTooLarge,
					Msg: fmt.Sprintf("the answer is larger than %d bytes (the server's answer limit) by rows[%d] of %d; send fewer rows",
						s.opts.MaxAnswerBytes, i, req.rows)}
			}
			if i+1 == projectAfter {
				// Rows of one request are alike in size (modes vary a
				// little): refuse now what would pass the limit by far.
				if est := int64(len(out.Buf)) / projectAfter * int64(req.rows); est > 2*s.opts.MaxAnswerBytes {
					return &httpError{Status: http.StatusRequestEntityTooLarge,
						Msg: fmt.Sprintf("the answer would be about %d bytes (from its first %d rows), more than %d (the server's answer limit); send fewer rows",
							est, projectAfter, s.opts.MaxAnswerBytes)}
				}
			}
			if err := s.charge(&wk.ans, cap(out.Buf)); err != nil {
				return err
			}
		}
	}
	return nil
}
