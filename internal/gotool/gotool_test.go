package gotool

import (
	"context"
	"os/exec"
	"strings"
	"testing"
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
	if tc, ok := Local("go"); ok && (tc.Version != want[0] || tc.Root != want[1]) {
		t.Errorf("Local(go) = %+v; go env says %s in %s", tc, want[0], want[1])
	}
	t.Setenv("GOTOOLCHAIN", "go1.99.0")
	if tc, ok := Local("go"); ok {
		t.Errorf("with GOTOOLCHAIN=go1.99.0, Local(go) = %+v, true; want false, to ask the go command", tc)
	}
}
