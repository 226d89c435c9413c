package store

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func open(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPutGet(t *testing.T) {
	s := open(t)
	a := NewHash("test").String("input").Sum()
	if _, _, ok := s.Bytes(a); ok {
		t.Fatal("an empty store found an output")
	}
	e, err := s.Put(a, []byte("output"))
	if err != nil {
		t.Fatal(err)
	}
	if e.Output != Sum([]byte("output")) || e.Size != 6 {
		t.Errorf("entry %+v: want the output's SHA-256 and size 6", e)
	}
	// Another Store over the same folder, as the next build opens it,
	// shares the key and so accepts the entry.
	s2, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	data, got, ok := s2.Bytes(a)
	if !ok || string(data) != "output" || got.Output != e.Output {
		t.Fatalf("Bytes = %q, %+v, %v; want the output stored", data, got, ok)
	}
	info, err := os.Stat(filepath.Join(s.Dir(), keyFile))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", info.Mode().Perm())
	}
}

func TestJSON(t *testing.T) {
	s := open(t)
	a := NewHash("json").Sum()
	type value struct{ N int }
	e, err := s.PutJSON(a, value{7})
	if err != nil {
		t.Fatal(err)
	}
	var v value
	if got, ok := s.GetJSON(a, &v); !ok || v.N != 7 || got.Output != e.Output {
		t.Errorf("GetJSON gave %+v, want N 7", v)
	}
}

// TestHashInputs checks that an ID changes with every input, and that
// inputs do not run into one another.
func TestHashInputs(t *testing.T) {
	ids := map[ID]string{}
	for name, h := range map[string]*Hash{
		"a,b":    NewHash("k").String("a").String("b"),
		"ab":     NewHash("k").String("ab"),
		"ab,":    NewHash("k").String("ab").String(""),
		"kind":   NewHash("other").String("a").String("b"),
		"value":  NewHash("k").Value(map[string]int{"a": 1}),
		"value2": NewHash("k").Value(map[string]int{"a": 2}),
	} {
		if other, ok := ids[h.Sum()]; ok {
			t.Errorf("%s and %s hash alike", name, other)
		}
		ids[h.Sum()] = name
	}
}

// TestForgedEntry writes entries as something without the key would: the
// right name and form, with an HMAC it cannot make. Get refuses each and
// removes it.
func TestForgedEntry(t *testing.T) {
	s := open(t)
	a := NewHash("test").Sum()
	e, err := s.Put(a, []byte("real"))
	if err != nil {
		t.Fatal(err)
	}
	name := s.file(a, "-a")
	real, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := s.Put(NewHash("other").Sum(), []byte("forged"))
	if err != nil {
		t.Fatal(err)
	}
	unsigned := strings.Join(strings.Fields(string(real))[:4], " ")
	for what, line := range map[string]string{
		"another output, same HMAC": strings.Replace(string(real), Sum([]byte("real")).String(), forged.Output.String(), 1),
		"no HMAC":                   unsigned + "\n",
		"HMAC of another key":       (&Store{secret: make([]byte, 32)}).entry(a, e),
	} {
		t.Run(what, func(t *testing.T) {
			if err := os.WriteFile(name, []byte(line), 0o600); err != nil {
				t.Fatal(err)
			}
			if data, _, ok := s.Bytes(a); ok {
				t.Fatalf("accepted a forged entry: %q", data)
			}
			if _, err := os.Stat(name); !os.IsNotExist(err) {
				t.Errorf("the forged entry is still there (%v)", err)
			}
		})
	}
}

// TestDamagedOutput changes an output's bytes: Bytes and CopyOutput
// refuse it and remove it.
func TestDamagedOutput(t *testing.T) {
	for _, read := range []struct {
		name string
		get  func(s *Store, a ID, e Entry) ([]byte, bool)
	}{
		{"Bytes", func(s *Store, a ID, _ Entry) ([]byte, bool) {
			data, _, ok := s.Bytes(a)
			return data, ok
		}},
		{"CopyOutput", func(s *Store, _ ID, e Entry) ([]byte, bool) {
			var b bytes.Buffer
			err := s.CopyOutput(e.Output, &b)
			return b.Bytes(), err == nil
		}},
	} {
		t.Run(read.name, func(t *testing.T) {
			s := open(t)
			a := NewHash("test").Sum()
			e, err := s.Put(a, []byte("real"))
			if err != nil {
				t.Fatal(err)
			}
			if data, ok := read.get(s, a, e); !ok || string(data) != "real" {
				t.Fatalf("read back %q, %v; want what was put", data, ok)
			}
			name := s.file(e.Output, "-d")
			if err := os.WriteFile(name, []byte("fake"), 0o600); err != nil {
				t.Fatal(err)
			}
			if data, ok := read.get(s, a, e); ok {
				t.Fatalf("accepted a damaged output: %q", data)
			}
			if _, err := os.Stat(name); !os.IsNotExist(err) {
				t.Errorf("the damaged output is still there (%v)", err)
			}
		})
	}
}

func TestNilStore(t *testing.T) {
	var s *Store
	a := NewHash("test").Sum()
	e, err := s.Put(a, []byte("x"))
	if err != nil || e.Output != Sum([]byte("x")) {
		t.Errorf("Put on nil = %+v, %v", e, err)
	}
	if _, _, ok := s.Bytes(a); ok {
		t.Error("a nil store found something")
	}
	if err := s.Trim(); err != nil {
		t.Error(err)
	}
}

// TestKeyRace opens one folder from many goroutines at once: all must end
// with the same key, so that each accepts the others' entries.
func TestKeyRace(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	secrets := make([][]byte, 8)
	for i := range secrets {
		wg.Go(func() {
			s, err := Open(dir)
			if err != nil {
				t.Error(err)
				return
			}
			secrets[i] = s.secret
		})
	}
	wg.Wait()
	for _, s := range secrets[1:] {
		if !bytes.Equal(s, secrets[0]) {
			t.Fatal("two stores over one folder made different keys")
		}
	}
}

func TestTrim(t *testing.T) {
	s := open(t)
	old, recent := NewHash("old").Sum(), NewHash("recent").Sum()
	eOld, _ := s.Put(old, []byte("old output"))
	s.Put(recent, []byte("recent output"))
	long := time.Now().Add(-TrimAge - time.Hour)
	for _, name := range []string{s.file(old, "-a"), s.file(eOld.Output, "-d")} {
		if err := os.Chtimes(name, long, long); err != nil {
			t.Fatal(err)
		}
	}
	// Old files that are not the store's, in a folder shared with another
	// program, are left alone.
	foreign := []string{filepath.Join(s.Dir(), "axe", "node_modules", "axe.min.js"), filepath.Join(s.Dir(), "ab", "notes.txt")}
	for _, name := range foreign {
		if err := os.MkdirAll(filepath.Dir(name), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte("not the store's"), 0o600); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(name, long, long)
	}
	leftover := filepath.Join(s.Dir(), ".tmp-dead")
	if err := os.Mkdir(leftover, 0o700); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(leftover, long, long)
	if err := s.Trim(); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := s.Bytes(old); ok {
		t.Error("Trim kept an output unused for longer than TrimAge")
	}
	if _, _, ok := s.Bytes(recent); !ok {
		t.Error("Trim removed an output used recently")
	}
	if _, err := os.Stat(leftover); !os.IsNotExist(err) {
		t.Error("Trim kept a day-old temporary folder")
	}
	for _, name := range foreign {
		if _, err := os.Stat(name); err != nil {
			t.Errorf("Trim removed a file that is not the store's: %v", err)
		}
	}

	// Over Max, the least recently used go first; and Trim works at most
	// once a day.
	s.Max = 1
	if err := s.Trim(); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := s.Bytes(recent); !ok {
		t.Error("Trim worked twice in a day")
	}
	os.Remove(filepath.Join(s.Dir(), trimStamp))
	if err := s.Trim(); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := s.Bytes(recent); ok {
		t.Error("Trim left more than Max bytes")
	}
	if _, err := os.Stat(filepath.Join(s.Dir(), keyFile)); err != nil {
		t.Errorf("Trim removed the key: %v", err)
	}
}

func TestProgram(t *testing.T) {
	p := Program()
	if !strings.HasPrefix(p, "go build ID ") && !strings.HasPrefix(p, "sha256 ") {
		t.Errorf("Program() = %q, want a build ID or a SHA-256", p)
	}
	if Program() != p {
		t.Error("Program changed within one process")
	}
}

// TestOtherProgram checks that what another program stored is not found
// by this one: every ID starts with the program that made it, so the
// parse of a note, a result or a page that another version of the
// notebook stored, which this one might make otherwise, is not reused.
func TestOtherProgram(t *testing.T) {
	s := open(t)
	this := Program
	t.Cleanup(func() { Program = this })
	Program = func() string { return "another program" }
	if _, err := s.Put(NewHash("parse").String("notes/2020-01-01.md").Sum(), []byte("another program's parse")); err != nil {
		t.Fatal(err)
	}
	Program = this
	if data, _, ok := s.Bytes(NewHash("parse").String("notes/2020-01-01.md").Sum()); ok {
		t.Errorf("found what another program stored: %q", data)
	}
}

// TestBuildID reads the test program's own Go build ID, as go tool buildid
// does, where the program is ELF.
func TestBuildID(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	got := buildID(exe)
	if got == "" {
		t.Skip("no Go build ID note: not an ELF program")
	}
	out, err := exec.Command("go", "tool", "buildid", exe).Output()
	if err != nil {
		t.Skipf("go tool buildid: %v", err)
	}
	if want := strings.TrimSpace(string(out)); got != want {
		t.Errorf("buildID = %q; go tool buildid says %q", got, want)
	}
	if want := "go build ID " + got; Program() != want {
		t.Errorf("Program() = %q, want %q", Program(), want)
	}
}

// TestParseID reads back what String writes, and refuses anything else,
// a string too long for an ID included.
func TestParseID(t *testing.T) {
	id := Sum([]byte("x"))
	if got, err := ParseID(id.String()); err != nil || got != id {
		t.Errorf("ParseID(%s) = %v, %v", id, got, err)
	}
	for _, s := range []string{"", "00", id.String()[1:], id.String() + "00", strings.Repeat("zz", len(id))} {
		if _, err := ParseID(s); err == nil {
			t.Errorf("ParseID(%q) succeeded", s)
		}
	}
}
