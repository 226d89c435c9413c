//go:build linux

package box

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"syscall"
	"unsafe"
)

// On Linux a run gets network namespace of its own, in which the only
// interface is its own loopback, created through a user namespace so that
// no privilege is needed. The box brings loopback up, drops the capability
// that allowed it, and runs the program. Where the kernel refuses user or
// network namespaces (some containers do), runs share the host's network,
// and Outcome.Network says so.

// Linux constants that package syscall lacks.
const (
	capNetAdmin          = 12 // CAP_NET_ADMIN
	prCapAmbient         = 47 // PR_CAP_AMBIENT
	prCapAmbientClearAll = 4  // PR_CAP_AMBIENT_CLEAR_ALL
)

// canIsolate reports whether runs should ask for namespaces at all.
func canIsolate() bool { return os.Getenv("NOTEBOOK_NO_SANDBOX") == "" }

// isolateNetwork asks for the box to start in new user and network
// namespaces.
func isolateNetwork(sys *syscall.SysProcAttr) {
	uid, gid := os.Getuid(), os.Getgid()
	sys.Cloneflags = syscall.CLONE_NEWUSER | syscall.CLONE_NEWNET
	sys.UidMappings = []syscall.SysProcIDMap{{ContainerID: uid, HostID: uid, Size: 1}}
	sys.GidMappings = []syscall.SysProcIDMap{{ContainerID: gid, HostID: gid, Size: 1}}
	sys.AmbientCaps = []uintptr{capNetAdmin}
}

// refused reports whether err, from starting an isolated box, means that
// this system does not allow the namespaces.
func refused(err error) bool {
	for _, e := range []error{syscall.EPERM, syscall.EACCES, syscall.EINVAL, syscall.ENOSPC, syscall.ENOSYS, syscall.EUSERS} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// enterNetwork, in the box, brings loopback up and clears the ambient
// capability.
func enterNetwork() error {
	if err := loopbackUp(); err != nil {
		return fmt.Errorf("bringing up loopback: %v", err)
	}
	if _, _, e := syscall.RawSyscall6(syscall.SYS_PRCTL, prCapAmbient, prCapAmbientClearAll, 0, 0, 0, 0); e != 0 {
		return fmt.Errorf("dropping capabilities: %v", e)
	}
	return nil
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
