package runner

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// A tempRoot is the folder that holds a Runner's temporary folders (its
// runs' working directories and compiled programs), and the lock by which
// other Runners know it is alive: a Runner holds an exclusive flock on
// tempRoot/lock as long as it lives, and the kernel releases it when the
// process dies, however it dies. A new Runner removes the folders of the
// dead.
type tempRoot struct {
	dir  string
	lock *os.File
}

// Names of temporary roots, in their parent folder.
const (
	rootPrefix    = "notebook-runner-"
	newRootPrefix = ".notebook-runner-new-" // not yet locked: never removed
	rootLock      = "lock"
)

// newTempRoot removes the temporary roots of dead Runners in parent, then
// makes and locks one of its own. A root is locked before it gets its
// final name, so that no other Runner ever sees it unlocked.
func newTempRoot(parent string) (*tempRoot, error) {
	removeDeadRoots(parent)
	tmp, err := os.MkdirTemp(parent, newRootPrefix)
	if err != nil {
		return nil, err
	}
	lock, err := os.OpenFile(filepath.Join(tmp, rootLock), os.O_CREATE|os.O_RDWR, 0o600)
	if err == nil {
		err = syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	}
	if err != nil {
		if lock != nil {
			lock.Close()
		}
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("locking %s: %v", tmp, err)
	}
	dir := filepath.Join(parent, rootPrefix+strings.TrimPrefix(filepath.Base(tmp), newRootPrefix))
	if err := os.Rename(tmp, dir); err != nil {
		lock.Close()
		os.RemoveAll(tmp)
		return nil, err
	}
	return &tempRoot{dir: dir, lock: lock}, nil
}

// removeDeadRoots removes every temporary root in parent that no living
// Runner holds. It is best effort: what it cannot remove stays.
func removeDeadRoots(parent string) {
	dirs, _ := filepath.Glob(filepath.Join(parent, rootPrefix+"*"))
	for _, dir := range dirs {
		lock, err := os.Open(filepath.Join(dir, rootLock))
		if err != nil {
			continue
		}
		err = syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			os.RemoveAll(dir) // its Runner is dead; we hold its lock while removing
		}
		lock.Close()
	}
}

// Close removes the root and everything in it, then releases its lock.
func (t *tempRoot) Close() error {
	err := os.RemoveAll(t.dir)
	return errors.Join(err, t.lock.Close())
}

// A machineLock is the lock that every notebook process and test binary
// on the machine takes around each run, so that a snippet that asks to run
// alone does, whichever process runs it: a shared flock on main for an
// ordinary run, an exclusive one for an alone run. A turnstile, an
// exclusive flock that every run passes before it takes main and that an
// alone run holds while it waits, keeps ordinary runs from starving an
// alone one.
type machineLock struct {
	main, turnstile string
}

// defaultMachineLock is the lock in the system's temporary folder.
func defaultMachineLock() machineLock {
	return lockIn(os.TempDir())
}

// lockIn is the machine lock whose files are in dir.
func lockIn(dir string) machineLock {
	return machineLock{
		main:      filepath.Join(dir, "notebook-alone.lock"),
		turnstile: filepath.Join(dir, "notebook-alone.turnstile"),
	}
}

// errBusy says that a lock is held and the caller would not wait.
var errBusy = errors.New("the run lock is held")

// acquire takes the lock, exclusively if alone, and returns the function
// that releases it. It waits as long as the lock is held otherwise, or
// until ctx is done; if wait is false, it returns errBusy instead.
func (m machineLock) acquire(ctx context.Context, alone, wait bool) (release func(), err error) {
	gate, err := openLock(m.turnstile)
	if err != nil {
		return nil, err
	}
	defer gate.Close() // closing releases the turnstile
	if err := take(ctx, gate, syscall.LOCK_EX, wait); err != nil {
		return nil, err
	}
	f, err := openLock(m.main)
	if err != nil {
		return nil, err
	}
	how := syscall.LOCK_SH
	if alone {
		how = syscall.LOCK_EX
	}
	if err := take(ctx, f, how, wait); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}

// Bounds of the pause between two tries at a held lock.
const (
	firstPause = time.Millisecond
	maxPause   = 50 * time.Millisecond
)

// take locks f as how says, without blocking in the kernel: while the
// lock is held, it tries again after a pause that grows to maxPause, until
// ctx is done; if wait is false, it returns errBusy at once.
func take(ctx context.Context, f *os.File, how int, wait bool) error {
	pause := firstPause
	for {
		err := flock(f, how|syscall.LOCK_NB)
		if !errors.Is(err, errBusy) || !wait {
			return err
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		pause = min(2*pause, maxPause)
	}
}

// openLock opens a lock file, read-only, so that a file another user made
// serves as well; it makes the file, readable by all, only if it is not
// there. An existing file is opened without O_CREATE, which the kernel
// refuses (fs.protected_regular) for another user's file in a sticky
// folder such as /tmp.
func openLock(name string) (*os.File, error) {
	for range 2 {
		f, err := os.Open(name)
		if !errors.Is(err, fs.ErrNotExist) {
			if err != nil {
				return nil, fmt.Errorf("opening the run lock: %v", err)
			}
			return f, nil
		}
		f, err = os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_RDONLY, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue // made by another process meanwhile: open theirs
		}
		if err != nil {
			return nil, fmt.Errorf("making the run lock: %v", err)
		}
		f.Chmod(0o644) // whatever the umask: every user's runs share it
		return f, nil
	}
	return nil, fmt.Errorf("opening the run lock %s: it comes and goes", name)
}

// flock takes a lock on f, retrying when a signal interrupts the wait.
func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return errBusy
		}
		if !errors.Is(err, syscall.EINTR) {
			if err != nil {
				return fmt.Errorf("locking %s: %v", f.Name(), err)
			}
			return nil
		}
	}
}
