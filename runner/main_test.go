package runner

import (
	"os"
	"testing"
)

// TestMain lets this test binary be the box of the runs its tests start.
func TestMain(m *testing.M) {
	if code, ok := Child(); ok {
		os.Exit(code)
	}
	if code, ok := testHelper(); ok {
		os.Exit(code)
	}
	os.Exit(m.Run())
}
