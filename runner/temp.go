package runner

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// A Runner keeps the temporary folders of its runs (compiled programs,
// working directories) in one folder of its own in the system's temporary
// folder, named notebook-PID-N after its process. A Runner removes, when it
// starts, the folders of Runners whose process is gone, so that a build
// that was killed leaves nothing behind for long.

const tempPrefix = "notebook-runner-"

// newTemp removes the folders of dead Runners and makes one for this one.
func newTemp() (string, error) {
	parent := os.TempDir()
	entries, _ := os.ReadDir(parent)
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), tempPrefix)
		pid, err := strconv.Atoi(strings.Split(rest, "-")[0])
		if ok && err == nil && e.IsDir() && !Alive(pid) {
			removeAll(filepath.Join(parent, e.Name()))
		}
	}
	return os.MkdirTemp(parent, tempPrefix+strconv.Itoa(os.Getpid())+"-")
}

// Alive reports whether a process with the given id may exist: yes unless
// the system says it is gone.
func Alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	return !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
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
