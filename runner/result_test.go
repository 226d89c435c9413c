package runner

import (
	"reflect"
	"testing"
	"time"
)

// TestResultBinary checks that a result read back from its binary
// encoding is the result written, every field but Cached: a field added
// to Result that the encoding forgets fails here.
func TestResultBinary(t *testing.T) {
	var res Result
	v := reflect.ValueOf(&res).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch name := v.Type().Field(i).Name; {
		case name == "Cached":
		case name == "Finished":
			res.Finished = time.Date(2026, 11, 26, 1, 2, 3, 456789, time.UTC)
		case f.Kind() == reflect.String:
			f.SetString(name)
		case f.Kind() == reflect.Bool:
			f.SetBool(true)
		case f.Kind() == reflect.Int, f.Kind() == reflect.Int64:
			f.SetInt(int64(i + 1))
		case f.Type() == reflect.TypeFor[[]byte]():
			f.SetBytes([]byte(name))
		default:
			t.Fatalf("field %s of kind %s: teach this test, and the encoding, about it", name, f.Kind())
		}
	}
	res.Cached = true
	data, err := res.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back Result
	if err := back.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	res.Cached = false
	if !reflect.DeepEqual(back, res) {
		t.Errorf("read back\n%+v\nwritten\n%+v", back, res)
	}
	for n := range len(data) {
		if back.UnmarshalBinary(data[:n]) == nil {
			t.Fatalf("the encoding cut to %d of %d bytes was accepted", n, len(data))
		}
	}
	if back.UnmarshalBinary(append(data, 0)) == nil {
		t.Error("the encoding with a byte more was accepted")
	}
}
