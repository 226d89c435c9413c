//go:build !linux

package snippets

import "io/fs"

// signature returns the Signature of what info describes: here, without
// a change time, which the index then never trusts (see Index).
func signature(info fs.FileInfo) Signature {
	return Signature{Size: info.Size(), Mode: uint32(info.Mode()), MTime: info.ModTime().UnixNano()}
}
