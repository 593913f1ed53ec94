package train

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

// FuzzReadHistory: no history file may panic the reader (mdn plot --kind
// history reads any file it is given); an accepted one has finite,
// non-negative steps.
func FuzzReadHistory(f *testing.F) {
	for _, s := range []string{
		"step,lr,train_loss,val_nll\n1,0.01,1.5,\n2,0.01,1.4,1.3\n", "step,train_loss,val_nll\n1,2,3\n",
		"", "step\n1\n", "step,lr,train_loss,val_nll\n1.5,0,0,0\n", "step,train_loss,val_nll\n\"1\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ReadHistory(bytes.NewReader(b), "fuzz.csv")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "data: read fuzz.csv: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if len(h) == 0 {
			t.Fatal("accepted a history with no rows")
		}
		for _, r := range h {
			if r.Step < 0 || math.IsInf(r.Loss, 0) || math.IsInf(r.ValNLL, 0) {
				t.Fatalf("accepted record %+v", r)
			}
		}
	})
}

// FuzzReadState: no checkpoint file may panic the reader (mdn train
// --resume DIR reads DIR/checkpoint.gob).
func FuzzReadState(f *testing.F) {
	var buf bytes.Buffer
	if err := WriteState(&buf, &State{Planned: 10, Step: 3, History: []Record{{Step: 1, Loss: 1}}}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte{})
	f.Add([]byte("not a gob"))
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := ReadState(bytes.NewReader(b))
		if err == nil && st == nil {
			t.Fatal("nil state without an error")
		}
	})
}
