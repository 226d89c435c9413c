package snippets

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/gonotebook/notebook/internal/fileline"
	"go.yaml.in/yaml/v3"
)

// Limits bound what one run of a snippet may use (see package box). A
// snippet's defaults are memory: 1GiB, processes: 256, files: 1024,
// file_size: 256MiB and disk: 256MiB.
type Limits struct {
	Memory    Size  `yaml:"memory" json:"memory"`       // memory of every kind
	Processes Count `yaml:"processes" json:"processes"` // processes and threads at once
	Files     Count `yaml:"files" json:"files"`         // open files per process
	FileSize  Size  `yaml:"file_size" json:"file_size"` // the size of any file written
	Disk      Size  `yaml:"disk" json:"disk"`           // all the working directory holds
}

// Count is a positive whole number in snippet.yaml.
type Count int

// UnmarshalYAML implements yaml.Unmarshaler.
func (c *Count) UnmarshalYAML(n *yaml.Node) error {
	v, err := strconv.Atoi(n.Value)
	if err != nil || v <= 0 {
		return fmt.Errorf("%q: want a positive whole number", n.Value)
	}
	*c = Count(v)
	return nil
}

// Size is a number of bytes, written in snippet.yaml as a whole number of
// bytes or with a binary unit: 4096, 64KiB, 512MiB, 2GiB.
type Size int64

// units are the suffixes a Size may carry, largest first.
var units = []struct {
	suffix string
	bytes  int64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}

// UnmarshalYAML implements yaml.Unmarshaler.
func (s *Size) UnmarshalYAML(n *yaml.Node) error {
	text, mult := strings.TrimSpace(n.Value), int64(1)
	for _, u := range units {
		if num, ok := strings.CutSuffix(text, u.suffix); ok {
			text, mult = strings.TrimSpace(num), u.bytes
			break
		}
	}
	v, err := strconv.ParseInt(text, 10, 64)
	if err != nil || v <= 0 || v > (1<<62)/mult {
		return fmt.Errorf("size %q: want a positive whole number of bytes, KiB, MiB or GiB, such as 512MiB", n.Value)
	}
	*s = Size(v * mult)
	return nil
}

// String writes s with the largest binary unit that divides it: "512 MiB".
func (s Size) String() string {
	for _, u := range units[:3] {
		if s != 0 && int64(s)%u.bytes == 0 {
			return fmt.Sprintf("%d %s", int64(s)/u.bytes, u.suffix)
		}
	}
	return fmt.Sprintf("%d bytes", int64(s))
}

// Ceilings are the most a notebook lets any run use. They are the
// notebook's, not a snippet's: a snippet's options may ask for less than
// the defaults, or for more only up to the ceilings; a default above a
// ceiling is lowered to it.
type Ceilings struct {
	Timeout  Duration `yaml:"timeout"`          // a snippet's run
	Original Duration `yaml:"original_timeout"` // an original's run
	Limits
}

// DefaultCeilings are a notebook's ceilings unless CeilingsFile or the
// command line says otherwise.
var DefaultCeilings = Ceilings{
	Timeout:  Duration(time.Minute),
	Original: Duration(time.Minute),
	Limits:   Limits{Memory: 2 << 30, Processes: 1024, Files: 4096, FileSize: 1 << 30, Disk: 1 << 30},
}

// CeilingsFile is the optional file, at the root of a notebook, that sets
// its ceilings over DefaultCeilings: under "ceilings:", any of the keys
// timeout, original_timeout and those of Limits, as in "memory: 4GiB".
const CeilingsFile = "notebook.yaml"

// ReadCeilings returns the ceilings that CeilingsFile in root sets over
// DefaultCeilings: DefaultCeilings if there is no such file.
func ReadCeilings(root string) (Ceilings, error) {
	file := struct {
		Ceilings Ceilings `yaml:"ceilings"`
	}{DefaultCeilings}
	data, err := os.ReadFile(filepath.Join(root, CeilingsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return file.Ceilings, nil
	}
	if err == nil {
		_, err = decodeYAML(CeilingsFile, data, &file)
	}
	return file.Ceilings, err
}

// Set sets the ceilings that list names as comma-separated key=value
// pairs, keys as in CeilingsFile: "timeout=2m,memory=4GiB". Its errors
// name the list "-ceilings", as the command line does.
func (c *Ceilings) Set(list string) error {
	pairs := &yaml.Node{Kind: yaml.MappingNode}
	for kv := range strings.SplitSeq(list, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			return fmt.Errorf("-ceilings: %q: want key=value, as in timeout=2m", kv)
		}
		pairs.Content = append(pairs.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, &yaml.Node{Kind: yaml.ScalarNode, Value: v})
	}
	d := decoder{path: "-ceilings", lines: map[string]int{}}
	return d.decode("", pairs, reflect.ValueOf(c).Elem())
}

// Bounded returns s with the options a run of it has under c: a default
// above a ceiling lowered to it. An option that the snippet sets above a
// ceiling is an error at its line of snippet.yaml.
func (s *Snippet) Bounded(c Ceilings) (*Snippet, error) {
	b := *s
	o, l := &b.Options, &b.Options.Limits
	file := filepath.Join(s.Dir, OptionsFile)
	return &b, errors.Join(
		bound(file, o.lines, "timeout", &o.Timeout, c.Timeout),
		bound(file, o.lines, "original.timeout", &o.Original.Timeout, c.Original),
		bound(file, o.lines, "limits.memory", &l.Memory, c.Memory),
		bound(file, o.lines, "limits.processes", &l.Processes, c.Processes),
		bound(file, o.lines, "limits.files", &l.Files, c.Files),
		bound(file, o.lines, "limits.file_size", &l.FileSize, c.FileSize),
		bound(file, o.lines, "limits.disk", &l.Disk, c.Disk),
	)
}

// bound lowers *v to ceiling if it is over it, unless the snippet's file
// sets it, at lines[key]: then that is an error.
func bound[T cmp.Ordered](file string, lines map[string]int, key string, v *T, ceiling T) error {
	line, asked := lines[key]
	switch {
	case *v <= ceiling:
		return nil
	case asked:
		return fileline.Errorf(file, line, "%s %v is over the notebook's ceiling of %v: ask for at most that, or raise the ceiling in %s", key, *v, ceiling, CeilingsFile)
	}
	*v = ceiling
	return nil
}
