package snippets

import (
	"io/fs"
	"syscall"
)

// signature returns the Signature of what info describes.
func signature(info fs.FileInfo) Signature {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return Signature{}
	}
	return Signature{
		Dev:   uint64(st.Dev), // uint32 on some platforms
		Ino:   uint64(st.Ino),
		Size:  int64(st.Size),
		Mode:  uint32(st.Mode),
		MTime: st.Mtim.Nano(),
		CTime: st.Ctim.Nano(),
	}
}
