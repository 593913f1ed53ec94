package model

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mdn-go/mdn/arch"
	"github.com/mdn-go/mdn/data"
	"github.com/mdn-go/mdn/encode"
)

// encodedModel is a model over one label column (levels a, b) and one
// imputed number column with an indicator: inputs c=a, c=b, v, v:missing.
func encodedModel(t *testing.T) *Model {
	t.Helper()
	s := testSpec(arch.Diagonal, 1)
	s.In = 4
	w := randomWeights(t, s, rand.New(rand.NewPCG(3, 4)))
	mean := 2.5
	enc := &encode.Schema{Columns: []encode.Column{
		{Name: "c", Kind: encode.Label, Levels: []string{"a", "b"}},
		{Name: "v", Kind: encode.Number, Mean: &mean, Indicator: true},
	}, Unknown: encode.UnknownZero, Missing: encode.MissingImpute, NAValues: []string{"NA"}}
	m, err := New(s, w.Arrays(), enc.Names(), []string{"y"}, data.IdentityScaler(4, 1), Summary{Steps: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SetEncoding(enc); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestEncodingRoundTrip(t *testing.T) {
	m := encodedModel(t)
	path := filepath.Join(t.TempDir(), "m.json")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != FormatVersion || !reflect.DeepEqual(got.Encoding.Columns, m.Encoding.Columns) ||
		got.Encoding.Missing != encode.MissingImpute || got.Encoding.Unknown != encode.UnknownZero {
		t.Fatalf("loaded encoding %+v, want %+v", got.Encoding, m.Encoding)
	}
	if c := got.Columns(); !reflect.DeepEqual(c, []string{"c", "v"}) {
		t.Errorf("columns %v", c)
	}
	b, _ := os.ReadFile(path)
	for _, want := range []string{`"encoding": {`, `"levels": ["a", "b"]`, `"impute_mean": 2.5`, `"missing_indicator": true`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("file lacks %s", want)
		}
	}
	// The inputs must match x_names.
	bad := strings.Replace(string(b), `"levels": ["a", "b"]`, `"levels": ["a", "c"]`, 1)
	os.WriteFile(path, []byte(bad), 0o644)
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), `encoding: input 1 is "c=c", x_names[1] is "c=b"`) {
		t.Errorf("got %v", err)
	}
	// Version 1 has no encoding section.
	v1 := strings.Replace(string(b), `"version": 3`, `"version": 1`, 1)
	os.WriteFile(path, []byte(v1), 0o644)
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "encoding: needs format version 2") {
		t.Errorf("got %v", err)
	}
}

func TestVersion1Loads(t *testing.T) {
	m, err := Load("testdata/seed-model.json")
	if err != nil {
		t.Fatal(err)
	}
	if m.Version != 1 || m.Encoding != nil || !reflect.DeepEqual(m.Columns(), m.XNames) || !m.Schema().Trivial() {
		t.Errorf("version %d encoding %v columns %v", m.Version, m.Encoding, m.Columns())
	}
}

func TestTrivialEncodingNotStored(t *testing.T) {
	m := encodedModel(t)
	m2 := newModel(t, randomWeights(t, testSpec(arch.Diagonal, 1), rand.New(rand.NewPCG(1, 1))), nil)
	if err := m2.SetEncoding(encode.Numeric(m2.XNames)); err != nil || m2.Encoding != nil {
		t.Errorf("numeric schema stored: %v %v", m2.Encoding, err)
	}
	if m.Encoding == nil {
		t.Error("encoding dropped")
	}
}
