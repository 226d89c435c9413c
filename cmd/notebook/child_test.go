package main

import (
	"os"
	"testing"

	"github.com/gonotebook/notebook/runner"
)

// TestMain lets this test binary be the box of the snippet runs that the
// commands under test start, as main does for the notebook command; and,
// with NOTEBOOK_TEST_MAIN set, the notebook command itself, for the
// scripts of TestScripts.
func TestMain(m *testing.M) {
	if code, ok := runner.Child(); ok {
		os.Exit(code)
	}
	if os.Getenv(mainEnv) != "" {
		main()
	}
	code := m.Run()
	if seedFolder != "" {
		os.RemoveAll(seedFolder)
	}
	os.Exit(code)
}
