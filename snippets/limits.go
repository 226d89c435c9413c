package snippets

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Default limits of a run (see Limits).
const (
	DefaultMemory    = 1 << 30 // 1 GiB
	DefaultProcesses = 256
	DefaultFiles     = 1024
	DefaultFileSize  = 256 << 20 // 256 MiB
)

// Limits bound what one run of a snippet may use. A zero field takes its
// default (DefaultMemory and so on); Load fills them in.
type Limits struct {
	// Memory bounds the program's data memory (its heap), in bytes.
	Memory Size `yaml:"memory" json:"memory"`
	// Processes bounds the processes and threads the run has at once.
	Processes int `yaml:"processes" json:"processes"`
	// Files bounds the files each process has open at once.
	Files int `yaml:"files" json:"files"`
	// FileSize bounds the size of any file the run writes, in bytes.
	FileSize Size `yaml:"file_size" json:"file_size"`
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
		case "memory", "file_size":
		case "processes", "files":
			if c, err := strconv.Atoi(v.Value); err != nil || c <= 0 {
				return fmt.Errorf("line %d: limits: %s %q: want a positive whole number", v.Line, k.Value, v.Value)
			}
		default:
			return fmt.Errorf("line %d: limits: unknown key %q: want memory, processes, files or file_size", k.Line, k.Value)
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
