// Package snippets says what a snippet is: the Go equivalent of a note's
// code block, its folder, its options and its expected output.
//
// # Snippets
//
// A snippet is a folder below snippets/ that holds a main.go. Its id is the
// folder's slash-separated path below snippets/, made of lower case letters,
// digits and hyphens: "subprocess/parallel-sleep". The id "none" is reserved
// (a note's fence says {snippet=none} to opt out), and so are folders named
// testdata or starting with "." or "_".
//
// main.go is package main, a complete program a reader could copy and go run.
// Its package doc comment (the comment directly above "package main") is the
// Go-side explanation shown beside the code on the site.
//
// # Expected output
//
// expected.txt holds what the program prints: standard output and standard
// error as one stream, in the order written, as on a terminal. It is compared
// line by line. A line may instead describe what varies between runs:
//
//	Finished in 0.1\d\d seconds (re)
//	working (+)
//	elapsed: \d+ms (re) (+)
//
// A line ending in " (re)" is a regular expression (RE2 syntax) that must
// match the whole output line. A line ending in " (+)" stands for one or more
// consecutive output lines, each equal to (or, with " (re)", matching) it.
// A pattern must say what the line looks like: one that would match any
// line at all (".*", ".+") is rejected.
// "go test ./snippets/... -update" rewrites expected.txt from a real run and
// keeps the pattern lines that still match.
//
// # Options
//
// snippet.yaml, optional, holds what belongs to the program rather than to the
// page:
//
//	engine: native        # native (default) or yaegi
//	engine_reason: ...    # why this engine; shown to the author by check --engines
//	timeout: 10s          # the run is killed after this long (default 10s)
//	exit: 0               # the exit status the program must end with
//	stdin: "text"         # its standard input (default: empty, EOF at once)
//	args: [a, b]          # its command-line arguments
//	env: [KEY=value]      # added to its environment
//	unordered: true       # the output's lines may come in any order
//	alone: true           # run with no other snippet running (timing-sensitive)
//	cgo: true             # build with cgo (CGO_ENABLED=1), to import "C"
//	original:             # how the program relates to the block it answers
//	  relation: differs   # same, differs or not-run (see Original)
//	  reason: ...         # why, required for differs and not-run
//	  timeout: 30s        # the original's own run
//	entry: notes/2018-10-30.md#7-why-gil  # the entry it answers, if no block links to it
//	limits:               # what one run may use (each key optional)
//	  memory: 1GiB        # memory of every kind: bytes, KiB, MiB or GiB
//	  processes: 256      # processes and threads at once
//	  files: 1024         # open files per process
//	  file_size: 256MiB   # the size of any file it writes
//	  disk: 256MiB        # all it writes in its working directory
//	equivalent_mutants:   # mutants no expectation can catch (notebook check -mutants)
//	  - mutant: "delete: runtime.GC()"
//	    reason: "..."     # why nothing the program shows changes
//
// The limits shown are the defaults. A run that hits one fails, and the
// failure names the limit ("hit the memory limit (1 GiB)"). alone holds
// across processes: while an alone snippet runs, no other snippet runs on
// the machine, from this build or any other notebook process or test.
//
// # Engines
//
// A snippet runs natively unless its options say engine: yaegi: compiled by
// the go command, or interpreted by github.com/traefik/yaegi v0.16.1, which
// knows the Go 1.22 language and standard library. engine_reason says why a
// snippet keeps the native engine.
//
// # Loading
//
// Load reads one snippet; LoadAll finds and reads every snippet below a
// folder. Every file is read through an os.Root over the snippets folder:
// a symbolic link within it is followed, and one that leads out of it is
// refused, naming the file.
//
// This package only says what a snippet is. Running one, the box a run lives
// in, and the cache of results are package runner's.
package snippets

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
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

// Options are the settings of a snippet's run, read from snippet.yaml as
// the package documentation describes.
type Options struct {
	Engine       string   `yaml:"engine" json:"engine"`
	EngineReason string   `yaml:"engine_reason" json:"-"`
	Timeout      Duration `yaml:"timeout" json:"timeout"`
	Exit         int      `yaml:"exit" json:"exit"`
	Stdin        string   `yaml:"stdin" json:"stdin"`
	Args         []string `yaml:"args" json:"args"`
	Env          []string `yaml:"env" json:"env"`
	Unordered    bool     `yaml:"unordered" json:"-"`
	Alone        bool     `yaml:"alone" json:"-"`
	Cgo          bool     `yaml:"cgo" json:"cgo"`
	Limits       Limits   `yaml:"limits" json:"limits"`
	// Original says how the program relates to the block it answers.
	Original Original `yaml:"original" json:"-"`
	// Entry names the entry of a note the snippet answers with no block.
	Entry string `yaml:"entry" json:"-"`
	// EquivalentMutants acknowledge mutants that change nothing shown.
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

// How a snippet's output relates to its original's.
const (
	// Same: the original's output meets expected.txt too, patterns and
	// all; the build runs the original and fails when it does not.
	Same = "same"
	// Differs: both outputs are shown, with the reason they differ.
	Differs = "differs"
	// NotRun: the original is not run, for the reason given.
	NotRun = "not-run"
)

// Original is the snippet's relation to the block it answers, the
// original. With same or differs, the build runs a Python block as
// written, with python3, in a box like a snippet's, and shows its output
// beside the Go output.
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

// A Snippet is one Go equivalent: its folder, program, options and expected
// output.
type Snippet struct {
	// ID is the snippet's path below snippets/.
	ID string
	// Dir is the snippet's folder on disk.
	Dir string
	// Source is main.go.
	Source []byte
	// Doc is main.go's package doc comment as plain text.
	Doc string
	// Code is main.go without its package doc comment: what the page shows
	// below the explanation.
	Code string
	// Options are read from snippet.yaml, with defaults filled in.
	Options Options
	// Expect is the expected output, or nil when expected.txt is missing.
	Expect *Expectation
	// Files are the names of every file in Dir, sorted.
	Files []string
	// Sum is the SHA-256, in hex, of the files a run can read: every
	// file in Files but expected.txt, by name, length and content, as
	// Load read them. A run's result depends on nothing else in the
	// folder, so package runner keys results by it.
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

// load reads the snippet id through r, the snippets folder root, open,
// so that a file that is a symbolic link out of the folder is refused.
func load(r *os.Root, root, id string) (*Snippet, error) {
	dir := filepath.Join(root, filepath.FromSlash(id))
	entries, err := fs.ReadDir(r.FS(), id)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &NotFoundError{ID: id, Dir: dir}
	}
	if err != nil {
		return nil, err
	}
	s := &Snippet{ID: id, Dir: dir, Options: defaults}
	data := map[string][]byte{}
	h := sha256.New()
	for _, e := range entries {
		name := path.Join(id, e.Name())
		info, err := r.Stat(name) // through a link, if it is one
		if err != nil {
			return nil, readError(filepath.Join(dir, e.Name()), err)
		}
		if !info.Mode().IsRegular() {
			continue // a folder, a device, a pipe: nothing a run reads
		}
		b, err := r.ReadFile(name)
		if err != nil {
			return nil, readError(filepath.Join(dir, e.Name()), err)
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
		return nil, &NotFoundError{ID: id, Dir: dir}
	}
	if err := s.parseSource(); err != nil {
		return nil, err
	}
	if opts, ok := data[OptionsFile]; ok {
		if err := parseOptions(filepath.Join(dir, OptionsFile), opts, &s.Options); err != nil {
			return nil, err
		}
	}
	if expect, ok := data[ExpectFile]; ok {
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
