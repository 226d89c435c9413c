// Package gotool tells, without running it, which Go release the go
// command builds with and where that release is installed.
//
// Running go env costs a process (tens of milliseconds), which a build
// with nothing to do cannot afford. The installation says the same in a
// file, when nothing can make the go command switch to another one.
package gotool

import (
	"go/version"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// A Toolchain is an installed Go release.
type Toolchain struct {
	Root    string // its GOROOT
	Version string // its release, such as "go1.26.8"
}

// Local returns the installation of the go command goCmd (a name looked up
// in PATH, or a path) and the release in its file VERSION ("go1.26.8" on
// its first line), as the go command run in dir would build with it. ok is
// false when that may not be the release that builds, and the go command
// must be asked: GOROOT may name another installation, and a development
// build has no release (see Installed); and GOTOOLCHAIN (in the environment, else in the user's
// go env file, else in the installation's go.env) may make the go command
// switch to another toolchain. It does not when it is local; when it is
// auto or path (local+auto, local+path), it does only if the go.work or
// go.mod that rules dir asks, in its go or toolchain line, for a newer
// release than the installed one, which Local reads; with dir "" that is
// not known, and only local will do. A new toolchain installed in place
// brings its own VERSION file, so what is keyed on the release changes
// with it.
func Local(goCmd, dir string) (tc Toolchain, ok bool) {
	tc, ok = Installed(goCmd)
	if !ok {
		return Toolchain{}, false
	}
	// The environment, then the user's go env file, then the
	// installation's go.env say which toolchain the go command uses.
	toolchain := os.Getenv("GOTOOLCHAIN")
	if toolchain == "" {
		toolchain = envSetting(EnvFile(), "GOTOOLCHAIN")
	}
	if toolchain == "" {
		toolchain = envSetting(filepath.Join(tc.Root, "go.env"), "GOTOOLCHAIN")
	}
	first := tc.Version
	switch toolchain {
	case "local":
	case "auto", "path", "local+auto", "local+path":
		if dir == "" {
			return Toolchain{}, false
		}
		want, ok := wanted(dir)
		if !ok || version.Compare(want, first) > 0 {
			return Toolchain{}, false
		}
	default:
		return Toolchain{}, false
	}
	return tc, true
}

// Installed returns the installation of the go command goCmd (a name
// looked up in PATH, or a path) and the release in its file VERSION
// ("go1.26.8" on its first line): the release that builds when
// GOTOOLCHAIN=local is in the go command's environment. ok is false if
// GOROOT names another installation, or if there is no release to read,
// as in a development build.
func Installed(goCmd string) (tc Toolchain, ok bool) {
	if os.Getenv("GOROOT") != "" {
		return Toolchain{}, false
	}
	path, err := exec.LookPath(goCmd)
	if err != nil {
		return Toolchain{}, false
	}
	if path, err = filepath.EvalSymlinks(path); err != nil {
		return Toolchain{}, false
	}
	root := filepath.Dir(filepath.Dir(path)) // GOROOT/bin/go
	data, err := os.ReadFile(filepath.Join(root, "VERSION"))
	if err != nil {
		return Toolchain{}, false
	}
	first, _, _ := strings.Cut(string(data), "\n")
	first = strings.TrimSpace(first)
	if !version.IsValid(first) || strings.ContainsAny(first, " \t") {
		return Toolchain{}, false
	}
	return Toolchain{Root: root, Version: first}, true
}

// wanted returns the newest release the go.work or go.mod that rules dir
// asks for in its go and toolchain lines ("go1.26" for "go 1.26"), or ""
// if it asks for none; ok is false if that cannot be told.
func wanted(dir string) (want string, ok bool) {
	file, mod := ruling(dir)
	if file == "" {
		file = mod
	}
	if file == "" {
		return "", true
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return "", false
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || (f[0] != "go" && f[0] != "toolchain") {
			continue
		}
		v := f[1]
		if f[0] == "go" {
			v = "go" + v
		}
		if v == "default" {
			continue
		}
		if !version.IsValid(v) {
			return "", false
		}
		if want == "" || version.Compare(v, want) > 0 {
			want = v
		}
	}
	return want, true
}

// Rules returns the files that say what the go command run in dir builds
// with: the user's go env file (see EnvFile), then the go.work in effect and its
// go.work.sum, or else the main module's go.mod and its go.sum, whichever
// there are (the go env file may not exist); and after them the go.mod of
// every module on this machine whose requirements choose the versions
// that build: each module the go.work uses, and each folder a replace
// directive of the go.work or of those go.mod files names. A module
// taken from the module cache or a proxy is named by its version, which
// those files already say.
func Rules(dir string) []string {
	var files []string
	if env := EnvFile(); env != "" {
		files = append(files, env)
	}
	switch work, mod := ruling(dir); {
	case work != "":
		files = append(files, work, work+".sum")
		uses, replaced := localModules(work)
		for _, m := range uses {
			files = append(files, m)
			_, more := localModules(m)
			replaced = append(replaced, more...)
		}
		return append(files, replaced...)
	case mod != "":
		files = append(files, mod, filepath.Join(filepath.Dir(mod), "go.sum"))
		_, replaced := localModules(mod)
		return append(files, replaced...)
	}
	return files
}

// EnvFile returns the user's go env file, which go env -w writes and the
// go command reads its settings from: the file GOENV names, else env in
// the user's configuration folder; "" if there is none (GOENV=off, or no
// configuration folder). The file itself may not exist.
func EnvFile() string {
	switch env := os.Getenv("GOENV"); env {
	case "off":
		return ""
	case "":
	default:
		return env
	}
	config, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(config, "go", "env")
}

// localModules returns the go.mod files of the modules that the go.work
// or go.mod file uses (use directives) and takes from local folders
// (replace directives whose new path is a folder: it starts with ./,
// ../ or is absolute), each path joined to the file's folder if
// relative. A file that cannot be read names none: the go command says
// why.
func localModules(file string) (uses, replaced []string) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, nil
	}
	dir := filepath.Dir(file)
	goMod := func(p string) string {
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		return filepath.Join(p, "go.mod")
	}
	block := ""
	for line := range strings.SplitSeq(string(data), "\n") {
		line, _, _ = strings.Cut(line, "//")
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
			continue
		case block != "" && f[0] == ")":
			block = ""
			continue
		case block == "" && len(f) == 2 && f[1] == "(":
			block = f[0]
			continue
		case block != "":
			f = append([]string{block}, f...)
		}
		switch f[0] {
		case "use":
			if len(f) == 2 {
				uses = append(uses, goMod(unquote(f[1])))
			}
		case "replace":
			if i := slices.Index(f, "=>"); i > 0 && i+1 < len(f) {
				if p := unquote(f[i+1]); local(p) {
					replaced = append(replaced, goMod(p))
				}
			}
		}
	}
	return uses, replaced
}

// local reports whether the new path of a replace directive is a folder
// rather than a module path, as the go command tells them apart.
func local(p string) bool {
	return filepath.IsAbs(p) || p == "." || p == ".." || strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") ||
		strings.HasPrefix(p, `.\`) || strings.HasPrefix(p, `..\`)
}

// unquote returns s without the quotes of a Go string literal, if it is
// one.
func unquote(s string) string {
	if u, err := strconv.Unquote(s); err == nil {
		return u
	}
	return s
}

// ruling returns the go.work in effect in dir, or else the main module's
// go.mod, or neither.
func ruling(dir string) (work, mod string) {
	switch work = os.Getenv("GOWORK"); work {
	case "off":
		work = ""
	case "":
		work = findUp(dir, "go.work")
	}
	if work != "" {
		return work, ""
	}
	if os.Getenv("GO111MODULE") != "off" {
		mod = findUp(dir, "go.mod")
	}
	return "", mod
}

// findUp returns the file name in dir or the nearest folder above it that
// has one, or "".
func findUp(dir, name string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(dir, name)
		if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// envSetting returns the value a go env file gives key, or "" if it gives
// none or cannot be read.
func envSetting(file, key string) string {
	data, err := os.ReadFile(file)
	if err != nil {
		return ""
	}
	value := ""
	for line := range strings.SplitSeq(string(data), "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok && k == key {
			value = strings.TrimSpace(v)
		}
	}
	return value
}
