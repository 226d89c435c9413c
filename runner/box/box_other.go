//go:build !linux

package box

import (
	"errors"
	"os"
	"syscall"
)

// The sandbox, the cgroups and the limits are Linux's: elsewhere a run
// has none of them.

const fdDir = "/dev/fd"

var errNoSandbox = errors.New("this system has no sandbox")

func isolate(*syscall.SysProcAttr)              {}
func dieWithParent(*syscall.SysProcAttr)        {}
func giveToRunner(string) error                 { return nil }
func becomeRunner() error                       { return errNoSandbox }
func enterSandbox(*spec) error                  { return errNoSandbox }
func setLimits(Limits, bool) error              { return nil }
func dropPrivileges() (bool, error)             { return false, errNoSandbox }
func confine() error                            { return errNoSandbox }
func execConfined(string, []string, bool) error { return errNoSandbox }
func full(int) bool                             { return false }
func maxRSS(*os.ProcessState) int64             { return 0 }

type cgroups struct{}
type cgroup struct{}

func findCgroups() (*cgroups, string)        { return nil, "cgroups are Linux's" }
func (*cgroups) make(int64) (*cgroup, error) { return nil, nil }
func (*cgroup) add(int) error                { return nil }
func (*cgroup) oomKilled() bool              { return false }
func (*cgroup) kill()                        {}
func (*cgroup) remove()                      {}

// dupOver makes file descriptor newfd a copy of oldfd, closing what
// newfd was.
func dupOver(oldfd, newfd int) error { return syscall.Dup2(oldfd, newfd) }
