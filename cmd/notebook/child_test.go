package main

import (
	"os"
	"testing"

	"github.com/gonotebook/notebook/runner"
)

// TestMain lets this test binary be the box of the snippet runs that the
// commands under test start, as main does for the notebook command.
func TestMain(m *testing.M) {
	if code, ok := runner.Child(); ok {
		os.Exit(code)
	}
	os.Exit(m.Run())
}
