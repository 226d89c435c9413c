package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"go/version"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/gonotebook/notebook/internal/store"
	"github.com/gonotebook/notebook/snippets"
)

// Key returns the ID under which the store keeps the result of running s
// with the named engine, whose version is version: everything that can
// change the run (see the package doc), and nothing that cannot, so that
// editing expected.txt or a note re-runs nothing.
func Key(s *snippets.Snippet, engine, version string) (store.ID, error) {
	opts := s.Options
	opts.Engine = engine
	h := store.NewHash("run").String(engine).String(version).String(runtime.GOOS + "/" + runtime.GOARCH)
	// The options' JSON form holds those that change a run: the rest
	// (as unordered, or the original's relation) are tagged json:"-".
	b, err := json.Marshal(opts)
	if err != nil {
		return store.ID{}, err
	}
	h.String(s.Sum).Bytes(b)
	if engine == snippets.Native {
		for _, k := range buildEnv {
			h.String(k + "=" + os.Getenv(k))
		}
		if err := hashFiles(h, goEnvFile()); err != nil {
			return store.ID{}, err
		}
		if err := hashFiles(h, moduleFiles(s.Dir)...); err != nil {
			return store.ID{}, err
		}
	}
	return h.Sum(), nil
}

// buildEnv are the variables of the go command's environment that change
// what go build makes of the same files.
var buildEnv = []string{"GOFLAGS", "CGO_ENABLED", "GOAMD64", "GOARM64", "GOEXPERIMENT", "CC", "CGO_CFLAGS", "CGO_LDFLAGS"}

// hashFiles adds each file's name and contents to h; a file that does not
// exist adds its name alone.
func hashFiles(h *store.Hash, names ...string) error {
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil && !os.IsNotExist(err) {
			return err
		}
		h.String(name).Bytes(data)
	}
	return nil
}

// moduleFiles returns the go.mod and go.sum of the module that holds dir,
// which say what go build makes of its files; none if no module does.
func moduleFiles(dir string) []string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return []string{filepath.Join(d, "go.mod"), filepath.Join(d, "go.sum")}
		}
		if filepath.Dir(d) == d {
			return nil
		}
	}
}

// goEnvFile returns the user's go env file, which go env -w writes and
// which can set every variable of buildEnv: the file GOENV names, else env
// in the user's configuration folder; "" if there is none.
func goEnvFile() string {
	switch env := os.Getenv("GOENV"); env {
	case "off":
		return ""
	case "":
		config, err := os.UserConfigDir()
		if err != nil {
			return ""
		}
		return filepath.Join(config, "go", "env")
	default:
		return env
	}
}

// GoEnv returns the release of the go command goCmd ("go" if empty), as
// it builds with GOTOOLCHAIN=local, and its GOROOT: read from the
// installation's VERSION file ("go1.26.8" on its first line) beside the
// command, unless GOROOT names another installation or the file names no
// release (a development build); else from go env, which costs a process.
func GoEnv(ctx context.Context, goCmd string) (release, root string, err error) {
	if goCmd == "" {
		goCmd = "go"
	}
	path, err := exec.LookPath(goCmd)
	if err != nil {
		return "", "", fmt.Errorf("no go command: %v", err)
	}
	if real, err := filepath.EvalSymlinks(path); err == nil && os.Getenv("GOROOT") == "" {
		root := filepath.Dir(filepath.Dir(real)) // GOROOT/bin/go
		data, err := os.ReadFile(filepath.Join(root, "VERSION"))
		first, _, _ := strings.Cut(string(data), "\n")
		if err == nil && version.IsValid(first) {
			return first, root, nil
		}
	}
	cmd := exec.CommandContext(ctx, path, "env", "GOVERSION", "GOROOT")
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	out, err := cmd.Output()
	f := strings.Fields(string(out))
	if err != nil || len(f) != 2 {
		return "", "", fmt.Errorf("running %s env GOVERSION GOROOT: %q, %v", goCmd, out, err)
	}
	return f[0], f[1], nil
}
