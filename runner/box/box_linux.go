//go:build linux

package box

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"unsafe"
)

// On Linux the box starts in new user, PID, mount, network, IPC and UTS
// namespaces, made through the user namespace so that no privilege is
// needed. In the first stage, which holds capabilities in its own
// namespaces only, the box builds the run's file system, brings loopback
// up and sets the limits; it then executes the program (or, for an entry
// point, itself again), as a user without capabilities. See the package
// doc for what the run then sees.

// Linux constants that package syscall lacks.
const (
	capSysAdmin             = 21 // CAP_SYS_ADMIN
	capNetAdmin             = 12 // CAP_NET_ADMIN
	prCapAmbient            = 47 // PR_CAP_AMBIENT
	prCapAmbientClearAll    = 4  // PR_CAP_AMBIENT_CLEAR_ALL
	prSetNoNewPrivs         = 38 // PR_SET_NO_NEW_PRIVS
	sysMountSetattr         = 442
	atRecursive             = 0x8000     // AT_RECURSIVE
	mountAttrRdonly         = 0x1        // MOUNT_ATTR_RDONLY
	mountAttrNosuid         = 0x2        // MOUNT_ATTR_NOSUID
	mountAttrNodev          = 0x4        // MOUNT_ATTR_NODEV
	rlimitNproc             = 6          // RLIMIT_NPROC
	linuxCapabilityVersion3 = 0x20080522 // _LINUX_CAPABILITY_VERSION_3
	rlimitNofile            = syscall.RLIMIT_NOFILE
	overflowID              = 65534 // nobody: who a run is when the build runs as root
)

// canIsolate reports whether runs should ask for namespaces at all.
func canIsolate() bool { return os.Getenv("NOTEBOOK_NO_SANDBOX") == "" }

// runAs returns the user and group a sandboxed program is, inside its
// namespace and on the host: the build's own, or nobody's if the build
// runs as root, so that the program holds no privilege on the host's
// files and the kernel counts its processes against its limit.
func runAs() (uid, gid int) {
	uid, gid = os.Getuid(), os.Getgid()
	if uid == 0 {
		return overflowID, overflowID
	}
	return uid, gid
}

// isolate asks for the box to start in its own namespaces, with the
// capabilities it needs to set them up, and to be killed if the build
// dies.
func isolate(sys *syscall.SysProcAttr) {
	uid, gid := runAs()
	sys.Cloneflags = syscall.CLONE_NEWUSER | syscall.CLONE_NEWPID | syscall.CLONE_NEWNS |
		syscall.CLONE_NEWNET | syscall.CLONE_NEWIPC | syscall.CLONE_NEWUTS
	sys.UidMappings = []syscall.SysProcIDMap{{ContainerID: uid, HostID: uid, Size: 1}}
	sys.GidMappings = []syscall.SysProcIDMap{{ContainerID: gid, HostID: gid, Size: 1}}
	sys.AmbientCaps = []uintptr{capSysAdmin, capNetAdmin}
	if os.Getuid() == 0 {
		// Root may map itself too: the first stage stays root, in its
		// namespace only, and becomes nobody before the program runs.
		sys.UidMappings = append(sys.UidMappings, syscall.SysProcIDMap{ContainerID: 0, HostID: 0, Size: 1})
		sys.GidMappings = append(sys.GidMappings, syscall.SysProcIDMap{ContainerID: 0, HostID: 0, Size: 1})
		sys.GidMappingsEnableSetgroups = true
	}
}

// becomeRunner makes every thread of the box the user runAs names, if it
// is not already: a change from root that drops every capability.
func becomeRunner() error {
	uid, gid := runAs()
	if os.Getuid() == uid {
		return nil
	}
	if err := syscall.Setgroups(nil); err != nil {
		return fmt.Errorf("dropping groups: %v", err)
	}
	if err := syscall.Setresgid(gid, gid, gid); err != nil {
		return fmt.Errorf("becoming group %d: %v", gid, err)
	}
	if err := syscall.Setresuid(uid, uid, uid); err != nil {
		return fmt.Errorf("becoming user %d: %v", uid, err)
	}
	return nil
}

// dieWithParent asks for the box to be killed when the build dies.
func dieWithParent(sys *syscall.SysProcAttr) { sys.Pdeathsig = syscall.SIGKILL }

// prepareDir makes the working directory the run's own when it runs as
// another user.
func prepareDir(dir string) error {
	if os.Getuid() != 0 {
		return nil
	}
	uid, gid := runAs()
	return os.Chown(dir, uid, gid)
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

// systemPaths are the host's folders every sandboxed run may read: what
// programs need to start and find their libraries and configuration.
var systemPaths = []string{"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"}

// devices are the host's devices a sandboxed run may use, in /dev.
var devices = []string{"null", "zero", "full", "random", "urandom"}

// enterSandbox, in the box's first stage, builds the run's file system
// and enters it, brings loopback up and names the host.
func enterSandbox(sb *sandbox) error {
	if err := setupFiles(sb); err != nil {
		return fmt.Errorf("file system: %v", err)
	}
	if err := loopbackUp(); err != nil {
		return fmt.Errorf("bringing up loopback: %v", err)
	}
	if err := syscall.Sethostname([]byte("notebook")); err != nil {
		return fmt.Errorf("host name: %v", err)
	}
	return nil
}

// setupFiles makes a fresh tmpfs the root of the run: the system's
// folders, the programs and the caller's paths bound read-only, a new
// /proc, a few devices, a read-only /tmp, and the working directory, the
// only place writable. The old root is then detached, so nothing
// else of the host is reachable, its unix sockets included.
func setupFiles(sb *sandbox) error {
	stage := sb.Stage
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making mounts private: %v", err)
	}
	if err := syscall.Mount("tmpfs", stage, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "mode=0755,size=1m"); err != nil {
		return fmt.Errorf("mounting the new root: %v", err)
	}
	root := func(p string) string { return filepath.Join(stage, p) }
	for _, p := range systemPaths {
		fi, err := os.Lstat(p)
		switch {
		case err != nil:
			continue // this system has no such folder
		case fi.Mode()&os.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			if err := os.Symlink(target, root(p)); err != nil {
				return err
			}
		case fi.IsDir():
			if err := bindMount(p, root(p), false, readOnly); err != nil {
				return err
			}
		}
	}
	for _, b := range sb.Binds {
		src := b.Path
		fi, err := os.Stat(src)
		if err != nil {
			return err
		}
		attr := uint64(readOnly)
		if b.Write {
			attr = writable
		}
		if err := bindMount(src, root(b.Path), !fi.IsDir(), attr); err != nil {
			return err
		}
	}
	if err := setupDev(root("/dev")); err != nil {
		return err
	}
	if err := os.Mkdir(root("/proc"), 0o555); err != nil {
		return err
	}
	if err := syscall.Mount("proc", root("/proc"), "proc", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("mounting /proc: %v", err)
	}
	// Always a folder, read-only with the root, whether the working
	// directory is below it or not: writing to /tmp fails the same way
	// wherever the build keeps its runs.
	if err := os.MkdirAll(root("/tmp"), 0o755); err != nil {
		return err
	}
	old := root("/.old")
	if err := os.Mkdir(old, 0o700); err != nil {
		return err
	}
	if err := syscall.PivotRoot(stage, old); err != nil {
		return fmt.Errorf("pivot_root: %v", err)
	}
	if err := syscall.Chdir("/"); err != nil {
		return err
	}
	if err := syscall.Unmount("/.old", syscall.MNT_DETACH); err != nil {
		return fmt.Errorf("detaching the host's root: %v", err)
	}
	if err := os.Remove("/.old"); err != nil {
		return err
	}
	if err := syscall.Mount("", "/", "", syscall.MS_REMOUNT|syscall.MS_BIND|syscall.MS_RDONLY|syscall.MS_NOSUID|syscall.MS_NODEV, ""); err != nil {
		return fmt.Errorf("making the root read-only: %v", err)
	}
	return syscall.Chdir(sb.Dir)
}

// setupDev makes dir a /dev holding only the harmless devices, bound from
// the host's, and the usual links to /proc.
func setupDev(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range devices {
		if err := bindMount("/dev/"+name, filepath.Join(dir, name), true, deviceRW); err != nil {
			return err
		}
	}
	links := [][2]string{{"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"}}
	for _, l := range links {
		if err := os.Symlink(l[1], filepath.Join(dir, l[0])); err != nil {
			return err
		}
	}
	return nil
}

// Attributes of the mounts bound into a run.
const (
	readOnly = mountAttrRdonly | mountAttrNosuid | mountAttrNodev
	writable = mountAttrNosuid | mountAttrNodev
	deviceRW = mountAttrNosuid
)

// bindMount mounts src at dst, with everything mounted below it, making dst
// (a file if file, else a folder) and the folders above it, and sets attr
// on every mount below dst.
func bindMount(src, dst string, file bool, attr uint64) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if file {
		f, err := os.OpenFile(dst, os.O_CREATE|os.O_RDONLY, 0o644)
		if err != nil {
			return err
		}
		f.Close()
	} else if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	if err := syscall.Mount(src, dst, "", syscall.MS_BIND|syscall.MS_REC, ""); err != nil {
		return fmt.Errorf("binding %s: %v", dst, err)
	}
	return setAttr(dst, attr)
}

// setAttr sets attr on the mount at path and every mount below it, with
// mount_setattr(2) (Linux 5.12); on older kernels it remounts the top
// mount alone.
func setAttr(path string, attr uint64) error {
	p, err := syscall.BytePtrFromString(path)
	if err != nil {
		return err
	}
	ma := struct{ set, clr, propagation, userns uint64 }{set: attr}
	atFDCWD := -100
	_, _, e := syscall.Syscall6(sysMountSetattr, uintptr(atFDCWD), uintptr(unsafe.Pointer(p)), atRecursive, uintptr(unsafe.Pointer(&ma)), unsafe.Sizeof(ma), 0)
	if e == 0 {
		return nil
	}
	if e != syscall.ENOSYS {
		return fmt.Errorf("making %s safe: %v", path, e)
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return err
	}
	// Keep the flags the kernel locks (noexec, atime), add ours.
	flags := uintptr(st.Flags) | syscall.MS_REMOUNT | syscall.MS_BIND | syscall.MS_NOSUID
	if attr&mountAttrRdonly != 0 {
		flags |= syscall.MS_RDONLY
	}
	if attr&mountAttrNodev != 0 {
		flags |= syscall.MS_NODEV
	}
	if err := syscall.Mount("", path, "", flags, ""); err != nil {
		return fmt.Errorf("making %s safe: %v", path, err)
	}
	return nil
}

// setLimits applies the run's limits to this process, which its program
// and every process it starts inherit. The process limit counts per user
// and user namespace, so it is set only in a sandbox, where the run has a
// namespace of its own.
func setLimits(l Limits, sandboxed bool) error {
	set := func(what string, resource int, v uint64) error {
		if err := syscall.Setrlimit(resource, &syscall.Rlimit{Cur: v, Max: v}); err != nil {
			return fmt.Errorf("setting the %s limit: %v", what, err)
		}
		return nil
	}
	if err := set("core dump", syscall.RLIMIT_CORE, 0); err != nil {
		return err
	}
	if l.Memory > 0 {
		if err := set("memory", syscall.RLIMIT_DATA, uint64(l.Memory)); err != nil {
			return err
		}
	}
	if l.Files > 0 {
		if err := set("open files", rlimitNofile, uint64(l.Files)); err != nil {
			return err
		}
	}
	if l.FileSize > 0 {
		if err := set("file size", syscall.RLIMIT_FSIZE, uint64(l.FileSize)); err != nil {
			return err
		}
	}
	if l.Processes > 0 && sandboxed && perNamespaceNproc() {
		if err := set("process", rlimitNproc, uint64(l.Processes)); err != nil {
			return err
		}
	}
	return nil
}

// dropPrivileges leaves every thread of the box without capabilities,
// unable to gain any and dying with the build, if it can do so without
// executing a program, and reports whether it did: a change of user from
// root (in the namespace) does it on every thread at once, and so does
// capset(2) through syscall.AllThreadsSyscall, which a program linked
// with cgo cannot use.
func dropPrivileges() (bool, error) {
	uid, _ := runAs()
	if os.Getuid() != uid {
		if err := becomeRunner(); err != nil {
			return false, err
		}
	} else {
		hdr := struct {
			version uint32
			pid     int32
		}{version: linuxCapabilityVersion3}
		var data [2]struct{ effective, permitted, inheritable uint32 }
		_, _, e := syscall.AllThreadsSyscall(syscall.SYS_CAPSET, uintptr(unsafe.Pointer(&hdr)), uintptr(unsafe.Pointer(&data[0])), 0)
		if e == syscall.ENOTSUP {
			return false, nil
		}
		if e != 0 {
			return false, fmt.Errorf("dropping capabilities: %v", e)
		}
	}
	// Per thread, but inherited: set on every thread where the runtime
	// allows, else on this one, which then runs the program's main.
	runtime.LockOSThread()
	for _, opt := range [][2]uintptr{{syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL)}, {prSetNoNewPrivs, 1}} {
		_, _, e := syscall.AllThreadsSyscall(syscall.SYS_PRCTL, opt[0], opt[1], 0)
		if e == syscall.ENOTSUP {
			_, _, e = syscall.RawSyscall(syscall.SYS_PRCTL, opt[0], opt[1], 0)
		}
		if e != 0 {
			return false, fmt.Errorf("prctl %d: %v", opt[0], e)
		}
	}
	return true, nil
}

// execDropping executes path with argv on a thread without capabilities,
// such that neither it nor anything it starts can gain privileges again.
func execDropping(path string, argv []string) error {
	runtime.LockOSThread()
	// A change of user cleared the parent-death signal: set it again.
	if _, _, e := syscall.RawSyscall6(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL), 0, 0, 0, 0); e != 0 {
		return fmt.Errorf("asking to die with the build: %v", e)
	}
	if _, _, e := syscall.RawSyscall6(syscall.SYS_PRCTL, prSetNoNewPrivs, 1, 0, 0, 0, 0); e != 0 {
		return fmt.Errorf("forbidding new privileges: %v", e)
	}
	if _, _, e := syscall.RawSyscall6(syscall.SYS_PRCTL, prCapAmbient, prCapAmbientClearAll, 0, 0, 0, 0); e != 0 {
		return fmt.Errorf("dropping capabilities: %v", e)
	}
	return syscall.Exec(path, argv, os.Environ())
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

// maxRSS is the peak resident memory of the process st describes, in
// bytes (Linux counts it in KiB).
func maxRSS(st *os.ProcessState) int64 {
	if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss << 10
	}
	return 0
}

// perNamespaceNproc reports whether the kernel counts processes against
// RLIMIT_NPROC per user namespace (Linux 5.14 and later), so that a run's
// limit counts the run's processes only, not all of its user's.
func perNamespaceNproc() bool {
	var u syscall.Utsname
	if syscall.Uname(&u) != nil {
		return false
	}
	var release []byte
	for _, c := range u.Release {
		if c == 0 {
			break
		}
		release = append(release, byte(c))
	}
	var major, minor int
	if _, err := fmt.Sscanf(string(release), "%d.%d", &major, &minor); err != nil {
		return false
	}
	return major > 5 || major == 5 && minor >= 14
}

// dupOver makes file descriptor newfd a copy of oldfd, closing what
// newfd was, and closed on exec.
func dupOver(oldfd, newfd int) error { return syscall.Dup3(oldfd, newfd, syscall.O_CLOEXEC) }
