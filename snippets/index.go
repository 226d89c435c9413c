package snippets

// An Index as bytes, to keep between builds.

import (
	"bytes"
	"errors"
	"slices"

	"github.com/gonotebook/notebook/internal/wire"
)

// indexMagic starts every encoded Index; it changes whenever the encoding,
// or what a Snippet holds, does, so that an old index is never misread.
const indexMagic = "notebook snippets index v1\n"

// MarshalBinary encodes the index (encoding.BinaryMarshaler).
func (ix *Index) MarshalBinary() ([]byte, error) {
	b := []byte(indexMagic)
	b = wire.AppendString(b, ix.root)
	b = wire.AppendInt(b, ix.stamp)
	rels := sortedKeys(ix.dirs)
	b = wire.AppendUint(b, uint64(len(rels)))
	for _, rel := range rels {
		d := ix.dirs[rel]
		b = wire.AppendString(b, rel)
		b = appendSignature(b, d.sig)
		b = wire.AppendUint(b, uint64(len(d.entries)))
		for _, e := range d.entries {
			b = wire.AppendUint(wire.AppendString(b, e.name), uint64(e.kind))
		}
	}
	ids := sortedKeys(ix.snips)
	b = wire.AppendUint(b, uint64(len(ids)))
	for _, id := range ids {
		e := ix.snips[id]
		b = wire.AppendUint(b, uint64(len(e.files)))
		for _, sig := range e.files {
			b = appendSignature(b, sig)
		}
		b = appendSnippet(b, &e.s)
		b = wire.AppendBytes(b, e.expect)
	}
	return b, nil
}

// UnmarshalBinary decodes what MarshalBinary encoded
// (encoding.BinaryUnmarshaler). It checks the encoding, not the file
// system: data from anywhere but MarshalBinary must not reach it. The
// index keeps a copy of data, which its strings and byte slices share.
func (ix *Index) UnmarshalBinary(data []byte) error {
	return ix.decode(bytes.Clone(data))
}

// DecodeIndex is UnmarshalBinary without the copy: the index's strings
// and byte slices share data's memory, which must never change again.
func DecodeIndex(data []byte) (*Index, error) {
	ix := &Index{}
	if err := ix.decode(data); err != nil {
		return nil, err
	}
	return ix, nil
}

func (ix *Index) decode(data []byte) error {
	rest, ok := bytes.CutPrefix(data, []byte(indexMagic))
	if !ok {
		return errors.New("not a snippets index, or one of another version")
	}
	r := wire.NewSharedReader(rest)
	next := Index{root: r.String(), stamp: r.Int(), dirs: map[string]*dirState{}, snips: map[string]*indexed{}}
	for n := r.Count(); n > 0 && r.Err() == nil; n-- {
		rel := r.String()
		d := &dirState{sig: readSignature(r)}
		d.entries = makeN[dirent](r.Count())
		for i := range d.entries {
			d.entries[i].name = r.String()
			kind := r.Uint()
			if !slices.Contains([]uint64{kindDir, kindFile, kindOther}, kind) {
				return wire.ErrCorrupt
			}
			d.entries[i].kind = byte(kind)
		}
		next.dirs[rel] = d
	}
	for n := r.Count(); n > 0 && r.Err() == nil; n-- {
		e := &indexed{files: makeN[Signature](r.Count())}
		for i := range e.files {
			e.files[i] = readSignature(r)
		}
		readSnippet(r, &e.s)
		e.expect = r.Bytes()
		if r.Err() == nil && (CheckID(e.s.ID) != nil || len(e.files) != len(e.s.Files)) {
			return wire.ErrCorrupt
		}
		next.snips[e.s.ID] = e
	}
	if r.Err() != nil || r.Len() != 0 {
		return wire.ErrCorrupt
	}
	*ix = next
	return nil
}

// makeN makes a slice of n elements, nil if n is 0, as append makes them.
func makeN[T any](n int) []T {
	if n == 0 {
		return nil
	}
	return make([]T, n)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func appendSignature(b []byte, s Signature) []byte {
	b = wire.AppendUint(b, s.Dev)
	b = wire.AppendUint(b, s.Ino)
	b = wire.AppendInt(b, s.Size)
	b = wire.AppendUint(b, uint64(s.Mode))
	b = wire.AppendInt(b, s.MTime)
	return wire.AppendInt(b, s.CTime)
}

func readSignature(r *wire.Reader) Signature {
	return Signature{Dev: r.Uint(), Ino: r.Uint(), Size: r.Int(), Mode: uint32(r.Uint()), MTime: r.Int(), CTime: r.Int()}
}

// appendSnippet encodes what a Snippet holds but Dir and Expect; every
// other field must be here and in readSnippet (TestIndexKeepsEveryField
// fails otherwise).
func appendSnippet(b []byte, s *Snippet) []byte {
	b = wire.AppendString(b, s.ID)
	b = wire.AppendBytes(b, s.Source)
	b = wire.AppendString(b, s.Doc)
	b = wire.AppendString(b, s.Code)
	b = AppendOptions(b, &s.Options)
	b = wire.AppendStrings(b, s.Files)
	return wire.AppendString(b, s.Sum)
}

func readSnippet(r *wire.Reader, s *Snippet) {
	s.ID = r.String()
	s.Source = r.Bytes()
	s.Doc = r.String()
	s.Code = r.String()
	readOptions(r, &s.Options)
	s.Files = r.Strings()
	s.Sum = r.String()
}

// AppendOptions appends a binary encoding of every option in o: two
// Options encode alike only if they are equal.
func AppendOptions(b []byte, o *Options) []byte {
	b = wire.AppendString(b, o.Engine)
	b = wire.AppendString(b, o.EngineReason)
	b = wire.AppendInt(b, int64(o.Timeout))
	b = wire.AppendInt(b, int64(o.Exit))
	b = wire.AppendString(b, o.Stdin)
	b = wire.AppendStrings(b, o.Args)
	b = wire.AppendStrings(b, o.Env)
	b = wire.AppendBool(b, o.Unordered)
	b = wire.AppendBool(b, o.Alone)
	b = wire.AppendInt(b, int64(o.Limits.Memory))
	b = wire.AppendInt(b, int64(o.Limits.Processes))
	b = wire.AppendInt(b, int64(o.Limits.Files))
	b = wire.AppendInt(b, int64(o.Limits.FileSize))
	b = wire.AppendString(b, o.Original.Relation)
	b = wire.AppendString(b, o.Original.Reason)
	b = wire.AppendInt(b, int64(o.Original.Timeout))
	return wire.AppendString(b, o.Entry)
}

func readOptions(r *wire.Reader, o *Options) {
	o.Engine = r.String()
	o.EngineReason = r.String()
	o.Timeout = Duration(r.Int())
	o.Exit = int(r.Int())
	o.Stdin = r.String()
	o.Args = r.Strings()
	o.Env = r.Strings()
	o.Unordered = r.Bool()
	o.Alone = r.Bool()
	o.Limits.Memory = Size(r.Int())
	o.Limits.Processes = int(r.Int())
	o.Limits.Files = int(r.Int())
	o.Limits.FileSize = Size(r.Int())
	o.Original.Relation = r.String()
	o.Original.Reason = r.String()
	o.Original.Timeout = Duration(r.Int())
	o.Entry = r.String()
}
