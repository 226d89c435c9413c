package snippets

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gonotebook/notebook/internal/fileline"
)

func TestParseOptions(t *testing.T) {
	const path = "snippets/x/snippet.yaml"
	ok := []struct {
		name, yaml string
		check      func(o Options) bool
	}{
		{"empty", "", func(o Options) bool { return o.Engine == Native }},
		{"comments only", "# nothing\n", func(o Options) bool { return o.Engine == Native }},
		{"original", "original:\n  relation: not-run\n  reason: a C fragment\nentry: notes/a.md#b\n", func(o Options) bool {
			return o.Original.Relation == NotRun && o.Original.Reason == "a C fragment" && !o.Original.Runs() &&
				o.Original.Timeout == 0 && o.Entry == "notes/a.md#b" // Load sets the default
		}},
		{"all", "engine: yaegi\nengine_reason: fast\ntimeout: 3s\nexit: 2\nstdin: hi\nargs: [a, b]\nenv: [K=v]\nunordered: true\nalone: true\n",
			func(o Options) bool {
				return o.Engine == Yaegi && time.Duration(o.Timeout) == 3*time.Second && o.Exit == 2 && o.Stdin == "hi" &&
					len(o.Args) == 2 && o.Env[0] == "K=v" && o.Unordered && o.Alone
			}},
	}
	for _, c := range ok {
		t.Run(c.name, func(t *testing.T) {
			o := Options{Engine: Native}
			if err := parseOptions(path, []byte(c.yaml), &o); err != nil {
				t.Fatal(err)
			}
			if !c.check(o) {
				t.Errorf("options %+v", o)
			}
		})
	}
	bad := []struct {
		name, yaml string
		line       int
		want       string
	}{
		{"unknown key", "engine: native\ntimout: 3s\n", 2, `unknown key "timout" (did you mean "timeout"?); the keys are engine, engine_reason, timeout, exit, stdin, args, env, unordered, alone`},
		{"wrong kind", "exit: lots\n", 1, `exit: want a whole number, not "lots"`},
		{"bad list", "args: 3\n", 1, `args: want a list of text, not "3"`},
		{"bad duration", "\ntimeout: -1s\n", 2, `timeout: "-1s": want a positive duration such as 10s or 1m`},
		{"bad engine", "alone: true\nengine: python\n", 2, `engine "python": want native or yaegi`},
		{"bad env", "env:\n  - novalue\n", 2, `env entry "novalue": want KEY=value`},
		{"syntax", "engine: native\n  timeout: [\n", 2, "not valid YAML: mapping values are not allowed in this context"},
		{"unclosed list", "timeout: 1s\nenv: [a\nexit: 1\n", 2, "not valid YAML: did not find expected ',' or ']'"},
		{"mutant without reason", "equivalent_mutants:\n  - mutant: \"delete: f()\"\n", 2, "equivalent_mutants: each names a mutant"},
		{"not a mapping", "- a\n- b\n", 1, "want keys and values, as in timeout: 10s"},
		{"original without relation", "original:\n  reason: x\n", 2, "original: say its relation: same, differs or not-run"},
		{"original empty", "exit: 1\noriginal: {}\n", 2, "original: say its relation"},
		{"limit not positive", "limits:\n  files: 0\n", 2, `limits.files: "0": want a positive whole number`},
		{"original bad relation", "original:\n  relation: alike\n", 2, `original: relation "alike": want same, differs or not-run`},
		{"differs without reason", "exit: 0\noriginal: {relation: differs}\n", 2, "original: relation differs needs a reason"},
		{"original unknown key", "original:\n  relation: same\n  why: x\n", 3, `unknown key "original.why"`},
		{"bad entry", "entry: notes/a.md\n", 1, `entry "notes/a.md": want a note and a heading's anchor`},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			o := Options{Engine: Native}
			err := parseOptions(path, []byte(c.yaml), &o)
			var fe *fileline.Error
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T), want a *fileline.Error", err, err)
			}
			if fe.Path != path || fe.Line != c.line {
				t.Errorf("error at %s:%d, want %s:%d (%v)", fe.Path, fe.Line, path, c.line, err)
			}
			if !strings.HasPrefix(fe.Msg, c.want) {
				t.Errorf("message %q\nwant    %q", fe.Msg, c.want)
			}
		})
	}
}

// FuzzParseOptions checks that no snippet.yaml makes the parser panic, and
// that every error it returns names the file.
func FuzzParseOptions(f *testing.F) {
	for _, s := range []string{"", "engine: yaegi\n", "timeout: 3s\nargs: [a]\n", "env: [A=b]\n", "exit: x\n", "a: [\n", "- 1\n", "timeout: {a: b}\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		o := Options{Engine: Native}
		err := parseOptions("s.yaml", []byte(text), &o)
		var fe *fileline.Error
		if err != nil && !errors.As(err, &fe) {
			t.Fatalf("error %v is not a *fileline.Error", err)
		}
		if err == nil && o.Engine != Native && o.Engine != Yaegi {
			t.Fatalf("accepted engine %q", o.Engine)
		}
	})
}
