package snippets

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// Find returns the ids of every snippet below root, sorted: every folder
// holding a main.go, but those named testdata or starting with "." or
// "_", and what is below them. A folder whose path is not an id is an
// error naming its main.go. Symbolic links to folders are not followed.
func Find(root string) ([]string, error) {
	ids, _, err := walk(root, false)
	return ids, err
}

// LoadAll finds every snippet below root (see Find) and loads each. It
// returns the ids Find returns and the snippets that loaded, in the same
// order; err joins the errors of finding them and of those that did not
// load.
func LoadAll(root string) (ids []string, loaded []*Snippet, err error) {
	return walk(root, true)
}

// walk finds the snippets below root and, if load is set, loads each. It
// opens each folder from its parent's descriptor and each file from its
// folder's, never following a symbolic link (one to a file is read
// through an os.Root over root), and walks the folders of a folder on
// other cores while some are free: the snippets of a large notebook are
// read on every build, and this takes half the system calls that reading
// each through the os.Root does.
func walk(root string, load bool) (ids []string, loaded []*Snippet, err error) {
	top, err := os.OpenRoot(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil // no snippets folder: no snippets
	}
	if err != nil {
		return nil, nil, err
	}
	defer top.Close()
	fd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, &fs.PathError{Op: "open", Path: root, Err: err}
	}
	var (
		mu    sync.Mutex // guards ids, loaded and errs
		errs  []error
		wg    sync.WaitGroup
		cores = make(chan struct{}, runtime.GOMAXPROCS(0))
	)
	found := func(id string, s *Snippet, err error) {
		mu.Lock()
		defer mu.Unlock()
		if id != "" {
			ids = append(ids, id)
		}
		if s != nil {
			loaded = append(loaded, s)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	var walkDir func(fd int, id string)
	walkDir = func(fd int, id string) {
		dir := os.NewFile(uintptr(fd), filepath.Join(root, filepath.FromSlash(id)))
		defer dir.Close()
		entries, err := dir.ReadDir(-1)
		if err != nil {
			found("", nil, err)
			return
		}
		slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
		for _, e := range entries {
			name := e.Name()
			switch {
			case name == MainFile && !e.IsDir() && id != "":
				if err := CheckID(id); err != nil {
					found("", nil, fmt.Errorf("%s: the folder's name is not a snippet id: %w", filepath.Join(dir.Name(), MainFile), err))
				} else if load {
					s, err := loadDir(top, root, id, entries, func(name string) ([]byte, bool, error) { return readAt(fd, name) })
					found(id, s, err)
				} else {
					found(id, nil, nil)
				}
			case e.IsDir() && name != "testdata" && !strings.HasPrefix(name, ".") && !strings.HasPrefix(name, "_"):
				sub, err := unix.Openat(fd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
				if err != nil {
					found("", nil, &fs.PathError{Op: "open", Path: filepath.Join(dir.Name(), name), Err: err})
					continue
				}
				select {
				case cores <- struct{}{}:
					wg.Go(func() {
						walkDir(sub, path.Join(id, name))
						<-cores
					})
				default:
					walkDir(sub, path.Join(id, name))
				}
			}
		}
	}
	walkDir(fd, "")
	wg.Wait()
	slices.Sort(ids)
	slices.SortFunc(loaded, func(a, b *Snippet) int { return cmp.Compare(a.ID, b.ID) })
	return ids, loaded, errors.Join(errs...)
}

// readAt reads the file name of the folder dirfd, if it is a regular
// file, without following a symbolic link; it reads nothing of a device
// or a pipe (opened without waiting for a writer).
func readAt(dirfd int, name string) ([]byte, bool, error) {
	fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, false, err
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil, false, err
	}
	data := make([]byte, st.Size) // what it holds now
	for n := 0; n < len(data); {
		m, err := unix.Read(fd, data[n:])
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return nil, false, err
		case m == 0:
			return data[:n], true, nil
		}
		n += m
	}
	return data, true, nil
}
