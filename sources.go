// Package notebook holds, embedded, the sources of the in-browser Go
// interpreter: its main package (site/play/wasm), the packages of this
// module it imports, and the module's go.mod and go.sum. Package play
// builds the interpreter from them in a module of its own, so that a
// notebook in any folder, a Go module or not, gets Run.
package notebook

import "embed"

// PlaySources are the interpreter's sources, at their paths in the module.
//
//go:embed go.mod go.sum site/play/wasm/*.go site/play/internal/golike/*.go internal/gopanic/*.go
var PlaySources embed.FS
