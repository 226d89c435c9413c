package wire

import (
	"errors"
	"math"
	"reflect"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	var b []byte
	b = AppendUint(b, math.MaxUint64)
	b = AppendInt(b, math.MinInt64)
	b = AppendBool(b, true)
	b = AppendBytes(b, nil)
	b = AppendBytes(b, []byte{})
	b = AppendBytes(b, []byte("bytes"))
	b = AppendString(b, "")
	b = AppendString(b, "string")
	b = AppendStrings(b, nil)
	b = AppendStrings(b, []string{})
	b = AppendStrings(b, []string{"a", ""})
	for name, r := range map[string]*Reader{"NewReader": NewReader(b), "NewSharedReader": NewSharedReader(b)} {
		got := []any{r.Uint(), r.Int(), r.Bool(), r.Bytes(), r.Bytes(), r.Bytes(), r.String(), r.String(), r.Strings(), r.Strings(), r.Strings()}
		want := []any{uint64(math.MaxUint64), int64(math.MinInt64), true, []byte(nil), []byte{}, []byte("bytes"), "", "string", []string(nil), []string{}, []string{"a", ""}}
		if r.Err() != nil || r.Len() != 0 {
			t.Fatalf("%s: Err %v, %d bytes left", name, r.Err(), r.Len())
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: read %#v\nwant %#v", name, got, want)
		}
	}
}

// TestShared checks that NewReader's strings are copies and
// NewSharedReader's share the data's memory.
func TestShared(t *testing.T) {
	b := AppendString(nil, "string")
	copied, shared := NewReader(b).String(), NewSharedReader(b).String()
	b[len(b)-1] = 'G'
	if copied != "string" {
		t.Errorf("NewReader's string changed with its data: %q", copied)
	}
	if shared != "strinG" {
		t.Errorf("NewSharedReader's string is %q, not the data's memory", shared)
	}
}

// TestCorrupt checks that every read of data cut short fails, and that a
// length longer than what is left is never believed.
func TestCorrupt(t *testing.T) {
	b := AppendStrings(AppendBytes(AppendString(nil, "string"), []byte("bytes")), []string{"a", "b"})
	for n := range len(b) {
		for _, r := range []*Reader{NewReader(b[:n]), NewSharedReader(b[:n])} {
			_, _, _ = r.String(), r.Bytes(), r.Strings()
			if !errors.Is(r.Err(), ErrCorrupt) {
				t.Errorf("cut to %d bytes: Err %v", n, r.Err())
			}
		}
	}
	r := NewReader(AppendUint(nil, 1<<40))
	if r.Count() != 0 || r.Err() == nil {
		t.Error("a count larger than the data was believed")
	}
	r = NewReader([]byte{2})
	if r.Bool() || r.Err() == nil {
		t.Error("a bool of 2 was read")
	}
	r = NewReader(AppendStrings(nil, make([]string, 3))[:1])
	if r.Strings() != nil || r.Err() == nil {
		t.Error("a list longer than the data was made")
	}
}
