package runner

import (
	"bytes"
	"crypto/sha256"
	"debug/buildinfo"
	"embed"
	"encoding/hex"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
)

// BoxCommand is the file name of the box's own executable, built from
// cmd/notebook-box. Beside the notebook command, and built from the same
// source, it is the box of every run: it links the interpreter but not the
// site's renderer, whose packages (chroma above all) cost a process start
// more than the run itself.
const BoxCommand = "notebook-box"

// sources are the files of the code that runs inside a box: this package,
// the box and the interpreter. Two programs whose hashes of them agree run
// snippets alike. The patterns match the tests' files too, which the hash
// leaves out: a change to a test changes no run.
//
//go:embed *.go box/*.go yaegi/*.go
var sources embed.FS

var sourceHash = sync.OnceValue(func() string {
	h := sha256.New()
	fs.WalkDir(sources, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, "_test.go") {
			return err
		}
		data, err := sources.ReadFile(p)
		if err != nil {
			return err
		}
		h.Write([]byte(p + "\x00"))
		h.Write(data)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))
})

// SourceFlag makes the box command print the hash of the runner's sources
// it was built from, so that the notebook command can tell whether it is
// its own.
const SourceFlag = "-runner-source"

// PrintSource writes the hash of the runner's sources, for SourceFlag.
func PrintSource() { os.Stdout.WriteString(sourceHash() + "\n") }

// defaultExe returns the program a Runner starts as the box when its Exe
// is empty: BoxCommand beside the running program if it was built from
// the same runner sources, Go release and dependencies, else "" for the
// running program itself.
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
	if err != nil || !sameBuild(mine, theirs) {
		return ""
	}
	out, err := exec.Command(cand, SourceFlag).Output()
	if err != nil || string(bytes.TrimSpace(out)) != sourceHash() {
		return ""
	}
	return cand
}

// sameBuild reports whether the box b was built like the notebook a: the
// same Go release and settings, and the same versions of the modules it
// has.
func sameBuild(a, b *debug.BuildInfo) bool {
	if a.GoVersion != b.GoVersion || a.Main.Path != b.Main.Path {
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
	for _, k := range []string{"-tags", "CGO_ENABLED", "GOOS", "GOARCH", "GOEXPERIMENT"} {
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
	have := map[string]string{}
	for _, m := range a.Deps {
		have[m.Path] = dep(m)
	}
	return !slices.ContainsFunc(b.Deps, func(m *debug.Module) bool { return have[m.Path] != dep(m) })
}
