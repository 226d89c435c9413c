// Package snippets says what a snippet is: the Go equivalent of a note's
// code block, its folder, its options and its expected output. The
// README's "Writing notes" gives the same contract in brief.
//
// # Snippets
//
// A snippet is a folder below snippets/ holding a main.go: package main, a
// complete program a reader could copy and go run, whose package doc
// comment is the Go-side explanation shown beside the code. Its id is the
// folder's slash-separated path below snippets/, of lower case letters,
// digits and hyphens: "subprocess/parallel-sleep". The id "none" is
// reserved (a fence says {snippet=none} to opt out), and folders named
// testdata or starting with "." or "_" hold no snippets.
//
// # Expected output
//
// expected.txt holds what the program prints, standard output and
// standard error as one stream in the order written, as on a terminal,
// compared line by line. A line ending in " (re)" is a regular expression
// (RE2 syntax) that must match the whole output line; one ending in " (+)"
// stands for one or more consecutive lines, each equal to (or, with
// " (re)", matching) it:
//
//	Finished in 0.1\d\d seconds (re)
//	working (+)
//	elapsed: \d+ms (re) (+)
//
// A pattern that would match any line at all (".*", ".+") is rejected.
// "go test ./snippets/... -update" rewrites expected.txt from a real run,
// keeping the pattern lines that still match.
//
// # Options
//
// snippet.yaml, optional, holds what belongs to the program rather than to
// the page: how to run it, what a run may use (its Limits, which the
// notebook's Ceilings bound), how it relates to the block it answers (its
// Original). Its keys are the yaml tags of Options, whose fields say what
// each means; the README's "Writing notes" shows them all with their
// defaults. A run that hits a limit fails naming it ("hit the memory limit
// (1 GiB)").
//
// # Engines
//
// A snippet runs natively, compiled by the go command, unless its options
// say engine: yaegi: interpreted by github.com/traefik/yaegi v0.16.1, which
// knows the Go 1.22 language and standard library.
//
// # Loading
//
// Load reads one snippet; LoadAll finds and reads every snippet below a
// folder. A file that is a symbolic link is read through an os.Root over
// the snippets folder: a link within it is followed, one that leads out
// of it is refused, naming the file. Running a snippet, the box a run
// lives in and the cache of results are package runner's.
package snippets

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/gonotebook/notebook/internal/fileline"
	"go.yaml.in/yaml/v3"
)

// File names inside a snippet folder.
const (
	MainFile    = "main.go"
	ExpectFile  = "expected.txt"
	OptionsFile = "snippet.yaml"
)

// Engines.
const (
	Native = "native"
	Yaegi  = "yaegi"
)

// None is the reserved id with which a fence opts out of having a snippet.
const None = "none"

// Options are a snippet's settings, read from snippet.yaml: each key a
// field's yaml tag, every key optional, with the default in brackets.
type Options struct {
	Engine       string   `yaml:"engine" json:"engine"`   // native or yaegi (native): see Engines
	EngineReason string   `yaml:"engine_reason" json:"-"` // why this engine; shown by check --engines
	Timeout      Duration `yaml:"timeout" json:"timeout"` // the run is killed after this long (10s)
	Exit         int      `yaml:"exit" json:"exit"`       // the exit status the program must end with (0)
	Stdin        string   `yaml:"stdin" json:"stdin"`     // its standard input (none: EOF at once)
	Args         []string `yaml:"args" json:"args"`       // its command-line arguments
	Env          []string `yaml:"env" json:"env"`         // KEY=value entries added to its environment
	Unordered    bool     `yaml:"unordered" json:"-"`     // the output's lines may come in any order
	Alone        bool     `yaml:"alone" json:"-"`         // no other snippet runs meanwhile, in any notebook process
	Cgo          bool     `yaml:"cgo" json:"cgo"`         // build with CGO_ENABLED=1, to import "C"
	Limits       Limits   `yaml:"limits" json:"limits"`   // what a run may use
	Original     Original `yaml:"original" json:"-"`      // its relation to the block it answers
	Entry        string   `yaml:"entry" json:"-"`         // the entry it answers if no block links to it: notes/2018-10-30.md#7-why-gil

	// EquivalentMutants acknowledge mutants that no expectation can catch
	// (notebook check -mutants).
	EquivalentMutants []Equivalent `yaml:"equivalent_mutants" json:"-"`

	// lines holds the line of each value snippet.yaml sets, by its path:
	// "limits.memory", "env.0". Only those can be over a ceiling.
	lines map[string]int
}

// defaults are the options of a snippet whose snippet.yaml does not set
// them.
var defaults = Options{
	Engine:   Native,
	Timeout:  Duration(10 * time.Second),
	Original: Original{Timeout: Duration(30 * time.Second)},
	Limits:   Limits{Memory: 1 << 30, Processes: 256, Files: 1024, FileSize: 256 << 20, Disk: 256 << 20},
}

// How a snippet's output relates to its original's: with Same, the
// original's output meets expected.txt too, or the build fails; with
// Differs, both are shown with the reason they differ; with NotRun, the
// original is not run, for the reason given.
const (
	Same    = "same"
	Differs = "differs"
	NotRun  = "not-run"
)

// Original is the snippet's relation to the block it answers, the
// original. With same or differs, the build runs a Python block as
// written, with python3, in a box like a snippet's (its timeout 30s unless
// set), and shows its output beside the Go output.
type Original struct {
	Relation string   `yaml:"relation"`
	Reason   string   `yaml:"reason"`
	Timeout  Duration `yaml:"timeout"`
}

// Runs reports whether the original is to be run.
func (o *Original) Runs() bool { return o.Relation == Same || o.Relation == Differs }

// An Equivalent acknowledges a mutant that no expectation can tell from
// the program: the mutant's name, as notebook check -mutants prints it,
// and why nothing the program shows changes.
type Equivalent struct {
	Mutant string `yaml:"mutant"`
	Reason string `yaml:"reason"`
}

// Duration is a time.Duration written as "10s" or "1m30s" in snippet.yaml.
type Duration time.Duration

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || v <= 0 {
		return fmt.Errorf("%q: want a positive duration such as 10s or 1m", n.Value)
	}
	*d = Duration(v)
	return nil
}

func (d Duration) String() string { return time.Duration(d).String() }

// A Snippet is one Go equivalent, as Load read it.
type Snippet struct {
	ID      string       // the snippet's path below snippets/
	Dir     string       // its folder on disk
	Source  []byte       // main.go
	Doc     string       // main.go's package doc comment, as plain text
	Code    string       // main.go without its doc comment: what the page shows below it
	Options Options      // from snippet.yaml, over the defaults
	Expect  *Expectation // from expected.txt; nil when there is none
	Files   []string     // the names of every file in Dir, sorted
	// Sum is the SHA-256, in hex, of every file in Files but expected.txt,
	// by name, length and content: all a run can read, so package runner
	// keys results by it.
	Sum string
}

// ExpectPath is the path of the snippet's expected output file.
func (s *Snippet) ExpectPath() string { return filepath.Join(s.Dir, ExpectFile) }

// Load reads the snippet with the given id from root, the snippets folder.
func Load(root, id string) (*Snippet, error) {
	if err := CheckID(id); err != nil {
		return nil, err
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return load(r, root, id)
}

// readRegular reads the file name of r, through a link if it is one, and
// reports whether it is a regular file; it reads nothing of a folder, a
// device or a pipe (opened without waiting for a writer).
func readRegular(r *os.Root, name string) ([]byte, bool, error) {
	f, err := r.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return nil, false, err
	}
	b, err := io.ReadAll(f)
	return b, true, err
}

// load reads the snippet id through r, the snippets folder root, open.
func load(r *os.Root, root, id string) (*Snippet, error) {
	dir, err := r.OpenRoot(filepath.FromSlash(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &NotFoundError{ID: id, Dir: filepath.Join(root, filepath.FromSlash(id))}
	}
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	entries, err := fs.ReadDir(dir.FS(), ".")
	if err != nil {
		return nil, err
	}
	return loadDir(r, root, id, entries, func(name string) ([]byte, bool, error) { return readRegular(dir, name) })
}

// loadDir reads the snippet id from its folder, whose entries are given:
// read reads a regular file of the folder by name; one that is a symbolic
// link is read through top, the snippets folder root, open, so that a link
// within the snippets folder is followed and one out of it is refused.
func loadDir(top *os.Root, root, id string, entries []fs.DirEntry, read func(name string) ([]byte, bool, error)) (*Snippet, error) {
	dirName := filepath.Join(root, filepath.FromSlash(id))
	s := &Snippet{ID: id, Dir: dirName, Options: defaults}
	data := map[string][]byte{}
	h := sha256.New()
	for _, e := range entries {
		var b []byte
		var regular bool
		var err error
		switch {
		case e.Type().IsRegular():
			b, regular, err = read(e.Name())
		case e.Type()&fs.ModeSymlink != 0:
			b, regular, err = readRegular(top, path.Join(id, e.Name()))
		}
		if err != nil {
			return nil, readError(filepath.Join(dirName, e.Name()), err)
		}
		if !regular {
			continue // a folder, a device, a pipe: nothing a run reads
		}
		s.Files = append(s.Files, e.Name())
		data[e.Name()] = b
		if e.Name() != ExpectFile {
			fmt.Fprintf(h, "%s\x00%d\x00", e.Name(), len(b))
			h.Write(b)
		}
	}
	s.Sum = hex.EncodeToString(h.Sum(nil))
	if s.Source = data[MainFile]; s.Source == nil {
		return nil, &NotFoundError{ID: id, Dir: dirName}
	}
	if err := s.parseSource(); err != nil {
		return nil, err
	}
	if opts, ok := data[OptionsFile]; ok {
		if err := parseOptions(filepath.Join(dirName, OptionsFile), opts, &s.Options); err != nil {
			return nil, err
		}
	}
	if expect, ok := data[ExpectFile]; ok {
		var err error
		if s.Expect, err = ParseExpectation(s.ExpectPath(), expect); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// readError says why the file name could not be read: a symbolic link that
// leads out of the snippets folder is named as one.
func readError(name string, err error) error {
	if fileline.Escapes(err) {
		return fileline.Errorf(name, 0, "a symbolic link out of the snippets folder: not read")
	}
	return err
}

// parseSource checks that main.go is package main and splits off its doc
// comment.
func (s *Snippet) parseSource() error {
	name := filepath.Join(s.Dir, MainFile)
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, s.Source, parser.PackageClauseOnly|parser.ParseComments)
	if err != nil {
		return err
	}
	if f.Name.Name != "main" {
		return fileline.Errorf(name, fset.Position(f.Package).Line, "a snippet is package main, not package %s", f.Name.Name)
	}
	s.Code = string(s.Source)
	if f.Doc != nil {
		s.Doc = f.Doc.Text()
		end := fset.Position(f.Doc.End()).Offset
		start := fset.Position(f.Doc.Pos()).Offset
		s.Code = string(s.Source[:start]) + strings.TrimLeft(string(s.Source[end:]), "\n")
	}
	return nil
}

// A NotFoundError says that no snippet folder exists for an id.
type NotFoundError struct {
	ID, Dir string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("no snippet %q: %s has no %s", e.ID, e.Dir, MainFile)
}
