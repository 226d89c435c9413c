package runner

import (
	"context"
	"os/exec"
	"strings"
	"testing"
)

// TestToolchainVersion checks that the release read from the go command's
// installation is the one go env GOVERSION gives, where it is read at all.
func TestToolchainVersion(t *testing.T) {
	out, err := exec.CommandContext(context.Background(), "go", "env", "GOVERSION").Output()
	if err != nil {
		t.Skipf("no go command to compare with: %v", err)
	}
	want := strings.TrimSpace(string(out))
	got := toolchainVersion("go")
	if got != "" && got != want {
		t.Errorf("toolchainVersion(go) = %q; go env GOVERSION says %q", got, want)
	}
	t.Setenv("GOTOOLCHAIN", "go1.99.0")
	if got := toolchainVersion("go"); got != "" {
		t.Errorf("with GOTOOLCHAIN=go1.99.0, toolchainVersion(go) = %q; want \"\", to ask the go command", got)
	}
}
