package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/tools/txtar"
	"rsc.io/script"
	"rsc.io/script/scripttest"

	"github.com/gonotebook/notebook/internal/store"
	"github.com/gonotebook/notebook/site/play"
)

// mainEnv, set in this test binary's environment, makes it the notebook
// command (see TestMain): the scripts run it as they would run notebook.
const mainEnv = "NOTEBOOK_TEST_MAIN"

// TestScripts runs the scripts in testdata/script: each is a txtar archive
// of a notebook's files and the commands run on it, with their expected
// output (see rsc.io/script). Run one with
// go test ./cmd/notebook -run TestScripts/NAME.
//
// A script runs in a folder of its own, $WORK, which holds its files. Its
// commands are rsc.io/script's defaults and:
//
//   - notebook: this test binary, run as the notebook command;
//   - status N: the last notebook command exited with status N, as in
//     "! notebook run" then "status 2";
//   - the condition [CI]: the CI variable is set. Where a script skips
//     what this machine cannot do, it does so only without CI
//     ([!exec:python3] [!CI] skip), so that in CI it fails instead.
//
// $GOVERSION is the Go release this test binary was built with, which
// the yaegi engine names.
//
// Every script shares one store (NOTEBOOK_CACHE), as builds on one machine
// do. A script that checks what is cached or run uses a store of its own,
// which $WORK/cache already is: env NOTEBOOK_CACHE=$WORK/cache. Every
// store a script starts with holds the in-browser interpreter and nothing
// else, built once for them all (see seedStore).
func TestScripts(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	shared := filepath.Join(t.TempDir(), "cache")
	if err := seededStore(shared); err != nil {
		t.Fatal(err)
	}
	engine := &script.Engine{
		Cmds:  scripttest.DefaultCmds(),
		Conds: scripttest.DefaultConds(),
		Quiet: !testing.Verbose(),
	}
	var exits exitStatuses
	engine.Cmds["notebook"] = exits.record(script.Program(exe, func(cmd *exec.Cmd) error { return cmd.Process.Signal(os.Interrupt) }, 5*time.Second))
	engine.Cmds["status"] = exits.check()
	// exec as rsc.io/script has it, but with time to drain a command's
	// output on a busy machine.
	engine.Cmds["exec"] = script.Exec(func(cmd *exec.Cmd) error { return cmd.Process.Signal(os.Interrupt) }, 5*time.Second)
	engine.Conds["CI"] = script.BoolCondition("the CI variable is set", os.Getenv("CI") != "")
	// The compiles of native snippets keep their own build cache, and
	// alone runs their lock, in the user's cache folder: a script has it
	// as every build on this machine does, rather than one of its own that
	// compiles the standard library afresh.
	cacheHome, err := os.UserCacheDir()
	if err != nil {
		cacheHome = t.TempDir()
	}
	env := append([]string{mainEnv + "=1", "NOTEBOOK_CACHE=" + shared, "GOVERSION=" + runtime.Version(), "XDG_CACHE_HOME=" + cacheHome}, goEnv()...)

	// A script's commands end a little before the test's deadline, so
	// that what they printed is still reported.
	ctx := context.Background()
	if deadline, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline.Add(-time.Until(deadline)/20))
		t.Cleanup(cancel) // after the scripts, which run in parallel

	}
	files, err := filepath.Glob(filepath.Join("testdata", "script", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts in testdata/script (%v)", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			a, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			work := t.TempDir()
			if err := seededStore(filepath.Join(work, "cache")); err != nil {
				t.Fatal(err)
			}
			s, err := script.NewState(ctx, work, env)
			if err != nil {
				t.Fatal(err)
			}
			tmp := filepath.Join(work, "tmp")
			if err := errors.Join(os.Mkdir(tmp, 0o777), s.Setenv("WORK", work), s.Setenv("TMPDIR", tmp), s.ExtractFiles(a)); err != nil {
				t.Fatal(err)
			}
			scripttest.Run(t, engine, s, file, bytes.NewReader(a.Comment))
		})
	}
}

// goEnv is the environment of the go command, which builds native
// snippets and the interpreter: its caches stay where they always are,
// whatever HOME a script has. And PATH, and CI and NOTEBOOK_NO_SANDBOX if
// set.
func goEnv() []string {
	env := []string{"PATH=" + os.Getenv("PATH")}
	for _, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOROOT", "GOTOOLCHAIN", "GOPROXY", "GOFLAGS", "CI", "NOTEBOOK_NO_SANDBOX"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		} else if k != "CI" && k != "NOTEBOOK_NO_SANDBOX" && k != "GOFLAGS" {
			if out, err := exec.Command("go", "env", k).Output(); err == nil {
				env = append(env, k+"="+strings.TrimSpace(string(out)))
			}
		}
	}
	return env
}

// seedFolder holds the store that every store of the tests starts as; it
// is removed when the tests end (see TestMain).
var seedFolder string

// seedStore returns the folder of a store holding the in-browser
// interpreter, which every build makes and which takes seconds to
// compile, and nothing else: built on first use, once for every test.
var seedStore = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "notebook-test-store-")
	if err != nil {
		return "", err
	}
	seedFolder = dir
	st, err := store.Open(dir)
	if err != nil {
		return "", err
	}
	if _, err := (&play.Builder{}).Build(context.Background(), st); err != nil {
		return "", err
	}
	return dir, nil
})

// seededStore makes a store in dst that holds what the seed store does
// (see seedStore).
func seededStore(dst string) error {
	seed, err := seedStore()
	if err != nil {
		return err
	}
	return copyStore(seed, dst)
}

// copyStore makes dst a copy of the store in src, its files hard linked
// where they can be: a store only ever replaces its files whole.
func copyStore(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o700)
		}
		if os.Link(p, to) == nil {
			return nil
		}
		return copyFile(p, to)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	return errors.Join(err, out.Close())
}

// exitStatuses keeps the exit status of each script's last notebook
// command, for the status command.
type exitStatuses struct {
	mu   sync.Mutex
	last map[*script.State]int
}

// record returns cmd, which runs a program, recording its exit status.
func (e *exitStatuses) record(cmd script.Cmd) script.Cmd {
	return script.Command(*cmd.Usage(), func(s *script.State, args ...string) (script.WaitFunc, error) {
		wait, err := cmd.Run(s, args...)
		if err != nil {
			return nil, err
		}
		return func(s *script.State) (stdout, stderr string, err error) {
			stdout, stderr, err = wait(s)
			code := 0
			var exit *exec.ExitError
			switch {
			case errors.As(err, &exit):
				code = exit.ExitCode()
			case err != nil:
				code = -1
			}
			e.mu.Lock()
			defer e.mu.Unlock()
			if e.last == nil {
				e.last = map[*script.State]int{}
			}
			e.last[s] = code
			return stdout, stderr, err
		}, nil
	})
}

// check returns the status command.
func (e *exitStatuses) check() script.Cmd {
	return script.Command(script.CmdUsage{Summary: "check the exit status of the last notebook command", Args: "N"},
		func(s *script.State, args ...string) (script.WaitFunc, error) {
			if len(args) != 1 {
				return nil, script.ErrUsage
			}
			want, err := strconv.Atoi(args[0])
			if err != nil {
				return nil, script.ErrUsage
			}
			e.mu.Lock()
			got, ok := e.last[s]
			e.mu.Unlock()
			switch {
			case !ok:
				return nil, errors.New("no notebook command has run")
			case got != want:
				return nil, fmt.Errorf("notebook exited with status %d, want %d", got, want)
			}
			return nil, nil
		})
}
