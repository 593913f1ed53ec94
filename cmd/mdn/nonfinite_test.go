package main

import (
	"path/filepath"
	"testing"

	"github.com/mdn-go/mdn/model"
)

// hugeScaleModel is the model of trainEx1d with every member's y_std set to
// 1e300: its predictive variances (σ² ≈ 1e600) and squared errors overflow
// float64, though every weight, mean and σ in the file is finite.
func hugeScaleModel(t *testing.T) string {
	t.Helper()
	m, err := model.Load(trainEx1d(t))
	if err != nil {
		t.Fatal(err)
	}
	m.Scaler.YStd[0] = 1e300
	for i := range m.Ensemble {
		m.Ensemble[i].Scaler.YStd[0] = 1e300
	}
	p := filepath.Join(t.TempDir(), "huge.json")
	if err := m.Save(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestNonFiniteOutputs: a summary or a score that overflows float64 is an
// error naming the input line and the column, with exit status 1, in CSV
// and in JSON; never "+Inf" written with exit 0 or a bare "json:
// unsupported value".
func TestNonFiniteOutputs(t *testing.T) {
	mp := hugeScaleModel(t)
	in := writeFile(t, "in.csv", "x\n0\n0.5\n")
	labelled := writeFile(t, "xy.csv", "x,y\n0,1e300\n0.5,-1e300\n")
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"predict var CSV", []string{"predict", "--model", mp, "--input", in, "--what", "var", "--out", "OUT"},
			"mdn: predict: " + in + ": line 2: var_y is +Inf (beyond the float64 range)"},
		{"predict var JSON", []string{"predict", "--model", mp, "--input", in, "--what", "var", "--json"},
			"mdn: predict: " + in + ": line 2: var_y is +Inf (beyond the float64 range)"},
		{"eval table", []string{"eval", "--model", mp, "--data", labelled},
			`mdn: eval: predict: evaluate ` + labelled + `: line 2: the squared error of response "y", (y − E[y])², overflows float64 (+Inf)`},
		{"eval JSON", []string{"eval", "--model", mp, "--data", labelled, "--json"},
			`mdn: eval: predict: evaluate ` + labelled + `: line 2: the squared error of response "y", (y − E[y])², overflows float64 (+Inf)`},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "o.csv")
			args := append([]string(nil), c.args...)
			for i, a := range args {
				if a == "OUT" {
					args[i] = out
				}
			}
			stdout, stderr, code := mdnRun(t, "", args...)
			if code != 1 || stderr != c.want+"\n" {
				t.Errorf("got exit %d, %q; want 1, %q", code, stderr, c.want+"\n")
			}
			if stdout != "" && stdout != "x,var_y\n" {
				t.Errorf("stdout: got %q, want at most the header", stdout)
			}
		})
	}
}
