package gotool

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gonotebook/notebook/internal/testfiles"
)

// TestLocal checks that the release and installation read from the go
// command's files are those go env gives, where they are read at all.
func TestLocal(t *testing.T) {
	out, err := exec.CommandContext(context.Background(), "go", "env", "GOVERSION", "GOROOT").Output()
	if err != nil {
		t.Skipf("no go command to compare with: %v", err)
	}
	want := strings.Fields(string(out))
	if len(want) != 2 {
		t.Fatalf("go env GOVERSION GOROOT printed %q", out)
	}
	if tc, ok := Local("go", "."); ok && (tc.Version != want[0] || tc.Root != want[1]) {
		t.Errorf("Local(go) = %+v; go env says %s in %s", tc, want[0], want[1])
	}
	t.Setenv("GOTOOLCHAIN", "go1.99.0")
	if tc, ok := Local("go", "."); ok {
		t.Errorf("with GOTOOLCHAIN=go1.99.0, Local(go) = %+v, true; want false, to ask the go command", tc)
	}
}

// TestLocalAuto checks that with GOTOOLCHAIN=auto the installed release is
// taken only where the go.mod or go.work in effect asks for none newer.
func TestLocalAuto(t *testing.T) {
	t.Setenv("GOTOOLCHAIN", "local")
	t.Setenv("GOWORK", "")
	local, ok := Local("go", ".")
	if !ok {
		t.Skip("the go command's installation gives no release (GOROOT or GOENV set, no VERSION file, or a development build)")
	}
	t.Setenv("GOTOOLCHAIN", "auto")
	for _, c := range []struct {
		name  string
		files map[string]string
		ok    bool
	}{
		{"older go line", map[string]string{"go.mod": "module x\n\ngo 1.20\n"}, true},
		{"the same toolchain", map[string]string{"go.mod": "module x\n\ngo 1.20\n\ntoolchain " + local.Version + "\n"}, true},
		{"no go.mod", map[string]string{}, true},
		{"newer go line", map[string]string{"go.mod": "module x\n\ngo 1.999\n"}, false},
		{"newer toolchain", map[string]string{"go.mod": "module x\n\ngo 1.20\ntoolchain go1.999.0\n"}, false},
		{"newer go.work", map[string]string{"go.mod": "module x\n\ngo 1.20\n", "../go.work": "go 1.999\n\nuse ./m\n"}, false},
		{"a go line it cannot read", map[string]string{"go.mod": "module x\n\ngo one\n"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "m")
			testfiles.Write(t, dir, c.files)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if tc, ok := Local("go", dir); ok != c.ok || (ok && tc != local) {
				t.Errorf("Local(go, %s) = %+v, %v; want %v", c.name, tc, ok, c.ok)
			}
		})
	}
	if _, ok := Local("go", ""); ok {
		t.Errorf(`with GOTOOLCHAIN=auto, Local(go, "") = true; want false: the go.mod in effect is not known`)
	}
}

// TestRules checks that Rules names, beside the go.work or go.mod in
// effect, the go.mod of every local module that chooses versions: those
// the go.work uses, and the folders replace directives name, in a block
// or not, quoted or not; and no module path a replace directive names.
func TestRules(t *testing.T) {
	t.Setenv("GOWORK", "")
	t.Setenv("GO111MODULE", "")
	t.Setenv("GOENV", "")
	t.Setenv("XDG_CONFIG_HOME", "/config")
	root := t.TempDir()
	testfiles.Write(t, root, map[string]string{
		"go.work":         "go 1.26\n\nuse (\n\t./site // the notes\n\t\"./notebook\"\n)\n\nreplace example.com/a => ../a\n",
		"site/go.mod":     "module example.com/site\n\nreplace example.com/b v1.0.0 => /abs/b v1.0.0\nreplace example.com/c => example.com/fork v1.2.0\n",
		"notebook/go.mod": "module github.com/gonotebook/notebook\n\nreplace (\n\texample.com/d => \"./d\"\n)\n",
	})
	got := Rules(filepath.Join(root, "site"))
	want := []string{
		"/config/go/env",
		filepath.Join(root, "go.work"), filepath.Join(root, "go.work.sum"),
		filepath.Join(root, "site", "go.mod"), filepath.Join(root, "notebook", "go.mod"),
		filepath.Join(root, "..", "a", "go.mod"), "/abs/b/go.mod", filepath.Join(root, "notebook", "d", "go.mod"),
	}
	if !slices.Equal(got, want) {
		t.Errorf("Rules in a workspace =\n%q\nwant\n%q", got, want)
	}
	t.Setenv("GOWORK", "off")
	got = Rules(filepath.Join(root, "notebook"))
	want = []string{"/config/go/env", filepath.Join(root, "notebook", "go.mod"), filepath.Join(root, "notebook", "go.sum"), filepath.Join(root, "notebook", "d", "go.mod")}
	if !slices.Equal(got, want) {
		t.Errorf("Rules in a module =\n%q\nwant\n%q", got, want)
	}
}
