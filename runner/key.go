package runner

import (
	"cmp"
	"context"
	"fmt"
	"go/version"
	"os"
	"os/exec"
	"path/filepath"
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
	// The options' JSON form holds those that change a run: the rest
	// (as unordered, or the original's relation) are tagged json:"-".
	h := store.NewHash("run").String(engine).String(version).String(platform).String(s.Sum).Value(opts)
	if engine != snippets.Native {
		return h.Sum(), nil
	}
	for _, k := range buildEnv {
		h.String(k + "=" + os.Getenv(k))
	}
	for _, name := range append([]string{goEnvFile()}, moduleFiles(s.Dir, "go.mod", "go.sum")...) {
		data, err := os.ReadFile(name)
		if err != nil && !os.IsNotExist(err) {
			return store.ID{}, err
		}
		h.String(name).Bytes(data) // a file that does not exist adds its name alone
	}
	return h.Sum(), nil
}

// buildEnv are the variables of the go command's environment that change
// what go build makes of the same files.
var buildEnv = []string{"GOFLAGS", "CGO_ENABLED", "GOAMD64", "GOARM64", "GOEXPERIMENT", "CC", "CGO_CFLAGS", "CGO_LDFLAGS"}

// goEnvFile returns the user's go env file, which go env -w writes and
// which can set every variable of buildEnv: the file GOENV names, else env
// in the user's configuration folder; "" if there is none.
func goEnvFile() string {
	env := os.Getenv("GOENV")
	if config, err := os.UserConfigDir(); env == "" && err == nil {
		env = filepath.Join(config, "go", "env")
	}
	if env == "off" {
		return ""
	}
	return env
}

// GoRelease returns the release of the go command goCmd ("go" if empty),
// as it builds with GOTOOLCHAIN=local, and its GOROOT: read from the
// installation's VERSION file ("go1.26.8" on its first line) beside the
// command, unless GOROOT names another installation or the file names no
// release (a development build); else from go env, which costs a process
// (tens of milliseconds, on every build).
func GoRelease(ctx context.Context, goCmd string) (release, root string, err error) {
	path, err := exec.LookPath(cmp.Or(goCmd, "go"))
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
	v, err := GoEnv(ctx, path, "GOVERSION", "GOROOT")
	if err != nil {
		return "", "", err
	}
	return v[0], v[1], nil
}

// GoEnv returns the values of the named variables of the go command goCmd
// ("go" if empty), as it builds with GOTOOLCHAIN=local.
func GoEnv(ctx context.Context, goCmd string, names ...string) ([]string, error) {
	cmd := exec.CommandContext(ctx, cmp.Or(goCmd, "go"), append([]string{"env"}, names...)...)
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	out, err := cmd.Output()
	values := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if err != nil || len(values) != len(names) {
		return nil, fmt.Errorf("running %s env %s: %q, %v", cmd.Path, strings.Join(names, " "), out, err)
	}
	return values, nil
}
