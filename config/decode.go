package config

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/mdn-go/mdn/internal/infile"
	"go.yaml.in/yaml/v3"
)

// Load reads the config file at path, decodes it strictly, fills in the
// defaults, resolves relative data paths against the file's directory and
// validates the result. Errors name the file as given and the field:
//
//	config: ex.yaml: line 7: field "batchsize" not found in train
//	config: ex.yaml: line 8: train.batch_size: must be ≥ 0, got -3
//
// Validation problems are all reported, one per line (errors.Join); each
// wraps a *FieldError.
//
// The path must name a regular file of at most MaxBytes bytes, checked
// before it is read: a directory, /dev/zero or a FIFO is an error at once.
func Load(path string) (*Config, error) {
	f, r, err := infile.Open(path, fileLimit)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("config: %s: %w", path, err)
	}
	return Decode(r, path, dir)
}

// MaxBytes is the largest config Load and Decode read, in bytes (1 MiB; a
// config is usually under 1 KiB).
const MaxBytes = 1 << 20

var fileLimit = infile.Limit{Bytes: MaxBytes, What: "a config file", Name: "config.MaxBytes"}

// Decode reads one YAML document from r and does what Load does. name is
// the file name used in error messages; dir is the directory against which
// relative data paths are resolved (none when dir is empty), stored in
// Config.Dir. At most MaxBytes bytes are read: a longer input is an error.
//
// The decoding is strict: unknown keys, values of the wrong type (including
// a fraction where an integer is wanted), an empty input and more than one
// YAML document are errors. Keys that are absent keep their defaults (see
// Default), with defaults that depend on other keys: train.steps is 0
// when train.epochs is given, and train.restore_best and train.patience
// are off when the file does not set them and there is no validation data.
func Decode(r io.Reader, name, dir string) (*Config, error) {
	fail := func(err error) (*Config, error) {
		return nil, prefix(name, err)
	}
	src, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		if errors.Is(err, infile.ErrTooLarge) {
			return fail(err)
		}
		return fail(fmt.Errorf("read: %w", err))
	}
	if len(src) > MaxBytes {
		return fail(fmt.Errorf("more than %s, %w: a config file may have at most %s (config.MaxBytes)",
			infile.Bytes(MaxBytes), infile.ErrTooLarge, infile.Bytes(MaxBytes)))
	}

	// First pass: the document as a node tree, to know which keys are
	// given, where each value is, and to catch what the strict decoder
	// lets through.
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return fail(errors.New("empty file"))
		}
		return fail(yamlError(err))
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return fail(errors.New("more than one YAML document"))
	default:
		return fail(fmt.Errorf("line %d: more than one YAML document", next.Line))
	}
	root := doc.Content[0]
	if root.Tag == "!!null" {
		return fail(errors.New("empty file"))
	}
	ix := index{given: map[string]bool{}}
	ix.walk(root, "", reflect.TypeFor[Config]())

	// Second pass: the strict decode into the defaults.
	c := Default()
	dec = yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return fail(yamlError(err))
		}
		for _, msg := range te.Errors {
			ix.errs = append(ix.errs, ix.typeError(msg))
		}
	}
	if len(ix.errs) > 0 {
		slices.SortStableFunc(ix.errs, func(a, b lineError) int { return cmp.Compare(a.line, b.line) })
		errs := make([]error, len(ix.errs))
		for i, e := range ix.errs {
			errs[i] = e.err
		}
		return fail(errors.Join(errs...))
	}

	c.Dir = dir
	c.given = ix.given
	c.Data.Train = resolve(dir, c.Data.Train)
	c.Data.Validation = resolve(dir, c.Data.Validation)
	c.Data.Calibration = resolve(dir, c.Data.Calibration)
	if ix.given["train.epochs"] && !ix.given["train.steps"] {
		c.Train.Steps = 0
	}
	if !ix.given["train.restore_best"] && !c.HasValidation() {
		c.Train.RestoreBest = false
	}
	if !ix.given["train.patience"] && !c.HasValidation() {
		c.Train.Patience = 0
	}
	if ix.given["train.ensemble"] && !ix.given["train.ensemble_max"] {
		c.Train.EnsembleMax = c.Train.Ensemble
	}
	if errs := c.check(func(path string) bool { return ix.given[path] }); len(errs) > 0 {
		line := func(err error) int {
			if fe, ok := err.(*FieldError); ok && fe.Line > 0 {
				return fe.Line
			}
			return math.MaxInt // a default's problem: after the file's
		}
		for _, err := range errs {
			if fe, ok := err.(*FieldError); ok {
				fe.Line = ix.line(fe.Path)
			}
		}
		slices.SortStableFunc(errs, func(a, b error) int { return cmp.Compare(line(a), line(b)) })
		return fail(errors.Join(errs...))
	}
	return &c, nil
}

// line returns the line of the key that the file gives for path (of the
// element, for a path like "model.hidden[1]"), or for a pair of paths
// ("train.steps, train.epochs") of the first one it has; 0 if it has none
// of them.
func (ix *index) line(path string) int {
	for p := range strings.SplitSeq(path, ", ") {
		for _, l := range ix.keys {
			if l.path == p {
				return l.node.Line
			}
		}
		for _, l := range ix.nodes {
			if l.path == p {
				return l.node.Line
			}
		}
	}
	return 0
}

// resolve returns p joined to dir when p is relative and both are non-empty.
func resolve(dir, p string) string {
	if p == "" || dir == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// prefix puts "config: name: " before err, or before each error that err
// joins, so that every line of the message names the file.
func prefix(name string, err error) error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs := j.Unwrap()
		out := make([]error, len(errs))
		for i, e := range errs {
			out[i] = fmt.Errorf("config: %s: %w", name, e)
		}
		return errors.Join(out...)
	}
	return fmt.Errorf("config: %s: %w", name, err)
}

// yamlError strips the "yaml: " prefix of a syntax error.
func yamlError(err error) error {
	msg, ok := strings.CutPrefix(err.Error(), "yaml: ")
	if !ok {
		return err
	}
	return errors.New(msg)
}

// index knows, for one document, which keys are given (with a non-null
// value) and the path of every value node.
type index struct {
	given map[string]bool
	nodes []located // value nodes
	keys  []located // key nodes, with the path of their value
	errs  []lineError
}

// lineError is an error found on a line of the file.
type lineError struct {
	line int
	err  error
}

type located struct {
	path string
	node *yaml.Node
}

// walk records n at path and descends into it along the Go type t, the type
// the strict decoder will fill. It notes in ix.errs what that decoder would
// accept silently: a fraction for an integer, which yaml truncates.
func (ix *index) walk(n *yaml.Node, path string, t reflect.Type) {
	ix.nodes = append(ix.nodes, located{path, n})
	if n.Tag == "!!null" {
		return
	}
	ix.given[path] = true
	switch {
	case n.Kind == yaml.MappingNode && t.Kind() == reflect.Struct:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			ix.keys = append(ix.keys, located{join(path, k.Value), k})
			if f, ok := fieldByKey(t, k.Value); ok {
				ix.walk(v, join(path, k.Value), f.Type)
			} // else the strict decoder reports it
		}
	case n.Kind == yaml.SequenceNode && t.Kind() == reflect.Slice:
		for i, e := range n.Content {
			ix.walk(e, fmt.Sprintf("%s[%d]", path, i), t.Elem())
		}
	case n.Kind == yaml.ScalarNode && n.Tag == "!!float" && isInt(t):
		ix.errs = append(ix.errs, lineError{n.Line,
			fmt.Errorf("line %d: %s: want %s, got %s", n.Line, path, describeType(t.String()), quote(n.Value))})
	}
}

// typeError rewrites one message of a yaml.TypeError, naming the field path
// in place of the Go type.
func (ix *index) typeError(msg string) lineError {
	if m := fieldProblem.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		where := "at top level"
		if p := ix.pathOfType(m[4]); p != "" {
			where = "in " + p
		}
		what := "not found"
		if m[3] == "already set" {
			what = "given twice"
		}
		return lineError{line, fmt.Errorf("line %d: field %q %s %s", line, m[2], what, where)}
	}
	if m := wrongType.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		tag, value, goType := m[2], m[3], m[4]
		got := "a " + describeTag(tag)
		path := "top level"
		if l, ok := ix.find(line, tag, value); ok {
			if l.path != "" {
				path = l.path
			}
			if l.node.Kind == yaml.ScalarNode {
				got = quote(l.node.Value)
			}
		} else if value != "" {
			got = quote(value)
		}
		return lineError{line, fmt.Errorf("line %d: %s: want %s, got %s", line, path, describeType(goType), got)}
	}
	if m := duplicateKey.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		key, err := strconv.Unquote(m[2])
		if err != nil {
			key = m[2]
		}
		path := key
		for _, l := range ix.keys {
			if l.node.Line == line && l.node.Value == key {
				path = l.path
				break
			}
		}
		return lineError{line, fmt.Errorf("line %d: %s: given twice (first at line %s)", line, path, m[3])}
	}
	line := 0
	if m := lineNumber.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
	}
	return lineError{line, errors.New(msg)}
}

var (
	fieldProblem = regexp.MustCompile("^line ([0-9]+): field (.*) (not found|already set) in type (.*)$")
	duplicateKey = regexp.MustCompile(`^line ([0-9]+): mapping key (".*") already defined at line ([0-9]+)$`)
	lineNumber   = regexp.MustCompile("^line ([0-9]+): ")
	wrongType    = regexp.MustCompile("^line ([0-9]+): cannot unmarshal (!![a-z]+)(?: `(.*)`)? into (.*)$")
)

// find returns the value node on line whose tag is tag and whose value is
// value (which yaml may have cut to its first 7 characters and "...").
func (ix *index) find(line int, tag, value string) (located, bool) {
	short, cut := strings.CutSuffix(value, "...")
	for _, l := range ix.nodes {
		n := l.node
		if n.Line != line || n.ShortTag() != tag {
			continue
		}
		if n.Kind != yaml.ScalarNode || n.Value == value || (cut && strings.HasPrefix(n.Value, short)) {
			return l, true
		}
	}
	return located{}, false
}

// pathOfType returns the yaml path of the section with the Go type named
// goType (as yaml prints it, "config.Train"), or "" for the top level.
func (ix *index) pathOfType(goType string) string {
	t := reflect.TypeFor[Config]()
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Type.String() == goType {
			return yamlKey(f)
		}
	}
	return ""
}

// fieldByKey returns the field of struct type t with yaml key key.
func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if yamlKey(f) == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func yamlKey(f reflect.StructField) string {
	k, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return k
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func isInt(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// describeType says in words what a Go type (as yaml prints it) wants.
func describeType(goType string) string {
	switch goType {
	case "int":
		return "an integer"
	case "uint64":
		return "an integer ≥ 0"
	case "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "[]string":
		return "a list of strings"
	case "[]int":
		return "a list of integers"
	case "[]float64":
		return "a list of numbers"
	case "config.Config", "config.Data", "config.Model", "config.Train":
		return "a mapping"
	}
	if strings.HasPrefix(goType, "config.") || strings.HasPrefix(goType, "arch.") || strings.HasPrefix(goType, "encode.") || goType == "string" {
		return "a string"
	}
	return goType
}

// describeTag says in words what a yaml tag is.
func describeTag(tag string) string {
	switch tag {
	case "!!seq":
		return "list"
	case "!!map":
		return "mapping"
	case "!!str":
		return "string"
	case "!!int":
		return "integer"
	case "!!float":
		return "number"
	case "!!bool":
		return "boolean"
	}
	return tag
}

// quote quotes a yaml scalar for a message.
func quote(v string) string { return strconv.Quote(v) }
