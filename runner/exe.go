package runner

import (
	"debug/buildinfo"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
)

// BoxCommand is the file name of the box's own executable, built from
// cmd/notebook-box. Beside the notebook command, and built from the same
// clean source, it is the box of every run: it links the interpreter but
// not the site's renderer, whose packages (chroma above all) cost a
// process start more than the run itself.
const BoxCommand = "notebook-box"

// defaultExe returns the program a Runner starts as the box when its Exe
// is empty: BoxCommand beside the running program if it was built from
// the same clean source (same module version or VCS revision, same Go
// release, same dependencies), else "" for the running program itself.
func defaultExe() string {
	self, err := os.Executable()
	if err != nil {
		return ""
	}
	cand := filepath.Join(filepath.Dir(self), BoxCommand)
	if cand == self {
		return ""
	}
	mine, err := buildinfo.ReadFile(self)
	if err != nil {
		return ""
	}
	theirs, err := buildinfo.ReadFile(cand)
	if err != nil || !sameSource(mine, theirs) {
		return ""
	}
	return cand
}

// sameSource reports whether two programs were built from the same clean
// source: a module version, or a VCS revision with no local changes.
func sameSource(a, b *debug.BuildInfo) bool {
	if a.GoVersion != b.GoVersion || a.Main.Path != b.Main.Path || a.Main.Version != b.Main.Version || a.Main.Sum != b.Main.Sum {
		return false
	}
	settings := func(bi *debug.BuildInfo) map[string]string {
		m := map[string]string{}
		for _, s := range bi.Settings {
			m[s.Key] = s.Value
		}
		return m
	}
	sa, sb := settings(a), settings(b)
	if a.Main.Version == "(devel)" || a.Main.Version == "" {
		// Built from a checkout: the same revision, and no changes.
		if sa["vcs.revision"] == "" || sa["vcs.modified"] != "false" || sb["vcs.modified"] != "false" {
			return false
		}
	}
	for _, k := range []string{"vcs.revision", "vcs.time", "vcs.modified", "-tags", "CGO_ENABLED", "GOOS", "GOARCH"} {
		if sa[k] != sb[k] {
			return false
		}
	}
	dep := func(m *debug.Module) string {
		if m.Replace != nil {
			return m.Path + "@" + m.Version + "=>" + m.Replace.Path + "@" + m.Replace.Version
		}
		return m.Path + "@" + m.Version
	}
	// The box needs only some of the notebook's modules; those it has must
	// be the same.
	have := map[string]string{}
	for _, m := range a.Deps {
		have[m.Path] = dep(m)
	}
	return !slices.ContainsFunc(b.Deps, func(m *debug.Module) bool { return have[m.Path] != dep(m) })
}
