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

// A machineLock is the folder of the lock that every notebook process of
// one user takes around each run, so that a snippet that asks to run alone
// does: a shared flock on alone.lock for an ordinary run, an exclusive one
// for an alone run. Every run passes a turnstile first (an exclusive flock
// on alone.turnstile, which an alone run holds while it waits), so that
// ordinary runs cannot starve an alone one. No other user can open the
// files, so none can hold the lock and stop the user's builds.
type machineLock string

// defaultMachineLock is the lock in the user's cache folder, else in the
// system's temporary folder.
func defaultMachineLock() machineLock {
	if dir, err := os.UserCacheDir(); err == nil {
		return machineLock(filepath.Join(dir, "notebook-lock"))
	}
	return machineLock(filepath.Join(os.TempDir(), fmt.Sprintf("notebook-lock-%d", os.Getuid())))
}

// acquire takes the lock, exclusively if alone, and returns the function
// that releases it. It waits as long as the lock is held, or until ctx is
// done.
func (m machineLock) acquire(ctx context.Context, alone bool) (release func(), err error) {
	gate, err := m.take(ctx, "alone.turnstile", syscall.LOCK_EX)
	if err != nil {
		return nil, err
	}
	defer gate.Close() // closing releases the turnstile
	how := syscall.LOCK_SH
	if alone {
		how = syscall.LOCK_EX
	}
	f, err := m.take(ctx, "alone.lock", how)
	if err != nil {
		return nil, err
	}
	return func() { f.Close() }, nil
}

// take opens the lock file name, making it and the lock's folder if need
// be, and locks it as how says, trying again after a pause that grows to
// 50 ms until ctx is done. A file or folder that is not the user's own,
// or that others may open or write, is refused.
func (m machineLock) take(ctx context.Context, name string, how int) (*os.File, error) {
	dir, name := string(m), filepath.Join(string(m), name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("making the run lock's folder: %v", err)
	}
	f, err := os.OpenFile(name, os.O_CREATE|os.O_RDONLY|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the run lock: %v", err)
	}
	for p, others := range map[string]os.FileMode{dir: 0o022, name: 0o077} {
		info, err := os.Lstat(p)
		if err == nil {
			if st, ok := info.Sys().(*syscall.Stat_t); ok && (int(st.Uid) != os.Getuid() || info.Mode().Perm()&others != 0) {
				err = fmt.Errorf("the run lock %s is not the user's own (owner %d, mode %v): remove it", p, st.Uid, info.Mode().Perm())
			}
		}
		if err != nil {
			f.Close()
			return nil, err
		}
	}
	for pause := time.Millisecond; ; pause = min(2*pause, 50*time.Millisecond) {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("locking %s: %v", name, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(pause):
		}
	}
}
