package cache

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

type value struct {
	Output string `json:"output"`
}

func TestPutGet(t *testing.T) {
	c := &Cache{Dir: t.TempDir()}
	const key = "abcdef0123"
	var v value
	if c.Get(key, &v) {
		t.Fatal("an empty cache found a value")
	}
	c.Put(key, value{"hello"})
	if !c.Get(key, &v) || v.Output != "hello" {
		t.Fatalf("got %+v, want hello", v)
	}
	// Another Cache over the same folder, as in the next build, shares the
	// key file and so accepts the entry.
	if !(&Cache{Dir: c.Dir}).Get(key, &v) {
		t.Error("a second Cache over the folder refused the entry")
	}
	fi, err := os.Stat(filepath.Join(c.Dir, KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
}

// TestForgedEntry writes an entry as something without the key would:
// the right file name and format, with a MAC it cannot make. Get refuses it
// and removes it.
func TestForgedEntry(t *testing.T) {
	c := &Cache{Dir: t.TempDir()}
	const key = "abcdef0123"
	c.Put(key, value{"real"}) // makes the key file
	for name, forge := range map[string]func() entry{
		"no MAC": func() entry {
			return entry{Value: json.RawMessage(`{"output":"forged"}`)}
		},
		"MAC without the key": func() entry {
			v := json.RawMessage(`{"output":"forged"}`)
			h := hmac.New(sha256.New, make([]byte, sha256.Size))
			h.Write([]byte(key + "\x00"))
			h.Write(v)
			return entry{MAC: hex.EncodeToString(h.Sum(nil)), Value: v}
		},
		"MAC of another entry": func() entry {
			var real entry
			data, _ := os.ReadFile(c.path(key))
			json.Unmarshal(data, &real)
			return entry{MAC: real.MAC, Value: json.RawMessage(`{"output":"forged"}`)}
		},
	} {
		t.Run(name, func(t *testing.T) {
			data, err := json.Marshal(forge())
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(c.path(key), data, 0o644); err != nil {
				t.Fatal(err)
			}
			var v value
			if c.Get(key, &v) {
				t.Fatalf("accepted a forged entry: %+v", v)
			}
			if _, err := os.Stat(c.path(key)); !os.IsNotExist(err) {
				t.Errorf("the forged entry is still there: %v", err)
			}
		})
	}
	// A bare value, as the cache stored them before MACs, is refused too.
	os.WriteFile(c.path(key), []byte(`{"output":"forged"}`), 0o644)
	var v value
	if c.Get(key, &v) {
		t.Errorf("accepted a bare value: %+v", v)
	}
}

// TestCorruptedEntry flips each byte of a good entry in turn: every
// corruption is refused.
func TestCorruptedEntry(t *testing.T) {
	c := &Cache{Dir: t.TempDir()}
	const key = "abcdef0123"
	c.Put(key, value{"hello"})
	good, err := os.ReadFile(c.path(key))
	if err != nil {
		t.Fatal(err)
	}
	for i := range good {
		bad := append([]byte(nil), good...)
		bad[i] ^= 0x01
		if err := os.WriteFile(c.path(key), bad, 0o644); err != nil {
			t.Fatal(err)
		}
		var v value
		if c.Get(key, &v) {
			t.Fatalf("accepted the entry with byte %d flipped: %+v", i, v)
		}
	}
	// A truncated entry is refused.
	os.WriteFile(c.path(key), good[:len(good)/2], 0o644)
	var v value
	if c.Get(key, &v) {
		t.Errorf("accepted a truncated entry: %+v", v)
	}
}

// TestMovedEntry copies a good entry under another key: the MAC covers the
// key, so it is refused.
func TestMovedEntry(t *testing.T) {
	c := &Cache{Dir: t.TempDir()}
	c.Put("abcdef0123", value{"one"})
	data, err := os.ReadFile(c.path("abcdef0123"))
	if err != nil {
		t.Fatal(err)
	}
	other := "abffff4567"
	os.MkdirAll(filepath.Dir(c.path(other)), 0o755)
	if err := os.WriteFile(c.path(other), data, 0o644); err != nil {
		t.Fatal(err)
	}
	var v value
	if c.Get(other, &v) {
		t.Errorf("accepted an entry moved from another key: %+v", v)
	}
}

// TestNoHardLinks makes the cache's key on a file system that cannot link
// (as some network and FUSE file systems cannot): the cache still works,
// and says once how it made its key.
func TestNoHardLinks(t *testing.T) {
	var warnings []string
	noLink := func(oldname, newname string) error {
		return &os.LinkError{Op: "link", Old: oldname, New: newname, Err: syscall.EPERM}
	}
	c := &Cache{Dir: t.TempDir(), Warn: func(msg string) { warnings = append(warnings, msg) }, link: noLink}
	const key = "abcdef0123"
	c.Put(key, value{"hello"})
	var v value
	if !c.Get(key, &v) || v.Output != "hello" {
		t.Fatalf("got %+v, want hello: without hard links the cache stores nothing", v)
	}
	if !(&Cache{Dir: c.Dir, link: noLink}).Get(key, &v) {
		t.Error("a second Cache over the folder refused the entry")
	}
	fi, err := os.Stat(filepath.Join(c.Dir, KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "no hard links") {
		t.Errorf("warnings %q, want one about hard links", warnings)
	}
}

// TestBytes stores bytes as they are and refuses them once changed by
// anything without the key, or stored under another key.
func TestBytes(t *testing.T) {
	c := &Cache{Dir: t.TempDir()}
	const key = "abcdef0123"
	if _, ok := c.GetBytes(key); ok {
		t.Fatal("an empty cache found bytes")
	}
	want := []byte("<p>a page\nof two lines</p>")
	c.PutBytes(key, want)
	got, ok := c.GetBytes(key)
	if !ok || string(got) != string(want) {
		t.Fatalf("GetBytes = %q, %v; want %q", got, ok, want)
	}
	var v value
	if c.Get(key, &v) {
		t.Error("Get found a value that only PutBytes stored")
	}
	p := c.bytesPath(key)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	other := "abcdef9999"
	if err := os.MkdirAll(filepath.Dir(c.bytesPath(other)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c.bytesPath(other), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.GetBytes(other); ok {
		t.Error("GetBytes accepted an entry moved from another key")
	}
	if err := os.WriteFile(p, append(data, "<script>"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.GetBytes(key); ok {
		t.Error("GetBytes accepted changed bytes")
	}
	if _, err := os.Stat(p); err == nil {
		t.Error("the changed entry was not removed")
	}
}
