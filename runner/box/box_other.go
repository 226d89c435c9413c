//go:build !linux

package box

import "syscall"

// Namespaces are Linux's: elsewhere runs share the host's network.

func canIsolate() bool                    { return false }
func isolateNetwork(*syscall.SysProcAttr) {}
func refused(error) bool                  { return false }
func enterNetwork() error                 { return nil }
