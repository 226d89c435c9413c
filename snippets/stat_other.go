//go:build !linux

package snippets

import (
	"io/fs"
	"os"
	"path/filepath"
)

// signature returns the Signature of what info describes: here, without
// a change time, which the index then never trusts (see Index).
func signature(info fs.FileInfo) Signature {
	return Signature{Size: info.Size(), Mode: uint32(info.Mode()), MTime: info.ModTime().UnixNano()}
}

// A folder looks up the files below a folder by their paths from it.
type folder struct {
	dir string
}

// openFolder opens dir, a folder and not a link to one.
func openFolder(dir string) (*folder, error) {
	info, err := os.Lstat(dir)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: fs.ErrInvalid}
	}
	return &folder{dir}, nil
}

// lstat returns the signature and kind (kindDir, kindFile or kindOther)
// of rel, a slash-separated path below the folder, not following a
// symbolic link it ends in; its error is the system's, without the path.
func (f *folder) lstat(rel string) (Signature, byte, error) {
	info, err := os.Lstat(filepath.Join(f.dir, filepath.FromSlash(rel)))
	if err != nil {
		if pe, ok := err.(*fs.PathError); ok {
			err = pe.Err
		}
		return Signature{}, 0, err
	}
	kind := byte(kindOther)
	switch {
	case info.IsDir():
		kind = kindDir
	case info.Mode().IsRegular():
		kind = kindFile
	}
	return signature(info), kind, nil
}

// Close closes the folder.
func (f *folder) Close() error { return nil }
