// Namespaces of the run's own, each of which would count against the
// build user's quota (/proc/sys/user/max_*_namespaces) for as long as
// the run holds it, and a keyring, which counts against the user's key
// quota: both are refused.
package main

import (
	"errors"
	"fmt"
	"os/exec"
	"syscall"
)

func main() {
	cmd := exec.Command("sleep", "10")
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWUSER | syscall.CLONE_NEWUTS}
	err := cmd.Start()
	if err == nil {
		defer cmd.Process.Kill()
	}
	fmt.Println("a user and UTS namespace:", result(err))
	_, _, e := syscall.Syscall(syscall.SYS_KEYCTL, 1, 0, 0) // KEYCTL_JOIN_SESSION_KEYRING
	fmt.Println("a keyring:", result(e))
}

func result(err error) string {
	switch {
	case errors.Is(err, syscall.EPERM):
		return "refused"
	case err == nil || err == syscall.Errno(0):
		return "made"
	}
	return err.Error()
}
