package config

import (
	"bytes"
	"testing"
)

// FuzzDecode: no input may panic; an accepted config validates.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"data: {train: a.csv, x: [x], y: [y]}\n",
		"data: {train: a.csv, x: [x], y: [y]}\nmodel: {components: 0}\n",
		"train: {steps: abc}\n", "model:\n  hidden: []\n", "---\na: 1\n---\nb: 2\n", "", "[1, 2]", "data: !!binary xx",
		"model: {noise: fixed}\n", "train: {batchsize: 3}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Decode(bytes.NewReader(b), "fuzz.yaml", "")
		if err != nil {
			return
		}
		if c.Model.Components < 1 || len(c.Model.Hidden) == 0 || !(c.Train.LR > 0) {
			t.Fatalf("accepted invalid config %q: %+v", b, c)
		}
	})
}
