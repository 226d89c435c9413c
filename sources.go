// Package notebook embeds the sources of the in-browser Go interpreter:
// its main package (site/play/wasm), the packages of this module it
// imports, go.mod and go.sum. Package play builds it from them in a module
// of its own, so that a notebook in any folder, Go module or not, gets Run.
package notebook

import "embed"

// PlaySources are the interpreter's sources, at their paths in the module.
//
//go:embed go.mod go.sum site/play/wasm/*.go site/play/internal/golike/*.go internal/gopanic/*.go
var PlaySources embed.FS
