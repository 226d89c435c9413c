// Package wire is the compact binary encoding of the build's indexes:
// unsigned and signed varints, booleans, and byte strings prefixed with
// their length.
//
// It has no framing, field names, types or versions of its own. Whoever
// writes a value with the Append functions reads it back with a Reader,
// field by field in the same order, and puts a version of its own format
// first. A nil slice and an empty one are told apart, so that a value read
// back is the value written.
//
// Decoding never trusts a length: one longer than what is left, or a
// malformed varint, stops the Reader, and every later read returns a zero
// value; Err says what went wrong. A caller reads everything, then checks
// Err once.
package wire

import (
	"encoding/binary"
	"errors"
	"unsafe"
)

// AppendUint appends v as an unsigned varint.
func AppendUint(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }

// AppendInt appends v as a signed varint.
func AppendInt(b []byte, v int64) []byte { return binary.AppendVarint(b, v) }

// AppendBool appends v as one byte.
func AppendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// AppendBytes appends p with its length; nil and empty differ.
func AppendBytes(b, p []byte) []byte {
	if p == nil {
		return AppendUint(b, 0)
	}
	return append(AppendUint(b, uint64(len(p))+1), p...)
}

// AppendString appends s with its length.
func AppendString(b []byte, s string) []byte {
	return append(AppendUint(b, uint64(len(s))), s...)
}

// AppendStrings appends a list of strings with its length; nil and empty
// differ.
func AppendStrings(b []byte, list []string) []byte {
	if list == nil {
		return AppendUint(b, 0)
	}
	b = AppendUint(b, uint64(len(list))+1)
	for _, s := range list {
		b = AppendString(b, s)
	}
	return b
}

// ErrCorrupt says that data did not hold what was read from it.
var ErrCorrupt = errors.New("wire: corrupt data")

// A Reader reads, in order, the values written into a byte slice.
type Reader struct {
	data   []byte
	err    error
	shared bool // strings share data's memory
}

// NewReader returns a Reader of data. The byte slices it returns share
// data's memory; its strings are copies.
func NewReader(data []byte) *Reader { return &Reader{data: data} }

// NewSharedReader returns a Reader of data whose strings, as well as its
// byte slices, share data's memory, which must therefore never change
// again. Decoding an index of ten thousand snippets makes some two hundred
// thousand strings: shared, they cost no allocation each.
func NewSharedReader(data []byte) *Reader { return &Reader{data: data, shared: true} }

// Err returns ErrCorrupt if a read found what it did not expect, and nil
// otherwise.
func (r *Reader) Err() error { return r.err }

// Len returns how many bytes are left to read.
func (r *Reader) Len() int { return len(r.data) }

func (r *Reader) fail() {
	r.err, r.data = ErrCorrupt, nil
}

// Uint reads an unsigned varint.
func (r *Reader) Uint() uint64 {
	v, n := binary.Uvarint(r.data)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.data = r.data[n:]
	return v
}

// Int reads a signed varint.
func (r *Reader) Int() int64 {
	v, n := binary.Varint(r.data)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.data = r.data[n:]
	return v
}

// Bool reads a boolean.
func (r *Reader) Bool() bool {
	if len(r.data) == 0 || r.data[0] > 1 {
		r.fail()
		return false
	}
	v := r.data[0] == 1
	r.data = r.data[1:]
	return v
}

// Count reads a length written by AppendUint, and fails unless at least
// that many more bytes are left: each item of what it counts takes at
// least one.
func (r *Reader) Count() int {
	n := r.Uint()
	if n > uint64(len(r.data)) {
		r.fail()
		return 0
	}
	return int(n)
}

// next returns the next n bytes, or nil if fewer are left.
func (r *Reader) next(n uint64) []byte {
	if n > uint64(len(r.data)) {
		r.fail()
		return nil
	}
	p := r.data[:n:n]
	r.data = r.data[n:]
	return p
}

// Bytes reads what AppendBytes wrote, sharing the Reader's memory.
func (r *Reader) Bytes() []byte {
	n := r.Uint()
	if n == 0 || r.err != nil {
		return nil
	}
	p := r.next(n - 1)
	if p == nil && r.err == nil {
		return []byte{}
	}
	return p
}

// String reads what AppendString wrote.
func (r *Reader) String() string {
	p := r.next(r.Uint())
	if r.shared {
		return unsafe.String(unsafe.SliceData(p), len(p))
	}
	return string(p)
}

// Strings reads what AppendStrings wrote.
func (r *Reader) Strings() []string {
	n := r.Uint()
	if n == 0 || r.err != nil {
		return nil
	}
	if n-1 > uint64(len(r.data)) {
		r.fail()
		return nil
	}
	list := make([]string, n-1)
	for i := range list {
		list[i] = r.String()
	}
	return list
}
