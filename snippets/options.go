package snippets

import (
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/gonotebook/notebook/internal/fileline"
	"go.yaml.in/yaml/v3"
)

// parseOptions reads snippet.yaml's text into o, which holds the defaults,
// then checks the values. Every mistake is a *fileline.Error at its line: a
// syntax error, a key that does not exist (the message lists those that
// do), a value of the wrong kind or out of range.
func parseOptions(path string, data []byte, o *Options) (err error) {
	if o.lines, err = decodeYAML(path, data, o); err != nil {
		return err
	}
	at := func(key, format string, args ...any) error {
		return fileline.Errorf(path, o.lines[key], format, args...)
	}
	switch o.Engine {
	case Native, Yaegi:
	case "":
		o.Engine = Native
	default:
		return at("engine", "engine %q: want %s or %s", o.Engine, Native, Yaegi)
	}
	for i, kv := range o.Env {
		if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
			return at(fmt.Sprint("env.", i), "env entry %q: want KEY=value", kv)
		}
	}
	_, original := o.lines["original"]
	switch r := o.Original.Relation; {
	case r == "" && original:
		return at("original", "original: say its relation: %s, %s or %s", Same, Differs, NotRun)
	case r != "" && r != Same && r != Differs && r != NotRun:
		return at("original", "original: relation %q: want %s, %s or %s", r, Same, Differs, NotRun)
	case (r == Differs || r == NotRun) && strings.TrimSpace(o.Original.Reason) == "":
		return at("original", "original: relation %s needs a reason, in one line", r)
	}
	for i, eq := range o.EquivalentMutants {
		if strings.TrimSpace(eq.Mutant) == "" || strings.TrimSpace(eq.Reason) == "" {
			return at(fmt.Sprint("equivalent_mutants.", i), "equivalent_mutants: each names a mutant, as notebook check -mutants does, and gives the reason it changes nothing the program shows")
		}
	}
	note, anchor, ok := strings.Cut(o.Entry, "#")
	if o.Entry != "" && (!ok || note == "" || anchor == "" || strings.ContainsAny(o.Entry, " \t")) {
		return at("entry", "entry %q: want a note and a heading's anchor, as in notes/2018-10-30.md#7-why-gil", o.Entry)
	}
	return nil
}

// decodeYAML decodes the YAML text data into *v, a struct, as a decoder
// does, and returns the line of each value it set.
func decodeYAML(path string, data []byte, v any) (map[string]int, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fileline.NotYAML(path, 1, data, err)
	}
	d := decoder{path: path, lines: map[string]int{}}
	if len(doc.Content) == 0 {
		return d.lines, nil // empty, or only comments
	}
	return d.lines, d.decode("", doc.Content[0], reflect.ValueOf(v).Elem())
}

// A decoder decodes YAML into a struct strictly: each key must be one of
// the struct's yaml tags, each value of its field's kind. It records the
// line of each value it decodes.
type decoder struct {
	path  string         // the file, for messages
	lines map[string]int // the line of each value, by its path: "limits.memory"
}

// decode decodes n into v; name is n's path, "" at the top.
func (d *decoder) decode(name string, n *yaml.Node, v reflect.Value) error {
	at := ""
	if name != "" {
		d.lines[name] = n.Line
		at = name + ": "
	}
	switch {
	case v.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return fileline.Errorf(d.path, n.Line, "%swant keys and values, as in timeout: 10s", at)
		}
		fields := keysOf(v.Type())
		var errs []error
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, key := n.Content[i], strings.TrimPrefix(name+"."+n.Content[i].Value, ".")
			if f := slices.IndexFunc(fields, func(f field) bool { return f.key == k.Value }); f >= 0 {
				errs = append(errs, d.decode(key, n.Content[i+1], v.FieldByIndex(fields[f].index)))
				continue
			}
			var keys []string
			for _, f := range fields {
				keys = append(keys, f.key)
			}
			suggest := ""
			if near := Nearest(k.Value, keys); near != "" {
				suggest = fmt.Sprintf(" (did you mean %q?)", near)
			}
			errs = append(errs, fileline.Errorf(d.path, k.Line, "unknown key %q%s; the keys are %s", key, suggest, strings.Join(keys, ", ")))
		}
		return errors.Join(errs...)
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Struct && n.Kind == yaml.SequenceNode:
		v.Set(reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content)))
		var errs []error
		for i, item := range n.Content {
			errs = append(errs, d.decode(fmt.Sprint(name, ".", i), item, v.Index(i)))
		}
		return errors.Join(errs...)
	}
	if v.Kind() == reflect.String && n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" && !v.Addr().Type().Implements(unmarshaler) {
		v.SetString(n.Value) // as Decode would, without making a decoder
		return nil
	}
	err := n.Decode(v.Addr().Interface())
	if _, ok := errors.AsType[*yaml.TypeError](err); ok {
		return fileline.Errorf(d.path, n.Line, "%swant %s, not %q", at, kindName(v.Type()), n.Value)
	}
	if err != nil {
		return fileline.Errorf(d.path, n.Line, "%s%v", at, err)
	}
	if n.Kind == yaml.SequenceNode {
		for i, item := range n.Content {
			d.lines[fmt.Sprint(name, ".", i)] = item.Line
		}
	}
	return nil
}

// A field is a struct field that a key of YAML sets.
type field struct {
	key   string // its yaml tag
	index []int  // for reflect.Value.FieldByIndex
}

// keysOf returns the fields of the struct type t that YAML keys set,
// those of an embedded struct's too, in order. Every snippet.yaml asks
// for the same few types, so each is looked at once.
func keysOf(t reflect.Type) []field {
	if f, ok := structKeys.Load(t); ok {
		return f.([]field)
	}
	var fields []field
	for _, f := range reflect.VisibleFields(t) {
		if key := f.Tag.Get("yaml"); key != "" {
			fields = append(fields, field{key, f.Index})
		}
	}
	structKeys.Store(t, fields)
	return fields
}

var structKeys sync.Map // reflect.Type → []field

var unmarshaler = reflect.TypeFor[yaml.Unmarshaler]()

// kindNames say in words how a value of each kind is written.
var kindNames = map[reflect.Kind]string{reflect.Bool: "true or false", reflect.Int: "a whole number", reflect.String: "text"}

// kindName says in words how a value of type t is written.
func kindName(t reflect.Type) string {
	if t.Kind() == reflect.Slice {
		return "a list of " + kindName(t.Elem())
	}
	return cmp.Or(kindNames[t.Kind()], t.String())
}
