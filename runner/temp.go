package runner

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// newTemp makes the folder in which a Runner keeps the temporary folders of
// its runs (compiled programs, working directories), in the system's
// temporary folder and named after its process: notebook-runner-PID-N. It
// first removes those of Runners whose process is gone, so that a build
// that was killed leaves nothing behind for long.
func newTemp() (string, error) {
	const prefix = "notebook-runner-"
	parent := os.TempDir()
	entries, _ := os.ReadDir(parent)
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		pid, err := strconv.Atoi(strings.Split(rest, "-")[0])
		if ok && err == nil && e.IsDir() && !Alive(pid) {
			removeAll(filepath.Join(parent, e.Name()))
		}
	}
	return os.MkdirTemp(parent, prefix+strconv.Itoa(os.Getpid())+"-")
}

// Alive reports whether a process with the given id may exist: yes unless
// the system says it is gone.
func Alive(pid int) bool {
	return pid > 0 && !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

// removeAll removes dir and everything in it, making each folder it finds
// writable and searchable first: a program may have taken those rights
// away from folders of its own.
func removeAll(dir string) error {
	if os.RemoveAll(dir) == nil {
		return nil
	}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if d != nil && d.IsDir() {
			os.Chmod(p, 0o700)
		}
		return nil
	})
	return os.RemoveAll(dir)
}
