//go:build !linux

package box

import (
	"errors"
	"os"
	"syscall"
)

// The sandbox is Linux's: elsewhere runs have no namespaces and no limits.

func canIsolate() bool                   { return false }
func isolate(*syscall.SysProcAttr)       {}
func dieWithParent(*syscall.SysProcAttr) {}
func prepareDir(string) error            { return nil }
func refused(error) bool                 { return false }
func setLimits(Limits, bool) error       { return nil }
func becomeRunner() error                { return nil }

var errNoSandbox = errors.New("no sandbox on this system")

func enterSandbox(*sandbox) error         { return errNoSandbox }
func execDropping(string, []string) error { return errNoSandbox }

func maxRSS(*os.ProcessState) int64 { return 0 }
func dropPrivileges() (bool, error) { return false, errNoSandbox }

// dupOver makes file descriptor newfd a copy of oldfd, closing what
// newfd was.
func dupOver(oldfd, newfd int) error { return syscall.Dup2(oldfd, newfd) }
