package arch_test

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mdn-go/mdn/model"
)

// module is the import path of this module.
const module = "github.com/mdn-go/mdn"

// lattice names every package of the module (relative to module) and the
// packages it may import: the module's own, relative, and other modules by
// path prefix (the standard library is always allowed). It is the lattice
// of docs/architecture.md ("Import direction"), as
// $GOROOT/src/go/build/deps_test.go holds the standard library's.
// A new package gets one line here and one in the doc.
var lattice = map[string][]string{
	// layer 5: the command and tools
	"cmd/mdn":         {"arch", "config", "conformal", "data", "encode", "figure", "fitconfig", "internal/cli", "internal/infile", "internal/output", "internal/progress", "mixture", "model", "plot", "predict", "serve", "train", "github.com/spf13/cobra"},
	"bench/truenll":   {"data", "encode"},
	"bench/hostile":   {},
	"bench/bareserve": {},
	"bench/sizeplot":  {"gonum.org/v1/plot"},

	// layer 4
	"figure":    {"data", "encode", "mixture", "model", "plot", "predict"},
	"serve":     {"arch", "conformal", "data", "encode", "mixture", "model", "predict", "github.com/prometheus/client_golang"},
	"fitconfig": {"config", "encode", "train"},

	// layer 3
	"train":   {"arch", "data", "encode", "graph", "internal/vec", "mixture", "model", "gorgonia.org/"},
	"predict": {"conformal", "data", "encode", "mixture", "model"},

	// layer 2
	"model": {"arch", "conformal", "data", "encode", "internal/gemm", "internal/output", "internal/vec", "mixture"},
	"graph": {"arch", "internal/gemm", "internal/vec", "gorgonia.org/", "github.com/chewxy/hm"},

	// layer 1
	"config":       {"arch", "encode", "internal/infile", "go.yaml.in/yaml/v3"},
	"encode":       {"data"},
	"data":         {"internal/hugepage"},
	"conformal":    {"mixture"},
	"internal/cli": {"internal/output", "golang.org/x/sys/unix", "golang.org/x/term"},

	// layer 0: no package of this module
	"arch":              {},
	"mixture":           {"gonum.org/v1/gonum/mat"},
	"plot":              {"gonum.org/v1/plot"},
	"internal/gemm":     {"gonum.org/v1/gonum/blas", "golang.org/x/sys/cpu"},
	"internal/vec":      {"golang.org/x/sys/cpu"},
	"internal/output":   {},
	"internal/hugepage": {},
	"internal/cputime":  {},
	"internal/infile":   {},
	"internal/progress": {"github.com/schollz/progressbar"},
}

// imports lists every package of the module (relative to module) with its
// direct imports outside the standard library (the module's own relative),
// from go list (test files excluded).
func imports(t *testing.T) map[string][]string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	out, err := exec.Command(goBin, "list", "-f", "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	std, err := exec.Command(goBin, "list", "std").Output()
	if err != nil {
		t.Fatalf("go list std: %v", err)
	}
	isStd := map[string]bool{}
	for _, p := range strings.Fields(string(std)) {
		isStd[p] = true
	}
	pkgs := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		name := strings.TrimPrefix(strings.TrimPrefix(f[0], module), "/")
		deps := []string{}
		for _, d := range f[1:] {
			if isStd[d] {
				continue
			}
			if r, ok := strings.CutPrefix(d, module+"/"); ok {
				d = r
			}
			deps = append(deps, d)
		}
		pkgs[name] = deps
	}
	return pkgs
}

// allowed reports whether the lattice lets pkg import dep.
func allowed(pkg, dep string) bool {
	for _, a := range lattice[pkg] {
		if dep == a || (strings.Contains(a, ".") && strings.HasPrefix(dep, a)) {
			return true
		}
	}
	return false
}

// TestLattice checks every package's imports against the lattice, and that
// the lattice names every package of the module and no other.
func TestLattice(t *testing.T) {
	pkgs := imports(t)
	for _, name := range sortedKeys(pkgs) {
		if _, ok := lattice[name]; !ok {
			t.Errorf("package %s is not in the lattice: add a line %q: {its allowed imports} to lattice in arch/lattice_test.go, and one to docs/architecture.md's \"Import direction\"", name, name)
			continue
		}
		for _, dep := range pkgs[name] {
			if !allowed(name, dep) {
				t.Errorf("%s imports %s, which the lattice (arch/lattice_test.go, docs/architecture.md) does not allow", name, dep)
			}
		}
	}
	for _, name := range sortedKeys(lattice) {
		if _, ok := pkgs[name]; !ok {
			t.Errorf("the lattice names %s, which is not a package of the module: remove its line", name)
		}
	}
}

// TestArchitectureDoc holds docs/architecture.md to the code: its "Import
// direction" block has one line per package of the lattice, naming the same
// packages of this module; every package has a "### `name`" section; and
// the model format version it names is model.FormatVersion.
func TestArchitectureDoc(t *testing.T) {
	b, err := os.ReadFile("../docs/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	edge := regexp.MustCompile(`^(?:layer \d+)?\s+(\S+) ─+► (.+?)(?:  \(.*\))?$`)
	inDoc := map[string][]string{}
	for _, line := range strings.Split(sectionOf(t, doc, "## Import direction"), "\n") {
		m := edge.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if _, dup := inDoc[m[1]]; dup {
			t.Errorf("docs/architecture.md: %s has two import lines", m[1])
		}
		deps := []string{}
		if m[2] != "—" {
			deps = strings.Split(m[2], ", ")
		}
		inDoc[m[1]] = deps
	}
	for _, name := range sortedKeys(lattice) {
		deps, ok := inDoc[name]
		if !ok {
			t.Errorf("docs/architecture.md: no import line for %s", name)
			continue
		}
		if want := ownOf(lattice[name]); !slices.Equal(deps, want) {
			t.Errorf("docs/architecture.md: %s ──► %s; the lattice says %s", name, strings.Join(deps, ", "), strings.Join(want, ", "))
		}
		if !strings.Contains(doc, "\n### `"+name+"`") {
			t.Errorf("docs/architecture.md: no section \"### `%s`\"", name)
		}
	}
	for _, name := range sortedKeys(inDoc) {
		if _, ok := lattice[name]; !ok {
			t.Errorf("docs/architecture.md: import line for %s, which is not in the lattice", name)
		}
	}
	versions := regexp.MustCompile("`version: (\\d+)`").FindAllStringSubmatch(doc, -1)
	if len(versions) == 0 {
		t.Error("docs/architecture.md names no model format version (`version: N`)")
	}
	for _, v := range versions {
		if v[1] != fmt.Sprint(model.FormatVersion) {
			t.Errorf("docs/architecture.md: model format `version: %s`, the code writes %d", v[1], model.FormatVersion)
		}
	}
}

// sectionOf returns the text of doc from the heading to the next heading of
// the same level.
func sectionOf(t *testing.T, doc, heading string) string {
	t.Helper()
	i := strings.Index(doc, "\n"+heading+"\n")
	if i < 0 {
		t.Fatalf("docs/architecture.md: no %q", heading)
	}
	rest := doc[i+len(heading)+2:]
	if j := strings.Index(rest, "\n## "); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// ownOf returns the packages of this module among deps, sorted.
func ownOf(deps []string) []string {
	own := []string{}
	for _, d := range deps {
		if !strings.Contains(d, ".") {
			own = append(own, d)
		}
	}
	slices.Sort(own)
	return own
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
