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
// must be asked: GOROOT may name another installation; a development build
// has no release; and GOTOOLCHAIN (in the environment, else in the user's
// go env file, else in the installation's go.env) may make the go command
// switch to another toolchain. It does not when it is local; when it is
// auto or path (local+auto, local+path), it does only if the go.work or
// go.mod that rules dir asks, in its go or toolchain line, for a newer
// release than the installed one, which Local reads; with dir "" that is
// not known, and only local will do. A new toolchain installed in place
// brings its own VERSION file, so what is keyed on the release changes
// with it.
func Local(goCmd, dir string) (tc Toolchain, ok bool) {
	if os.Getenv("GOROOT") != "" || os.Getenv("GOENV") != "" {
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
	// The environment, then the user's go env file, then the
	// installation's go.env say which toolchain the go command uses.
	toolchain := os.Getenv("GOTOOLCHAIN")
	if toolchain == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return Toolchain{}, false
		}
		toolchain = envSetting(filepath.Join(dir, "go", "env"), "GOTOOLCHAIN")
	}
	if toolchain == "" {
		toolchain = envSetting(filepath.Join(root, "go.env"), "GOTOOLCHAIN")
	}
	data, err := os.ReadFile(filepath.Join(root, "VERSION"))
	if err != nil {
		return Toolchain{}, false
	}
	first, _, _ := strings.Cut(string(data), "\n")
	first = strings.TrimSpace(first)
	if !version.IsValid(first) || strings.ContainsAny(first, " \t") {
		return Toolchain{}, false
	}
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
// with: the user's go env file, then the go.work in effect and its
// go.work.sum, or else the main module's go.mod and its go.sum, whichever
// there are (the go env file may not exist).
func Rules(dir string) []string {
	var files []string
	if config, err := os.UserConfigDir(); err == nil {
		files = append(files, filepath.Join(config, "go", "env"))
	}
	switch work, mod := ruling(dir); {
	case work != "":
		return append(files, work, work+".sum")
	case mod != "":
		return append(files, mod, filepath.Join(filepath.Dir(mod), "go.sum"))
	}
	return files
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
