package config

import (
	"encoding/json"
	"reflect"
	"strings"
)

// Values returns every key of c, defaults included, as its dotted path
// ("train.lr", "model.hidden") mapped to its value as JSON text ("0.005",
// "[64,64]"): the effective config, in a form that can be stored and
// compared key by key (mdn train --resume refuses a config whose values
// changed since the run was interrupted). Config.Dir is not a key.
func (c *Config) Values() map[string]string {
	out := map[string]string{}
	var walk func(prefix string, v reflect.Value)
	walk = func(prefix string, v reflect.Value) {
		t := v.Type()
		for i := range t.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
			if name == "" || name == "-" {
				continue
			}
			f := v.Field(i)
			if f.Kind() == reflect.Struct {
				walk(prefix+name+".", f)
				continue
			}
			b, err := json.Marshal(f.Interface())
			if err != nil { // not reached: keys are numbers, strings, bools and lists of them
				b = []byte(err.Error())
			}
			out[prefix+name] = string(b)
		}
	}
	walk("", reflect.ValueOf(c).Elem())
	return out
}
