//go:build linux

package snippets

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// Snippets run without network beyond loopback: each run gets a network
// namespace of its own, in which the only interface is its own loopback,
// created through a user namespace so that no privilege is needed. The
// child that starts there is a copy of the running program (like the yaegi
// child): it brings loopback up, drops the capability that allowed it, and
// executes the snippet's program. Where the kernel refuses user or network
// namespaces (some containers do), runs share the host's network, and
// Result.Network says so.

// sandboxEnv names the program the sandbox child executes.
const sandboxEnv = "NOTEBOOK_SANDBOX_EXEC"

// Linux constants that package syscall lacks.
const (
	capNetAdmin          = 12 // CAP_NET_ADMIN
	prCapAmbient         = 47 // PR_CAP_AMBIENT
	prCapAmbientClearAll = 4  // PR_CAP_AMBIENT_CLEAR_ALL
)

// noSandbox is set once the kernel has refused to create namespaces.
var noSandbox atomic.Bool

// sandboxed prepares cmd to start in a network namespace of its own and
// reports whether it did. The command it runs becomes the sandbox child,
// which executes cmd's original program.
func sandboxed(cmd *exec.Cmd) bool {
	if noSandbox.Load() || os.Getenv("NOTEBOOK_NO_SANDBOX") != "" {
		return false
	}
	self, err := os.Executable()
	if err != nil {
		return false
	}
	uid, gid := os.Getuid(), os.Getgid()
	cmd.Env = append(cmd.Env, sandboxEnv+"="+cmd.Path)
	cmd.Path = self
	sys := cmd.SysProcAttr
	sys.Cloneflags = syscall.CLONE_NEWUSER | syscall.CLONE_NEWNET
	sys.UidMappings = []syscall.SysProcIDMap{{ContainerID: uid, HostID: uid, Size: 1}}
	sys.GidMappings = []syscall.SysProcIDMap{{ContainerID: gid, HostID: gid, Size: 1}}
	sys.AmbientCaps = []uintptr{capNetAdmin}
	return true
}

// sandboxRefused reports whether err, from starting a sandboxed command,
// means that this system does not allow the namespaces, and if so stops
// trying them.
func sandboxRefused(err error) bool {
	for _, e := range []error{syscall.EPERM, syscall.EACCES, syscall.EINVAL, syscall.ENOSPC, syscall.ENOSYS, syscall.EUSERS} {
		if errors.Is(err, e) {
			noSandbox.Store(true)
			return true
		}
	}
	return false
}

// enterSandbox, in the sandbox child, brings loopback up, clears the
// ambient capability and executes the snippet's program; elsewhere it
// returns at once.
func enterSandbox() {
	target, ok := os.LookupEnv(sandboxEnv)
	if !ok {
		return
	}
	os.Unsetenv(sandboxEnv)
	if err := loopbackUp(); err != nil {
		fmt.Fprintf(os.Stderr, "notebook: sandbox: bringing up loopback: %v\n", err)
		os.Exit(125)
	}
	if _, _, e := syscall.RawSyscall6(syscall.SYS_PRCTL, prCapAmbient, prCapAmbientClearAll, 0, 0, 0, 0); e != 0 {
		fmt.Fprintf(os.Stderr, "notebook: sandbox: dropping capabilities: %v\n", e)
		os.Exit(125)
	}
	// Tell the runner when the program starts (see execClock), and leave
	// the program no trace of the pipe.
	var now [8]byte
	binary.BigEndian.PutUint64(now[:], uint64(time.Now().UnixNano()))
	syscall.Write(3, now[:])
	syscall.Close(3)
	argv := append([]string{target}, os.Args[1:]...)
	err := syscall.Exec(target, argv, os.Environ())
	fmt.Fprintf(os.Stderr, "notebook: sandbox: executing %s: %v\n", target, err)
	os.Exit(126)
}

// loopbackUp sets the IFF_UP flag of the interface lo.
func loopbackUp() error {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	var ifr [40]byte // struct ifreq: a 16-byte name, then a union whose first field is the flags
	copy(ifr[:], "lo")
	ioctl := func(req uintptr) error {
		if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), req, uintptr(unsafe.Pointer(&ifr[0]))); e != 0 {
			return e
		}
		return nil
	}
	if err := ioctl(syscall.SIOCGIFFLAGS); err != nil {
		return err
	}
	flags := binary.NativeEndian.Uint16(ifr[16:]) | syscall.IFF_UP
	binary.NativeEndian.PutUint16(ifr[16:], flags)
	return ioctl(syscall.SIOCSIFFLAGS)
}
