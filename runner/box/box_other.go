//go:build !linux

package box

import (
	"errors"
	"os"
	"syscall"
)

// The sandbox and the rlimits are Linux's: elsewhere a run has neither.

const fdDir = "/dev/fd"

var errNoSandbox = errors.New("this system has no sandbox")

func isolate(*syscall.SysProcAttr, bool) {}
func enterSandbox(*spec) error           { return errNoSandbox }
func setLimits(Limits, bool) error       { return nil }
func confine(*spec) error                { return errNoSandbox }
func full(int) bool                      { return false }
func maxRSS(*os.ProcessState) int64      { return 0 }
