package config

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// Values returns every key of c, defaults included, as its dotted path
// ("train.lr", "model.hidden") mapped to its value as JSON text ("0.005",
// "[64,64]"): the effective config, in a form that can be stored and
// compared key by key (mdn train --resume refuses a config whose values
// changed since the run was interrupted). Config.Dir is not a key.
func (c *Config) Values() map[string]string {
	out := map[string]string{}
	leaves(reflect.ValueOf(c).Elem(), func(path string, f reflect.Value) {
		b, err := json.Marshal(f.Interface())
		if err != nil { // not reached: keys are numbers, strings, bools and lists of them
			b = []byte(err.Error())
		}
		out[path] = string(b)
	})
	return out
}

// leaves calls fn with the dotted path and the value of every key of the
// struct v (the leaf fields with a yaml name, in the order of the struct).
func leaves(v reflect.Value, fn func(path string, f reflect.Value)) {
	var walk func(prefix string, v reflect.Value)
	walk = func(prefix string, v reflect.Value) {
		t := v.Type()
		for i := range t.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
			if name == "" || name == "-" {
				continue
			}
			if f := v.Field(i); f.Kind() == reflect.Struct {
				walk(prefix+name+".", f)
			} else {
				fn(prefix+name, f)
			}
		}
	}
	walk("", v)
}

// Pin sets the keys of v, dotted paths mapped to values as Values writes
// them, as if the file had given them (so Sized keeps them), and checks
// the result: mdn train --resume pins the recipe the interrupted run
// trained with, whatever this mdn's size rule would now choose. A key that
// is not a key of Config, or a value that does not decode into its key's
// type, is an error naming the key; c is then unchanged.
func (c *Config) Pin(v map[string]string) error {
	s := *c
	s.Model.Hidden = slices.Clone(c.Model.Hidden)
	s.given = maps.Clone(c.given)
	if s.given == nil {
		s.given = map[string]bool{}
	}
	fields := map[string]reflect.Value{}
	leaves(reflect.ValueOf(&s).Elem(), func(path string, f reflect.Value) { fields[path] = f })
	for _, k := range slices.Sorted(maps.Keys(v)) {
		f, ok := fields[k]
		if !ok {
			return fmt.Errorf("%s: not a config key", k)
		}
		p := reflect.New(f.Type())
		dec := json.NewDecoder(strings.NewReader(v[k]))
		dec.DisallowUnknownFields()
		if err := dec.Decode(p.Interface()); err != nil {
			return fmt.Errorf("%s: %q: %w", k, v[k], err)
		}
		f.Set(p.Elem())
		s.given[k] = true
	}
	if err := s.Validate(); err != nil {
		return err
	}
	*c = s
	return nil
}
