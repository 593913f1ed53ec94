package config

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestDocsDefaults holds docs/config.md's tables to the code: every key of
// the data, model and train sections has exactly one row, and a row's
// default (the third column: a YAML value in backquotes, or "required" or
// "none" for keys whose default is the zero value) decodes to the value
// Default() holds.
func TestDocsDefaults(t *testing.T) {
	doc, err := os.ReadFile("../docs/config.md")
	if err != nil {
		t.Fatal(err)
	}
	def := Default()
	sections := map[string]reflect.Value{
		"data": reflect.ValueOf(&def.Data).Elem(), "model": reflect.ValueOf(&def.Model).Elem(),
		"train": reflect.ValueOf(&def.Train).Elem(),
	}
	row := regexp.MustCompile("^\\| `([a-z_0-9]+)` \\| [^|]+ \\| (.+?) \\| ")
	seen := map[string]bool{}
	section := ""
	for i, line := range strings.Split(string(doc), "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			section = h
			continue
		}
		sec, ok := sections[section]
		m := row.FindStringSubmatch(line)
		if !ok || m == nil {
			continue
		}
		key, dflt := m[1], strings.TrimSpace(m[2])
		path := section + "." + key
		if seen[path] {
			t.Errorf("docs/config.md:%d: %s has a second row", i+1, path)
		}
		seen[path] = true
		f, ok := fieldByKey(sec.Type(), key)
		if !ok {
			t.Errorf("docs/config.md:%d: %s is not a config key", i+1, path)
			continue
		}
		got := sec.FieldByIndex(f.Index)
		want := reflect.New(f.Type).Elem()
		switch {
		case dflt == "required" || dflt == "none":
		case strings.HasPrefix(dflt, "`") && strings.HasSuffix(dflt, "`"):
			if err := yaml.Unmarshal([]byte(strings.Trim(dflt, "`")), want.Addr().Interface()); err != nil {
				t.Errorf("docs/config.md:%d: %s: default %s: %v", i+1, path, dflt, err)
				continue
			}
		default:
			t.Errorf("docs/config.md:%d: %s: default %q is neither `value`, required nor none", i+1, path, dflt)
			continue
		}
		if !reflect.DeepEqual(got.Interface(), want.Interface()) && !(isSlice(f.Type) && got.Len() == 0 && want.Len() == 0) {
			t.Errorf("docs/config.md:%d: %s: the docs say %s, Default() has %#v", i+1, path, dflt, got.Interface())
		}
	}
	for name, sec := range sections {
		for i := range sec.NumField() {
			if k := yamlKey(sec.Type().Field(i)); k != "" && !seen[name+"."+k] {
				t.Errorf("docs/config.md has no row for %s.%s", name, k)
			}
		}
	}
	if len(seen) == 0 || !slices.Contains(keys(seen), "train.batch_size") {
		t.Fatal("found no rows in docs/config.md: has the table format changed?")
	}
}

func isSlice(t reflect.Type) bool { return t.Kind() == reflect.Slice }

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
