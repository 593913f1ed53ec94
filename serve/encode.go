package serve

import "encoding/json"

// The result rows are written by predict.Encoder and predict.JSON, the
// writer of mdn predict --json; this file has the error body.

// errorBody returns {"error": msg} and a newline.
func errorBody(msg string) []byte {
	b, _ := json.Marshal(struct {
		Error string `json:"error"`
	}{msg})
	return append(b, '\n')
}
