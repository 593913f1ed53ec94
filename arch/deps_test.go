package arch_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoGorgonia holds the layering of docs/architecture.md: only graph and
// train (and what imports them) link Gorgonia. The packages that predict,
// sample, evaluate and plot must not, so `go list -deps` of each lists no
// gorgonia.org package.
func TestNoGorgonia(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	pkgs := []string{"arch", "conformal", "config", "data", "mixture", "model", "predict", "plot", "serve"}
	args := []string{"list", "-deps", "-f", "{{.ImportPath}}"}
	for _, p := range pkgs {
		args = append(args, "github.com/mdn-go/mdn/"+p)
	}
	out, err := exec.Command(goBin, args...).Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "gorgonia.org/") || dep == "github.com/mdn-go/mdn/graph" || dep == "github.com/mdn-go/mdn/train" {
			// Name the culprit: which of pkgs pulls it in.
			for _, p := range pkgs {
				o, _ := exec.Command(goBin, "list", "-deps", "github.com/mdn-go/mdn/"+p).Output()
				if strings.Contains(string(o), dep+"\n") {
					t.Errorf("%s links %s", p, dep)
				}
			}
		}
	}
}
