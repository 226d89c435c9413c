package runner

import (
	"bytes"
	"errors"
	"time"

	"github.com/gonotebook/notebook/internal/wire"
)

// resultMagic starts a Result's binary encoding; it changes whenever the
// encoding does, so that an old one is never misread.
const resultMagic = "result v1\n"

// AppendBinary appends the result's binary encoding to b
// (encoding.BinaryAppender): every field but Cached, which says where a
// result came from rather than what it is. It is smaller than the JSON
// the cache keeps, and much faster to read, for the results a build keeps
// beside its index of snippets.
func (res *Result) AppendBinary(b []byte) ([]byte, error) {
	b = append(b, resultMagic...)
	b = wire.AppendString(b, res.ID)
	b = wire.AppendString(b, res.Engine)
	b = wire.AppendString(b, res.GoVersion)
	b = wire.AppendBytes(b, res.Output)
	b = wire.AppendInt(b, res.Cut)
	b = wire.AppendInt(b, int64(res.Exit))
	b = wire.AppendString(b, res.Problem)
	b = wire.AppendInt(b, int64(res.Duration))
	b = wire.AppendInt(b, res.MaxRSS)
	finished, err := res.Finished.MarshalBinary()
	if err != nil {
		return nil, err
	}
	b = wire.AppendBytes(b, finished)
	b = wire.AppendString(b, res.Key)
	b = wire.AppendString(b, res.Platform)
	b = wire.AppendBool(b, res.Truncated)
	b = wire.AppendString(b, res.Network)
	return wire.AppendBool(b, res.Sandboxed), nil
}

// MarshalBinary returns the result's binary encoding
// (encoding.BinaryMarshaler); see AppendBinary.
func (res *Result) MarshalBinary() ([]byte, error) { return res.AppendBinary(nil) }

// UnmarshalBinary decodes what AppendBinary appended
// (encoding.BinaryUnmarshaler); Cached is left false. The result keeps a
// copy of data, which its strings and Output share.
func (res *Result) UnmarshalBinary(data []byte) error {
	return res.decode(bytes.Clone(data))
}

// DecodeResult is UnmarshalBinary without the copy: the result's strings
// and Output share data's memory, which must never change again.
func DecodeResult(data []byte) (*Result, error) {
	res := &Result{}
	if err := res.decode(data); err != nil {
		return nil, err
	}
	return res, nil
}

func (res *Result) decode(data []byte) error {
	rest, ok := bytes.CutPrefix(data, []byte(resultMagic))
	if !ok {
		return errors.New("not a result, or one of another version")
	}
	r := wire.NewSharedReader(rest)
	v := Result{
		ID:        r.String(),
		Engine:    r.String(),
		GoVersion: r.String(),
		Output:    r.Bytes(),
		Cut:       r.Int(),
		Exit:      int(r.Int()),
		Problem:   r.String(),
		Duration:  time.Duration(r.Int()),
		MaxRSS:    r.Int(),
	}
	finished := r.Bytes()
	v.Key = r.String()
	v.Platform = r.String()
	v.Truncated = r.Bool()
	v.Network = r.String()
	v.Sandboxed = r.Bool()
	if r.Err() != nil || r.Len() != 0 {
		return wire.ErrCorrupt
	}
	if err := v.Finished.UnmarshalBinary(finished); err != nil {
		return wire.ErrCorrupt
	}
	*res = v
	return nil
}
