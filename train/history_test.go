package train

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func TestHistoryRoundTrip(t *testing.T) {
	h := []Record{{Step: 1, LR: 0.005, Loss: 1.25, ValNLL: math.NaN()}, {Step: 2, LR: 1e-3 / 3, Loss: -0.1, ValNLL: 0.75}}
	var b bytes.Buffer
	if err := WriteHistory(&b, h); err != nil {
		t.Fatal(err)
	}
	want := "step,lr,train_loss,val_nll\n1,0.005,1.25,\n2,0.0003333333333333333,-0.1,0.75\n"
	if b.String() != want {
		t.Fatalf("got %q, want %q", b.String(), want)
	}
	got, err := ReadHistory(&b, "h.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1] != h[1] || got[0].Step != 1 || got[0].LR != h[0].LR || !math.IsNaN(got[0].ValNLL) {
		t.Fatalf("got %+v, want %+v", got, h)
	}
}

func TestReadHistoryErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "data: read h.csv: no header row"},
		{"no column", "step,lr,val_nll\n1,1,1\n", `data: read h.csv: line 1, column "train_loss": no such column; columns are "step", "lr", "val_nll"`},
		{"no rows", "step,train_loss,val_nll\n", "data: read h.csv: no data rows"},
		{"bad number", "step,train_loss,val_nll\n1,abc,\n", `data: read h.csv: line 2, column "train_loss": not a number "abc"`},
		{"infinite loss", "step,train_loss,val_nll\n1,1,inf\n", `data: read h.csv: line 2, column "val_nll": not finite "inf"`},
		{"bad lr", "step,lr,train_loss,val_nll\n1,0.1,1,\n2,x,1,\n", `data: read h.csv: line 3, column "lr": not a number "x"`},
		{"fractional step", "step,train_loss,val_nll\n1.5,1,\n", `data: read h.csv: line 2, column "step": not a step number "1.5" (a whole number from 0 to 2147483647)`},
		{"empty step", "step,train_loss,val_nll\n,1,\n", `data: read h.csv: line 2, column "step": not a number ""`},
		{"Go hexadecimal float", "step,train_loss,val_nll\n1,0x1p3,\n", `data: read h.csv: line 2, column "train_loss": not a number "0x1p3"`},
		{"digit separators", "step,train_loss,val_nll\n1_000,1,\n", `data: read h.csv: line 2, column "step": not a number "1_000"`},
		{"ragged row", "step,train_loss,val_nll\n1,1\n", `data: read h.csv: line 2: 2 fields, want 3`},
		{"blank line between rows", "step,train_loss,val_nll\n1,1,\n\n2,1,\n", `data: read h.csv: line 3: blank line between data rows`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadHistory(strings.NewReader(tc.in), "h.csv")
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got %v, want %s", err, tc.want)
			}
		})
	}
}
