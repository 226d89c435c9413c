//go:build linux

package box

import (
	"encoding/binary"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// On Linux the box starts in new user, PID, mount, network, IPC and UTS
// namespaces, made through the user namespace so that no privilege is
// needed. In the first stage, which holds capabilities in its own
// namespaces only, the box builds the run's file system, brings loopback
// up and sets the limits; it then executes the program (or, for an entry
// point, runs it, or itself again), as a user without capabilities,
// under a seccomp filter. See the package doc for what the run then sees.

// fdDir lists this process's file descriptors.
const fdDir = "/proc/self/fd"

// overflowID is nobody: who a run is when the build runs as root.
const overflowID = 65534

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
// capabilities it needs to set them up.
func isolate(sys *syscall.SysProcAttr) {
	uid, gid := runAs()
	sys.Cloneflags = syscall.CLONE_NEWUSER | syscall.CLONE_NEWPID | syscall.CLONE_NEWNS |
		syscall.CLONE_NEWNET | syscall.CLONE_NEWIPC | syscall.CLONE_NEWUTS
	sys.UidMappings = []syscall.SysProcIDMap{{ContainerID: uid, HostID: uid, Size: 1}}
	sys.GidMappings = []syscall.SysProcIDMap{{ContainerID: gid, HostID: gid, Size: 1}}
	sys.AmbientCaps = []uintptr{unix.CAP_SYS_ADMIN, unix.CAP_NET_ADMIN}
	if os.Getuid() == 0 {
		// Root may map itself too: the first stage stays root, in its
		// namespace only, and becomes nobody before the program runs.
		sys.UidMappings = append(sys.UidMappings, syscall.SysProcIDMap{ContainerID: 0, HostID: 0, Size: 1})
		sys.GidMappings = append(sys.GidMappings, syscall.SysProcIDMap{ContainerID: 0, HostID: 0, Size: 1})
		sys.GidMappingsEnableSetgroups = true
	}
}

// dieWithParent asks for the box to be killed when the build dies.
func dieWithParent(sys *syscall.SysProcAttr) { sys.Pdeathsig = syscall.SIGKILL }

// giveToRunner makes the folder at path the run's user's, if that is not
// the build's.
func giveToRunner(path string) error {
	if uid, gid := runAs(); uid != os.Getuid() {
		return os.Chown(path, uid, gid)
	}
	return nil
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

// devices are the host's devices a sandboxed run may use, in /dev.
var devices = []string{"null", "zero", "full", "random", "urandom"}

// enterSandbox, in the box's first stage, builds the run's file system
// and enters it, brings loopback up and names the host.
func enterSandbox(sp *spec) error {
	if err := setupFiles(sp); err != nil {
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

// setupFiles makes a fresh tmpfs, mounted on the working directory's
// empty folder, the root of the run: the system's folders, the programs
// and the caller's paths bound, a new /proc, a few devices, a read-only
// /tmp, and the working directory, a tmpfs of its own. The old root is
// then detached, so nothing else of the host is reachable, its unix
// sockets included.
func setupFiles(sp *spec) error {
	stage := sp.Dir
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making mounts private: %v", err)
	}
	if err := syscall.Mount("tmpfs", stage, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "mode=0755,size=1m"); err != nil {
		return fmt.Errorf("mounting the new root: %v", err)
	}
	root := func(p string) string { return filepath.Join(stage, p) }
	for _, p := range sp.Sandbox.System {
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
	for _, b := range sp.Sandbox.Binds {
		fi, err := os.Stat(b.Path)
		if err != nil {
			return err
		}
		attr := uint64(readOnly)
		if b.Write {
			attr = writable
		}
		if err := bindMount(b.Path, root(b.Path), !fi.IsDir(), attr); err != nil {
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
	if err := setupWork(root(sp.Dir), sp); err != nil {
		return fmt.Errorf("working directory: %v", err)
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
	return syscall.Chdir(sp.Dir)
}

// setupWork mounts the working directory's tmpfs at dir, the run's
// user's, writes the run's files there, and passes the parent a
// descriptor of it.
func setupWork(dir string, sp *spec) error {
	uid, gid := runAs()
	opts := fmt.Sprintf("mode=0700,uid=%d,gid=%d", uid, gid)
	if d := sp.Limits.Disk; d > 0 {
		opts += fmt.Sprintf(",size=%d,nr_inodes=%d", d, max(d>>12, 16))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, opts); err != nil {
		return err
	}
	if err := writeFiles(dir, sp.Files); err != nil {
		return err
	}
	if uid != os.Getuid() {
		err := filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
			if err == nil {
				err = os.Lchown(p, uid, gid)
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	return send(msgWork, nil, fd)
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
	readOnly = unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NODEV
	writable = unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NODEV
	deviceRW = unix.MOUNT_ATTR_NOSUID
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
	err := unix.MountSetattr(unix.AT_FDCWD, path, unix.AT_RECURSIVE, &unix.MountAttr{Attr_set: attr})
	if err != unix.ENOSYS {
		if err != nil {
			return fmt.Errorf("making %s safe: %v", path, err)
		}
		return nil
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return err
	}
	// Keep the flags the kernel locks (noexec, atime), add ours.
	flags := uintptr(st.Flags) | syscall.MS_REMOUNT | syscall.MS_BIND | syscall.MS_NOSUID
	if attr&unix.MOUNT_ATTR_RDONLY != 0 {
		flags |= syscall.MS_RDONLY
	}
	if attr&unix.MOUNT_ATTR_NODEV != 0 {
		flags |= syscall.MS_NODEV
	}
	if err := syscall.Mount("", path, "", flags, ""); err != nil {
		return fmt.Errorf("making %s safe: %v", path, err)
	}
	return nil
}

// loopbackUp sets the IFF_UP flag of the interface lo.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}

// addressAllowance is how much more address space than its memory limit
// a run has without a cgroup: what runtimes reserve and never use (Go's
// reserves some 700 MiB as it starts; each thread of a C library, its
// stack).
const addressAllowance = 2 << 30

// setLimits applies the run's limits to this process, which its program
// and every process it starts inherit. Memory, if set, bounds the private
// data (RLIMIT_DATA) and, with addressAllowance more, the address space.
// The process limit counts per user and user namespace, so it is set only
// in a sandbox, where the run has a namespace of its own.
func setLimits(l Limits, sandboxed bool) error {
	type limit struct {
		what     string
		resource int
		v        int64
	}
	nproc, as := int64(0), int64(0)
	if sandboxed && perNamespaceNproc() {
		nproc = int64(l.Processes)
	}
	if l.Memory > 0 {
		as = l.Memory + addressAllowance
	}
	for _, x := range []limit{
		{"core dump", unix.RLIMIT_CORE, 0},
		{"memory", unix.RLIMIT_DATA, l.Memory},
		{"address space", unix.RLIMIT_AS, as},
		{"open files", unix.RLIMIT_NOFILE, int64(l.Files)},
		{"file size", unix.RLIMIT_FSIZE, l.FileSize},
		{"process", unix.RLIMIT_NPROC, nproc},
	} {
		if x.v <= 0 && x.resource != unix.RLIMIT_CORE {
			continue
		}
		if err := syscall.Setrlimit(x.resource, &syscall.Rlimit{Cur: uint64(x.v), Max: uint64(x.v)}); err != nil {
			return fmt.Errorf("setting the %s limit: %v", x.what, err)
		}
	}
	return nil
}

// perNamespaceNproc reports whether the kernel counts processes against
// RLIMIT_NPROC per user namespace (Linux 5.14 and later), so that a run's
// limit counts the run's processes only, not all of its user's.
func perNamespaceNproc() bool {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return false
	}
	var major, minor int
	if _, err := fmt.Sscanf(unix.ByteSliceToString(u.Release[:]), "%d.%d", &major, &minor); err != nil {
		return false
	}
	return major > 5 || major == 5 && minor >= 14
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
		hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
		var data [2]unix.CapUserData
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
	for _, opt := range [][2]uintptr{{syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL)}, {unix.PR_SET_NO_NEW_PRIVS, 1}} {
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

// execConfined executes path with argv on a thread without capabilities,
// under the run's seccomp filter, such that neither it nor anything it
// starts can gain privileges again; announce tells the parent that the
// program starts.
func execConfined(path string, argv []string, announce bool) error {
	runtime.LockOSThread()
	// A change of user cleared the parent-death signal: set it again.
	for _, opt := range [][2]uintptr{{syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL)}, {unix.PR_SET_NO_NEW_PRIVS, 1}, {unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL}} {
		if _, _, e := syscall.RawSyscall(syscall.SYS_PRCTL, opt[0], opt[1], 0); e != 0 {
			return fmt.Errorf("prctl %d: %v", opt[0], e)
		}
	}
	if err := confine(); err != nil {
		return err
	}
	if announce {
		started()
	}
	return fmt.Errorf("executing %s: %v", path, syscall.Exec(path, argv, os.Environ()))
}

// auditArch names each architecture to the kernel's seccomp filters.
var auditArch = map[string]uint32{
	"amd64": unix.AUDIT_ARCH_X86_64, "arm64": unix.AUDIT_ARCH_AARCH64,
	"riscv64": unix.AUDIT_ARCH_RISCV64, "loong64": unix.AUDIT_ARCH_LOONGARCH64,
	"ppc64le": unix.AUDIT_ARCH_PPC64LE, "ppc64": unix.AUDIT_ARCH_PPC64, "s390x": unix.AUDIT_ARCH_S390X,
}

// confine sets the run's seccomp filter on every thread of the box (its
// callers have set no_new_privs): namespaces and keyrings are denied
// (see the package doc), and so is every system call of another
// architecture's numbering (32-bit x86 and x32 on amd64), which would
// pass the filter's numbers by.
func confine() error {
	arch, ok := auditArch[runtime.GOARCH]
	if !ok {
		return fmt.Errorf("no seccomp filter for %s", runtime.GOARCH)
	}
	const namespaces = unix.CLONE_NEWNS | unix.CLONE_NEWCGROUP | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC |
		unix.CLONE_NEWUSER | unix.CLONE_NEWPID | unix.CLONE_NEWNET | unix.CLONE_NEWTIME
	const (
		ld   = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
		jeq  = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
		jge  = unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K
		jset = unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K
		ret  = unix.BPF_RET | unix.BPF_K
	)
	eperm, enosys := uint32(unix.SECCOMP_RET_ERRNO|unix.EPERM), uint32(unix.SECCOMP_RET_ERRNO|unix.ENOSYS)
	flags := uint32(16) // the low half of the first argument, in struct seccomp_data
	if binary.NativeEndian.Uint16([]byte{0, 1}) == 1 {
		flags = 20
	}
	f := []unix.SockFilter{
		{Code: ld, K: 4}, // arch
		{Code: jeq, K: arch, Jt: 1},
		{Code: ret, K: enosys},
		{Code: ld, K: 0}, // number
		{Code: jge, K: 0x40000000, Jf: 1},
		{Code: ret, K: enosys},
	}
	for _, nr := range []uint32{unix.SYS_ADD_KEY, unix.SYS_REQUEST_KEY, unix.SYS_KEYCTL, unix.SYS_SETNS} {
		f = append(f, unix.SockFilter{Code: jeq, K: nr, Jf: 1}, unix.SockFilter{Code: ret, K: eperm})
	}
	f = append(f,
		unix.SockFilter{Code: jeq, K: unix.SYS_CLONE3, Jf: 1},
		unix.SockFilter{Code: ret, K: enosys},
		unix.SockFilter{Code: jeq, K: unix.SYS_CLONE, Jt: 1},
		unix.SockFilter{Code: jeq, K: unix.SYS_UNSHARE, Jf: 3},
		unix.SockFilter{Code: ld, K: flags},
		unix.SockFilter{Code: jset, K: namespaces, Jf: 1},
		unix.SockFilter{Code: ret, K: eperm},
		unix.SockFilter{Code: ret, K: unix.SECCOMP_RET_ALLOW},
	)
	prog := unix.SockFprog{Len: uint16(len(f)), Filter: &f[0]}
	_, _, e := syscall.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_TSYNC, uintptr(unsafe.Pointer(&prog)))
	if e != 0 {
		return fmt.Errorf("setting the seccomp filter: %v", e)
	}
	return nil
}

// full reports whether the file system of the descriptor fd has no room
// left, for data or for files.
func full(fd int) bool {
	var st unix.Statfs_t
	return unix.Fstatfs(fd, &st) == nil && (st.Bavail == 0 || st.Ffree == 0)
}

// maxRSS is the peak resident memory of the process st describes, in
// bytes (Linux counts it in KiB).
func maxRSS(st *os.ProcessState) int64 {
	if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss << 10
	}
	return 0
}

// dupOver makes file descriptor newfd a copy of oldfd, closing what
// newfd was, and closed on exec.
func dupOver(oldfd, newfd int) error { return syscall.Dup3(oldfd, newfd, syscall.O_CLOEXEC) }
