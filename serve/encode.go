package serve

import (
	"encoding/json"
	"errors"
)

// The result rows are written by predict.Encoder and predict.JSON, the
// writer of mdn predict --json; this file has the error body.

// errNonFinite: a value to encode is NaN or ±Inf, which JSON cannot hold
// (json.Marshal fails on it too).
var errNonFinite = errors.New("a result is not a finite number")

// errorBody returns {"error": msg} and a newline.
func errorBody(msg string) []byte {
	b, _ := json.Marshal(struct {
		Error string `json:"error"`
	}{msg})
	return append(b, '\n')
}
