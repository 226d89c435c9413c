package snippets

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gonotebook/notebook/internal/fileline"
)

// Find returns the ids of every snippet below root, sorted: every folder
// holding a main.go, but those named testdata or starting with "." or
// "_", and what is below them. A folder whose path is not an id is an
// error naming its main.go. Symbolic links to folders are not followed.
func Find(root string) ([]string, error) {
	var ids []string
	var errs []error
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && p != root && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_")):
			return fs.SkipDir
		case d.IsDir() || d.Name() != MainFile:
			return nil
		}
		rel, err := filepath.Rel(root, filepath.Dir(p))
		if err != nil || rel == "." {
			return err
		}
		id := filepath.ToSlash(rel)
		if err := CheckID(id); err != nil {
			errs = append(errs, fmt.Errorf("%s: the folder's name is not a snippet id: %w", p, err))
			return nil
		}
		ids = append(ids, id)
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		err = nil // no snippets folder: no snippets
	}
	slices.Sort(ids)
	return ids, errors.Join(append(errs, err)...)
}

// LoadAll finds every snippet below root (see Find) and loads each, on
// every core. It returns the ids Find returned and the snippets that
// loaded, in the same order; err joins the errors of finding them and of
// those that did not load.
func LoadAll(root string) (ids []string, loaded []*Snippet, err error) {
	ids, err = Find(root)
	if len(ids) == 0 {
		return ids, nil, err
	}
	r, rerr := os.OpenRoot(root)
	if rerr != nil {
		return ids, nil, errors.Join(err, rerr)
	}
	defer r.Close()
	all := make([]*Snippet, len(ids))
	lerr := fileline.Each(len(ids), func(i int) (err error) {
		all[i], err = load(r, root, ids[i])
		return err
	})
	loaded = slices.DeleteFunc(all, func(s *Snippet) bool { return s == nil })
	return ids, loaded, errors.Join(lerr, err)
}
