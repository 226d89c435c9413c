package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// A machineLock is the lock that every notebook process and test binary
// of one user takes around each run, so that a snippet that asks to run
// alone does, whichever of the user's processes runs it: a shared flock
// on main for an ordinary run, an exclusive one for an alone run. A
// turnstile, an exclusive flock that every run passes before it takes
// main and that an alone run holds while it waits, keeps ordinary runs
// from starving an alone one. The files are the user's own (mode 0600, in
// the user's cache folder): no other user can open them, so none can
// hold the lock and stop the user's builds.
type machineLock struct {
	main, turnstile string
}

// defaultMachineLock is the lock in the user's cache folder, or in a
// folder of the user's own in the system's temporary folder if there is
// no cache folder.
func defaultMachineLock() machineLock {
	dir, err := os.UserCacheDir()
	if err == nil {
		dir = filepath.Join(dir, "notebook-lock")
	} else {
		dir = filepath.Join(os.TempDir(), fmt.Sprintf("notebook-lock-%d", os.Getuid()))
	}
	return machineLock{main: filepath.Join(dir, "alone.lock"), turnstile: filepath.Join(dir, "alone.turnstile")}
}

// acquire takes the lock, exclusively if alone, and returns the function
// that releases it. It waits as long as the lock is held, or until ctx is
// done.
func (m machineLock) acquire(ctx context.Context, alone bool) (release func(), err error) {
	gate, err := openLock(m.turnstile)
	if err != nil {
		return nil, err
	}
	defer gate.Close() // closing releases the turnstile
	if err := take(ctx, gate, syscall.LOCK_EX); err != nil {
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
	if err := take(ctx, f, how); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}

// take locks f as how says, without blocking in the kernel: while the
// lock is held, it tries again after a pause that grows to 50 ms, until
// ctx is done.
func take(ctx context.Context, f *os.File, how int) error {
	pause := time.Millisecond
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.EINTR):
			continue
		case !errors.Is(err, syscall.EWOULDBLOCK):
			return fmt.Errorf("locking %s: %v", f.Name(), err)
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		pause = min(2*pause, 50*time.Millisecond)
	}
}

// openLock opens a lock file, making it and its folder, the user's own,
// if need be. A file that is not the user's own or that others may open,
// or in a folder that others may write, is refused: another could hold
// the lock.
func openLock(name string) (*os.File, error) {
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("making the run lock's folder: %v", err)
	}
	f, err := os.OpenFile(name, os.O_CREATE|os.O_RDONLY|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the run lock: %v", err)
	}
	for p, others := range map[string]os.FileMode{dir: 0o022, name: 0o077} {
		info, err := os.Lstat(p)
		if err != nil {
			f.Close()
			return nil, err
		}
		st, ok := info.Sys().(*syscall.Stat_t)
		if ok && (int(st.Uid) != os.Getuid() || info.Mode().Perm()&others != 0) {
			f.Close()
			return nil, fmt.Errorf("the run lock %s is not the user's own (owner %d, mode %v): remove it", p, st.Uid, info.Mode().Perm())
		}
	}
	return f, nil
}
