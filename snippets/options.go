package snippets

import (
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/gonotebook/notebook/internal/yamlline"

	"go.yaml.in/yaml/v3"

	"github.com/gonotebook/notebook/internal/fileline"
)

// parseOptions reads snippet.yaml's text into o, which holds the defaults,
// then checks the values. Every mistake is a *fileline.Error at its line: a
// syntax error, a key that does not exist (the message lists those that
// do), a value of the wrong kind or out of range.
func parseOptions(path string, data []byte, o *Options) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return yamlSyntaxError(path, data, err)
	}
	if len(doc.Content) == 0 {
		return nil // empty, or only comments
	}
	top := doc.Content[0]
	if err := decodeStrict(path, "", top, reflect.ValueOf(o).Elem()); err != nil {
		return err
	}
	o.lines = map[string]int{}
	keyLines(top, "", o.lines)
	line := func(key string) int {
		for i := 0; i+1 < len(top.Content); i += 2 {
			if top.Content[i].Value == key {
				return top.Content[i+1].Line
			}
		}
		return 0
	}
	switch o.Engine {
	case Native, Yaegi:
	case "":
		o.Engine = Native
	default:
		return fileline.Errorf(path, line("engine"), "engine %q: want %s or %s", o.Engine, Native, Yaegi)
	}
	for _, kv := range o.Env {
		if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
			return fileline.Errorf(path, line("env"), "env entry %q: want KEY=value", kv)
		}
	}
	switch orig := &o.Original; orig.Relation {
	case "":
		if orig.Reason != "" || orig.Timeout != 0 {
			return fileline.Errorf(path, line("original"), "original: say its relation: %s, %s or %s", Same, Differs, NotRun)
		}
	case Same:
	case Differs, NotRun:
		if strings.TrimSpace(orig.Reason) == "" {
			return fileline.Errorf(path, line("original"), "original: relation %s needs a reason, in one line", orig.Relation)
		}
	default:
		return fileline.Errorf(path, line("original"), "original: relation %q: want %s, %s or %s", orig.Relation, Same, Differs, NotRun)
	}
	for i, eq := range o.EquivalentMutants {
		if strings.TrimSpace(eq.Mutant) == "" || strings.TrimSpace(eq.Reason) == "" {
			return fileline.Errorf(path, itemLine(top, "equivalent_mutants", i), "equivalent_mutants: each names a mutant, as notebook check -mutants does, and gives the reason it changes nothing the program shows")
		}
	}
	if o.Entry != "" {
		note, anchor, ok := strings.Cut(o.Entry, "#")
		if !ok || note == "" || anchor == "" || strings.ContainsAny(o.Entry, " \t") {
			return fileline.Errorf(path, line("entry"), "entry %q: want a note and a heading's anchor, as in notes/2018-10-30.md#7-why-gil", o.Entry)
		}
	}
	return nil
}

// keyLines records in lines the line of each key of the mapping n, and of
// the mappings below it, by its path: "limits.memory".
func keyLines(n *yaml.Node, prefix string, lines map[string]int) {
	if n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := prefix + n.Content[i].Value
		lines[key] = n.Content[i].Line
		keyLines(n.Content[i+1], key+".", lines)
	}
}

// itemLine is the line of the i-th item of key's list in the mapping top.
func itemLine(top *yaml.Node, key string, i int) int {
	for j := 0; j+1 < len(top.Content); j += 2 {
		if top.Content[j].Value == key && i < len(top.Content[j+1].Content) {
			return top.Content[j+1].Content[i].Line
		}
	}
	return 0
}

// decodeStrict decodes n into v. A mapping into a struct is checked key by
// key against the struct's yaml tags, recursively; anything else is left to
// yaml, its error reported at n's line. name is the key's path, for
// messages ("" at the top).
func decodeStrict(path, name string, n *yaml.Node, v reflect.Value) error {
	if v.Kind() == reflect.Struct && !implementsUnmarshaler(v) {
		if n.Kind != yaml.MappingNode {
			return fileline.Errorf(path, n.Line, "%swant keys and values, as in timeout: 10s", prefix(name))
		}
		fields := yamlFields(v.Type())
		var errs []error
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			f, ok := fields[k.Value]
			if !ok {
				errs = append(errs, fileline.Errorf(path, k.Line, "unknown key %q%s; the keys are %s", join(name, k.Value), near(k.Value, fields), keyList(fields)))
				continue
			}
			if err := decodeStrict(path, join(name, k.Value), val, v.FieldByIndex(f)); err != nil {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	}
	if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Struct && n.Kind == yaml.SequenceNode {
		v.Set(reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content)))
		var errs []error
		for i, item := range n.Content {
			errs = append(errs, decodeStrict(path, name, item, v.Index(i)))
		}
		return errors.Join(errs...)
	}
	if err := n.Decode(v.Addr().Interface()); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			return fileline.Errorf(path, n.Line, "%swant %s, not %q", prefix(name), kindName(v.Type()), n.Value)
		}
		return fileline.Errorf(path, n.Line, "%s%v", prefix(name), err)
	}
	return nil
}

func implementsUnmarshaler(v reflect.Value) bool {
	p := v.Addr().Interface()
	_, y := p.(yaml.Unmarshaler)
	_, t := p.(encoding.TextUnmarshaler)
	return y || t
}

// yamlFields maps the yaml keys of struct type t to their field indexes.
func yamlFields(t reflect.Type) map[string][]int {
	m := map[string][]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if key == "-" || !f.IsExported() {
			continue
		}
		if key == "" {
			key = strings.ToLower(f.Name)
		}
		m[key] = f.Index
	}
	return m
}

func keyList(fields map[string][]int) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	// In the order the struct declares them, as the docs list them.
	sortByIndex(keys, fields)
	return strings.Join(keys, ", ")
}

func sortByIndex(keys []string, fields map[string][]int) {
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && fields[keys[j]][0] < fields[keys[j-1]][0]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
}

// near suggests the key that key most likely misspells.
func near(key string, fields map[string][]int) string {
	var keys []string
	for k := range fields {
		keys = append(keys, k)
	}
	sortByIndex(keys, fields)
	if k := Nearest(key, keys); k != "" {
		return fmt.Sprintf(" (did you mean %q?)", k)
	}
	return ""
}

func join(name, key string) string {
	if name == "" {
		return key
	}
	return name + "." + key
}

func prefix(name string) string {
	if name == "" {
		return ""
	}
	return name + ": "
}

// kindName says in words what a value of type t is written as.
func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.String:
		return "text"
	case reflect.Slice:
		return "a list of " + strings.TrimPrefix(kindName(t.Elem()), "a ")
	case reflect.Map, reflect.Struct:
		return "keys and values"
	}
	return t.String()
}

// yamlSyntaxError turns yaml.v3's syntax error in text into a
// *fileline.Error at the line from which text stops being YAML (see
// package yamlline), keeping yaml's own words.
func yamlSyntaxError(path string, text []byte, err error) error {
	return fileline.Errorf(path, yamlline.BadLine(text), "not valid YAML: %s", yamlline.Message(err))
}
