package store

import (
	"crypto/rand"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"io"
	"os"
	"strings"
	"sync"
)

// Program names the running program for the IDs of its actions, so that
// what one version of the notebook made is never taken for what another
// would make: by its Go build ID, which the go command derives from
// everything the program is built from, so that go run, which links it
// afresh each time, still finds what its earlier runs made. The build ID
// is read from the ELF note that holds it, far quicker than hashing the
// program; on systems whose programs are not ELF, the program's SHA-256
// names it instead. If the program cannot be read, every run of it is a
// new program.
var Program = sync.OnceValue(func() string {
	exe, _ := os.Executable()
	if id := buildID(exe); id != "" {
		return "go build ID " + id
	}
	h := sha256.New()
	if f, err := os.Open(exe); err == nil {
		defer f.Close()
		if _, err := io.Copy(h, f); err == nil {
			return "sha256 " + hex.EncodeToString(h.Sum(nil))
		}
	}
	return "unknown " + rand.Text()
})

// buildID returns the Go build ID of the ELF program exe, from its note
// .note.go.buildid (name "Go", the ID as its description), or "".
func buildID(exe string) string {
	f, err := elf.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	sec := f.Section(".note.go.buildid")
	if sec == nil {
		return ""
	}
	data, err := sec.Data() // name size, description size, type, name, description
	if err != nil || len(data) < 16 || string(data[12:16]) != "Go\x00\x00" {
		return ""
	}
	return strings.TrimRight(string(data[16:]), "\x00") // padded to 4 bytes
}
