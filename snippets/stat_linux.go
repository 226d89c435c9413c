package snippets

import (
	"io/fs"
	"syscall"

	"golang.org/x/sys/unix"
)

// signature returns the Signature of what info describes.
func signature(info fs.FileInfo) Signature {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return Signature{}
	}
	return Signature{
		Dev:   uint64(st.Dev), // uint32 on some platforms
		Ino:   uint64(st.Ino),
		Size:  int64(st.Size),
		Mode:  uint32(st.Mode),
		MTime: st.Mtim.Nano(),
		CTime: st.Ctim.Nano(),
	}
}

// A folder looks up the files below a folder by their paths from it. On
// Linux it holds the folder open and asks fstatat for each path, which
// neither resolves the folder's own path again nor allocates: a build
// looks up every file of every snippet, and for ten thousand snippets
// os.Lstat's full paths took a third more time.
type folder struct {
	fd int
}

// openFolder opens dir, a folder and not a link to one.
func openFolder(dir string) (*folder, error) {
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: err}
	}
	return &folder{fd}, nil
}

// lstat returns the signature and kind (kindDir, kindFile or kindOther)
// of rel, a slash-separated path below the folder, not following a
// symbolic link it ends in; its error is the system's, without the path.
func (f *folder) lstat(rel string) (Signature, byte, error) {
	var st unix.Stat_t
	for {
		err := unix.Fstatat(f.fd, rel, &st, unix.AT_SYMLINK_NOFOLLOW)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return Signature{}, 0, err
		}
		break
	}
	kind := byte(kindOther)
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		kind = kindDir
	case unix.S_IFREG:
		kind = kindFile
	}
	return Signature{
		Dev:   uint64(st.Dev),
		Ino:   uint64(st.Ino),
		Size:  st.Size,
		Mode:  st.Mode,
		MTime: st.Mtim.Nano(),
		CTime: st.Ctim.Nano(),
	}, kind, nil
}

// Close closes the folder.
func (f *folder) Close() error { return unix.Close(f.fd) }
