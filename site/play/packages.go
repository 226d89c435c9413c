package play

import "strings"

// Packages are the standard-library packages the browser's interpreter
// carries: those a program can use with no file system, network, processes
// or signals. The interpreter's symbol tables are generated from this list
// (go generate); a snippet that imports anything else is not eligible.
var Packages = []string{
	"bufio", "bytes", "cmp",
	"container/heap", "container/list", "container/ring",
	"context",
	"crypto/md5", "crypto/sha1", "crypto/sha256", "crypto/sha512",
	"encoding", "encoding/base32", "encoding/base64", "encoding/binary",
	"encoding/csv", "encoding/hex", "encoding/json", "encoding/xml",
	"errors", "fmt",
	"hash", "hash/crc32", "hash/fnv",
	"html", "io", "log", "maps",
	"math", "math/big", "math/bits", "math/cmplx", "math/rand",
	"path", "regexp", "slices", "sort", "strconv", "strings",
	"sync", "sync/atomic",
	"text/scanner", "text/tabwriter", "text/template",
	"time", "unicode", "unicode/utf16", "unicode/utf8",
}

// lacks says, for an import path the interpreter does not carry, what a
// program that imports it does that a browser cannot.
func lacks(path string) string {
	switch {
	case path == "os/exec":
		return "starts a subprocess"
	case path == "net" || strings.HasPrefix(path, "net/"):
		return "uses the network"
	case path == "syscall" || path == "os/signal" || strings.HasPrefix(path, "golang.org/x/sys"):
		return "makes system calls"
	case path == "os" || path == "io/fs" || path == "io/ioutil" || path == "path/filepath":
		return "uses the file system"
	case path == "runtime" || strings.HasPrefix(path, "runtime/"):
		return "depends on the Go runtime"
	case strings.Contains(strings.SplitN(path, "/", 2)[0], "."):
		return "imports " + path
	}
	return "imports " + path + ", which the browser lacks"
}
