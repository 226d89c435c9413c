package snippets

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gonotebook/notebook/internal/fileline"
	"go.yaml.in/yaml/v3"
)

// Default limits of a run (see Limits).
const (
	DefaultMemory    = 1 << 30 // 1 GiB
	DefaultProcesses = 256
	DefaultFiles     = 1024
	DefaultFileSize  = 256 << 20 // 256 MiB
	DefaultDisk      = 256 << 20 // 256 MiB
)

// Limits bound what one run of a snippet may use. A zero field takes its
// default (DefaultMemory and so on); Load fills them in.
type Limits struct {
	// Memory bounds the memory of every kind the run uses, in bytes (see
	// package box).
	Memory Size `yaml:"memory" json:"memory"`
	// Processes bounds the processes and threads the run has at once.
	Processes int `yaml:"processes" json:"processes"`
	// Files bounds the files each process has open at once.
	Files int `yaml:"files" json:"files"`
	// FileSize bounds the size of any file the run writes, in bytes.
	FileSize Size `yaml:"file_size" json:"file_size"`
	// Disk bounds what the run's working directory holds in all, in
	// bytes.
	Disk Size `yaml:"disk" json:"disk"`
}

// withDefaults returns l with its zero fields set to the defaults.
func (l Limits) withDefaults() Limits {
	if l.Memory == 0 {
		l.Memory = DefaultMemory
	}
	if l.Processes == 0 {
		l.Processes = DefaultProcesses
	}
	if l.Files == 0 {
		l.Files = DefaultFiles
	}
	if l.FileSize == 0 {
		l.FileSize = DefaultFileSize
	}
	if l.Disk == 0 {
		l.Disk = DefaultDisk
	}
	return l
}

// UnmarshalYAML implements yaml.Unmarshaler: it refuses keys it does not
// know and counts that are not positive, naming their line.
func (l *Limits) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: limits: want keys such as memory: 512MiB", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "memory", "file_size", "disk":
		case "processes", "files":
			if c, err := strconv.Atoi(v.Value); err != nil || c <= 0 {
				return fmt.Errorf("line %d: limits: %s %q: want a positive whole number", v.Line, k.Value, v.Value)
			}
		default:
			return fmt.Errorf("line %d: limits: unknown key %q: want memory, processes, files, file_size or disk", k.Line, k.Value)
		}
	}
	type plain Limits // without this method
	return n.Decode((*plain)(l))
}

// Size is a number of bytes, written in snippet.yaml as a whole number of
// bytes or with a binary unit: 4096, 64KiB, 512MiB, 2GiB.
type Size int64

// units are the suffixes a Size may carry, largest first.
var units = []struct {
	suffix string
	bytes  int64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}

// ParseSize reads a Size written as in snippet.yaml.
func ParseSize(text string) (Size, error) {
	s := strings.TrimSpace(text)
	mult := int64(1)
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(num), u.bytes
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("size %q: want a positive whole number of bytes, KiB, MiB or GiB, such as 512MiB", text)
	}
	return Size(n * mult), nil
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (s *Size) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseSize(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %v", n.Line, err)
	}
	*s = v
	return nil
}

// String writes s with the largest binary unit that divides it: "512 MiB".
func (s Size) String() string {
	for _, u := range units {
		if u.bytes > 1 && s != 0 && int64(s)%u.bytes == 0 {
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
	Timeout  Duration // a snippet's run
	Original Duration // an original's run
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
// its ceilings:
//
//	ceilings:
//	  timeout: 1m            # a snippet's run
//	  original_timeout: 1m   # an original's run
//	  memory: 2GiB
//	  processes: 1024
//	  files: 4096
//	  file_size: 1GiB
//	  disk: 1GiB
//
// Each key is optional; DefaultCeilings holds the ones shown.
const CeilingsFile = "notebook.yaml"

// ReadCeilings returns the ceilings that CeilingsFile in root sets over
// DefaultCeilings: DefaultCeilings if there is no such file.
func ReadCeilings(root string) (Ceilings, error) {
	c := DefaultCeilings
	path := filepath.Join(root, CeilingsFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return c, yamlSyntaxError(CeilingsFile, data, err)
	}
	if len(doc.Content) == 0 {
		return c, nil // empty, or only comments
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return c, fileline.Errorf(CeilingsFile, top.Line, "want ceilings: and its keys")
	}
	var errs []error
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if k.Value != "ceilings" || v.Kind != yaml.MappingNode {
			errs = append(errs, fileline.Errorf(CeilingsFile, k.Line, "%s: want ceilings: and its keys, such as timeout: 1m", k.Value))
			continue
		}
		for j := 0; j+1 < len(v.Content); j += 2 {
			if err := c.Set(v.Content[j].Value + "=" + v.Content[j+1].Value); err != nil {
				errs = append(errs, fileline.Errorf(CeilingsFile, v.Content[j].Line, "ceilings: %v", err))
			}
		}
	}
	return c, errors.Join(errs...)
}

// Set sets the ceilings a comma-separated list of key=value names, keys
// as in CeilingsFile: "timeout=2m,memory=4GiB".
func (c *Ceilings) Set(list string) error {
	for kv := range strings.SplitSeq(list, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			return fmt.Errorf("%q: want key=value, as in timeout=2m", kv)
		}
		var err error
		switch k {
		case "timeout", "original_timeout":
			var d time.Duration
			if d, err = time.ParseDuration(v); err == nil && d <= 0 {
				err = fmt.Errorf("want a positive duration")
			}
			if k == "timeout" {
				c.Timeout = Duration(d)
			} else {
				c.Original = Duration(d)
			}
		case "memory", "file_size", "disk":
			var size Size
			size, err = ParseSize(v)
			*map[string]*Size{"memory": &c.Memory, "file_size": &c.FileSize, "disk": &c.Disk}[k] = size
		case "processes", "files":
			var n int
			if n, err = strconv.Atoi(v); err == nil && n <= 0 {
				err = fmt.Errorf("want a positive whole number")
			}
			*map[string]*int{"processes": &c.Processes, "files": &c.Files}[k] = n
		default:
			err = fmt.Errorf("unknown key: want timeout, original_timeout, memory, processes, files, file_size or disk")
		}
		if err != nil {
			return fmt.Errorf("%s: %v", kv, err)
		}
	}
	return nil
}

// String writes c as Set reads it.
func (c *Ceilings) String() string {
	return fmt.Sprintf("timeout=%v,original_timeout=%v,memory=%s,processes=%d,files=%d,file_size=%s,disk=%s",
		time.Duration(c.Timeout), time.Duration(c.Original), sizeText(c.Memory), c.Processes, c.Files, sizeText(c.FileSize), sizeText(c.Disk))
}

// sizeText writes s as Set reads it: "2GiB".
func sizeText(s Size) string { return strings.ReplaceAll(s.String(), " ", "") }

// Bounded returns s with the options a run of it has under c: a default
// above a ceiling lowered to it. An option that the snippet sets above a
// ceiling is an error at its line of snippet.yaml.
func (s *Snippet) Bounded(c Ceilings) (*Snippet, error) {
	b := *s
	o := &b.Options
	var errs []error
	check := func(key string, asked bool, over bool, value, ceiling any, lower func()) {
		switch {
		case over && asked:
			errs = append(errs, fileline.Errorf(filepath.Join(s.Dir, OptionsFile), o.lines[key],
				"%s %v is over the notebook's ceiling of %v: ask for at most that, or raise the ceiling in %s", key, value, ceiling, CeilingsFile))
		case over:
			lower()
		}
	}
	a := o.asked
	check("timeout", a.timeout, o.Timeout > c.Timeout, time.Duration(o.Timeout), time.Duration(c.Timeout), func() { o.Timeout = c.Timeout })
	check("original.timeout", a.original, o.Original.Timeout > c.Original, time.Duration(o.Original.Timeout), time.Duration(c.Original), func() { o.Original.Timeout = c.Original })
	l := &o.Limits
	check("limits.memory", a.limits.Memory != 0, l.Memory > c.Memory, l.Memory, c.Memory, func() { l.Memory = c.Memory })
	check("limits.processes", a.limits.Processes != 0, l.Processes > c.Processes, l.Processes, c.Processes, func() { l.Processes = c.Processes })
	check("limits.files", a.limits.Files != 0, l.Files > c.Files, l.Files, c.Files, func() { l.Files = c.Files })
	check("limits.file_size", a.limits.FileSize != 0, l.FileSize > c.FileSize, l.FileSize, c.FileSize, func() { l.FileSize = c.FileSize })
	check("limits.disk", a.limits.Disk != 0, l.Disk > c.Disk, l.Disk, c.Disk, func() { l.Disk = c.Disk })
	return &b, errors.Join(errs...)
}
