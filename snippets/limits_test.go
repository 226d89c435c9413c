package snippets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// parseSize reads a Size as snippet.yaml does.
func parseSize(text string) (Size, error) {
	var s Size
	err := s.UnmarshalYAML(&yaml.Node{Kind: yaml.ScalarNode, Value: text})
	return s, err
}

func TestParseSize(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Size
		text string
	}{
		{"4096", 4096, "4 KiB"},
		{"1000", 1000, "1000 bytes"},
		{"64KiB", 64 << 10, "64 KiB"},
		{"512MiB", 512 << 20, "512 MiB"},
		{"512 MiB", 512 << 20, "512 MiB"},
		{"2GiB", 2 << 30, "2 GiB"},
		{"1536MiB", 1536 << 20, "1536 MiB"},
		{"10B", 10, "10 bytes"},
	} {
		got, err := parseSize(tt.in)
		if err != nil || got != tt.want || got.String() != tt.text {
			t.Errorf("parseSize(%q) = %d (%v), %v; want %d (%s)", tt.in, got, got, err, tt.want, tt.text)
		}
	}
	for _, bad := range []string{"", "0", "-1MiB", "1.5GiB", "12MB", "MiB", "99999999999GiB"} {
		if got, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) = %v, want an error", bad, got)
		}
	}
}

// TestLimits reads limits from snippet.yaml: defaults where unset, the
// snippet's own where set, and an error that names the line for a bad one.
func TestLimits(t *testing.T) {
	root := t.TempDir()
	write := func(id, yaml string) {
		dir := filepath.Join(root, id)
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, MainFile), []byte("package main\n\nfunc main() {}\n"), 0o644)
		if yaml != "" {
			os.WriteFile(filepath.Join(dir, OptionsFile), []byte(yaml), 0o644)
		}
	}
	write("plain", "")
	write("own", "limits:\n  memory: 256MiB\n  files: 64\n")
	write("bad", "timeout: 5s\nlimits:\n  memory: lots\n")
	write("negative", "limits:\n  files: 64\n  processes: -1\n")
	write("unknown", "limits:\n  memroy: 1GiB\n")

	s, err := Load(root, "plain")
	if err != nil {
		t.Fatal(err)
	}
	want := defaults.Limits
	if s.Options.Limits != want {
		t.Errorf("default limits %+v, want %+v", s.Options.Limits, want)
	}
	if s, err = Load(root, "own"); err != nil {
		t.Fatal(err)
	}
	want.Memory, want.Files = 256<<20, 64
	if s.Options.Limits != want {
		t.Errorf("limits %+v, want %+v", s.Options.Limits, want)
	}
	for id, want := range map[string]string{
		"bad":      `snippet.yaml:3: limits.memory: size "lots"`,
		"negative": `snippet.yaml:3: limits.processes: "-1": want a positive whole number`,
		"unknown":  `snippet.yaml:2: unknown key "limits.memroy" (did you mean "memory"?)`,
	} {
		if _, err := Load(root, id); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s limits: error %v, want one saying %s", id, err, want)
		}
	}
}

// TestBounded checks that a default above a ceiling is lowered to it, and
// that a snippet's own option above one is an error at its line, with the
// options under the ceilings left as they are.
func TestBounded(t *testing.T) {
	root := t.TempDir()
	for id, yaml := range map[string]string{"plain": "", "greedy": "timeout: 5s\nlimits:\n  memory: 3GiB\n  files: 10\n"} {
		dir := filepath.Join(root, id)
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, MainFile), []byte("package main\n\nfunc main() {}\n"), 0o644)
		os.WriteFile(filepath.Join(dir, OptionsFile), []byte(yaml), 0o644)
	}
	c := DefaultCeilings
	if err := c.Set("memory=512MiB,timeout=4s"); err != nil {
		t.Fatal(err)
	}
	plain, err := Load(root, "plain")
	if err != nil {
		t.Fatal(err)
	}
	b, err := plain.Bounded(c)
	if err != nil || b.Options.Limits.Memory != 512<<20 || b.Options.Timeout != c.Timeout || b.Options.Limits.Files != defaults.Limits.Files || b.Options.Original.Timeout != defaults.Original.Timeout {
		t.Errorf("defaults under ceilings memory=512MiB,timeout=4s: %+v, %v", b.Options, err)
	}
	if plain.Options.Limits.Memory != defaults.Limits.Memory {
		t.Error("Bounded changed the snippet it was given")
	}
	greedy, err := Load(root, "greedy")
	if err != nil {
		t.Fatal(err)
	}
	_, err = greedy.Bounded(c)
	for _, want := range []string{"snippet.yaml:1: timeout 5s is over the notebook's ceiling of 4s", "snippet.yaml:3: limits.memory 3 GiB is over the notebook's ceiling of 512 MiB"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Bounded = %v; want it to say %q", err, want)
		}
	}
}

// TestReadCeilings reads notebook.yaml over the defaults.
func TestReadCeilings(t *testing.T) {
	root := t.TempDir()
	if c, err := ReadCeilings(root); err != nil || c != DefaultCeilings {
		t.Errorf("no notebook.yaml: %+v, %v; want the defaults", c, err)
	}
	os.WriteFile(filepath.Join(root, CeilingsFile), []byte("# ours\nceilings:\n  processes: 64\n  disk: 2GiB\n"), 0o644)
	c, err := ReadCeilings(root)
	want := DefaultCeilings
	want.Processes, want.Disk = 64, 2<<30
	if err != nil || c != want {
		t.Errorf("ReadCeilings = %+v, %v; want %+v", c, err, want)
	}
	os.WriteFile(filepath.Join(root, CeilingsFile), []byte("limits:\n  memory: 1GiB\n"), 0o644)
	if _, err := ReadCeilings(root); err == nil || !strings.HasPrefix(err.Error(), "notebook.yaml:1: ") {
		t.Errorf("a file without ceilings: %v; want an error at line 1", err)
	}
}

// TestCeilingsSet reads -ceilings lists: each value of the type its key
// names, positive, and no key that does not exist.
func TestCeilingsSet(t *testing.T) {
	c := DefaultCeilings
	if err := c.Set("timeout=2m, processes=8,file_size=2GiB"); err != nil || c.Processes != 8 || c.FileSize != 2<<30 || c.Timeout.String() != "2m0s" {
		t.Errorf("Set = %+v, %v", c, err)
	}
	for list, want := range map[string]string{
		"memory":      `-ceilings: "memory": want key=value`,
		"processes=0": `-ceilings: processes: "0": want a positive whole number`,
		"timeout=-1s": `-ceilings: timeout: "-1s": want a positive duration`,
		"memroy=1GiB": `-ceilings: unknown key "memroy" (did you mean "memory"?)`,
	} {
		if err := c.Set(list); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Set(%q) = %v, want an error starting %q", list, err, want)
		}
	}
}
