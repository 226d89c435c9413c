// Package gotool tells, without running it, which Go release the go
// command builds with and where that release is installed.
//
// Running go env costs a process (tens of milliseconds), which a build
// with nothing to do cannot afford. The installation says the same in a
// file, when nothing can make the go command switch to another one.
package gotool

import (
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
// its first line). ok is false when that may not be the release that
// builds, and the go command must be asked: unless GOTOOLCHAIN is local
// (in the environment, else in the user's go env file, else in the
// installation's go.env), the go command may switch to another toolchain;
// GOROOT may name another installation; a development build has no
// release. A new toolchain installed in place brings its own VERSION file,
// so what is keyed on the release changes with it.
func Local(goCmd string) (tc Toolchain, ok bool) {
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
	if toolchain != "local" {
		return Toolchain{}, false
	}
	data, err := os.ReadFile(filepath.Join(root, "VERSION"))
	if err != nil {
		return Toolchain{}, false
	}
	first, _, _ := strings.Cut(string(data), "\n")
	first = strings.TrimSpace(first)
	if !strings.HasPrefix(first, "go1") || strings.ContainsAny(first, " \t") {
		return Toolchain{}, false
	}
	return Toolchain{Root: root, Version: first}, true
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
