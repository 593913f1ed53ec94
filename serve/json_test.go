package serve

import (
	"encoding/json"
	"strings"
	"testing"
)

// decodeAny runs the /v1/logpdf decoder (covariate x, response y) on b.
func decodeAny(b []byte) (*request, error) {
	var d decoder
	r := &request{}
	return r, d.decode(b, "logpdf", newColumns([]string{"x"}, []string{"y"}, nil), 1000, r)
}

func TestDecodeRows(t *testing.T) {
	r, err := decodeAny([]byte(`{"rows":[{"y":2,"x":1},{"x":-0.5e-3,"other":"a\"\\u00e9","y":3E2},{"y":0,"x":0}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if r.rows != 3 || r.x[0] != 1 || r.y[0] != 2 || r.x[1] != -0.5e-3 || r.y[1] != 300 || r.x[2] != 0 {
		t.Errorf("got %d rows, x %v, y %v", r.rows, r.x, r.y)
	}
	// Strings with escapes name columns.
	var d decoder
	r2 := &request{}
	if err := d.decode([]byte(`{"rows":[{"\u00e9t\u00e9":1, "\ud83d\ude00":2}]}`), "logpdf",
		newColumns([]string{"été"}, []string{"😀"}, nil), 10, r2); err != nil || r2.x[0] != 1 || r2.y[0] != 2 {
		t.Errorf("escaped names: %v %v %v", err, r2.x, r2.y)
	}
}

func TestDeepNesting(t *testing.T) {
	b := `{"rows":[{"x":1,"y":1,"z":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}]}`
	_, err := decodeAny([]byte(b))
	if err == nil || !strings.Contains(err.Error(), "nested deeper than 64") {
		t.Errorf("got %v", err)
	}
}

// FuzzDecode checks the hand-written decoder against encoding/json: it never
// panics, rejects every document encoding/json finds invalid, and when it
// accepts one, its numbers are those encoding/json reads.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"rows":[{"x":1,"y":2}]}`, `{"rows":[]}`, `{"rows":[{"x":1e5,"y":-0.25,"id":[1,{"a":null}]}]}`,
		`{"rows":[{"x":"\u00e9","y":1}]}`, `{"rows":[{"x":1,"y":2},]}`, `{"rows":[{"x":01,"y":2}]}`,
		`{"rows":[{"x":1,"y":2}]} x`, `{"rows":[{"x":1,"y":2,"\ud800":true}]}`, `[`, `{"rows":[{"x":-,"y":2}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeAny(b)
		valid := json.Valid(b)
		if err == nil && !valid {
			t.Fatalf("accepted invalid JSON %q", b)
		}
		if err != nil {
			if _, ok := err.(*httpError); !ok {
				t.Fatalf("error %T %v is not an *httpError", err, err)
			}
			return
		}
		var ref struct {
			Rows []map[string]any `json:"rows"`
		}
		if err := json.Unmarshal(b, &ref); err != nil {
			t.Fatalf("accepted %q, which encoding/json cannot read: %v", b, err)
		}
		if len(ref.Rows) != r.rows {
			t.Fatalf("%q: %d rows, encoding/json %d", b, r.rows, len(ref.Rows))
		}
		for i, row := range ref.Rows {
			if row["x"] != r.x[i] || row["y"] != r.y[i] {
				t.Fatalf("%q: row %d: x %v y %v, encoding/json %v %v", b, i, r.x[i], r.y[i], row["x"], row["y"])
			}
		}
	})
}
