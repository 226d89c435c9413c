package box

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// fdDir lists this process's file descriptors.
const fdDir = "/proc/self/fd"

// isolate asks for the box to die with the build and, if sandboxed, to
// start in its own namespaces, with the capabilities it needs to set them
// up.
func isolate(sys *syscall.SysProcAttr, sandboxed bool) {
	sys.Pdeathsig = syscall.SIGKILL
	if !sandboxed {
		return
	}
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
// empty folder, the root of the run, and pivots into it. The old root is
// detached, so nothing else of the host is reachable.
func setupFiles(sp *spec) error {
	stage := sp.Dir
	files, err := os.Open(stage) // the run's files, which the new root hides
	if err != nil {
		return err
	}
	defer files.Close()
	root := func(p string) string { return filepath.Join(stage, p) }
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making mounts private: %v", err)
	}
	if err := syscall.Mount("tmpfs", stage, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "mode=0755,size=1m"); err != nil {
		return fmt.Errorf("mounting the new root: %v", err)
	}
	for _, p := range sp.Sandbox.System {
		fi, err := os.Lstat(p)
		if err != nil {
			continue // this system has no such folder
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			if err == nil {
				err = os.Symlink(target, root(p))
			}
			if err != nil {
				return err
			}
		} else if fi.IsDir() {
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
	// Always a folder, read-only with the root, so that writing to /tmp
	// fails the same way wherever the build keeps its runs.
	if err := os.MkdirAll(root("/tmp"), 0o755); err != nil {
		return err
	}
	if err := setupWork(root(sp.Dir), fmt.Sprintf("/proc/self/fd/%d", files.Fd()), sp.Limits.Disk); err != nil {
		return fmt.Errorf("working directory: %v", err)
	}
	// pivot_root(".", ".") stacks the old root on the new one, to detach.
	if err := syscall.Chdir(stage); err != nil {
		return err
	}
	if err := syscall.PivotRoot(".", "."); err != nil {
		return fmt.Errorf("pivot_root: %v", err)
	}
	if err := syscall.Unmount(".", syscall.MNT_DETACH); err != nil {
		return fmt.Errorf("detaching the host's root: %v", err)
	}
	if err := syscall.Mount("", "/", "", syscall.MS_REMOUNT|syscall.MS_BIND|syscall.MS_RDONLY|syscall.MS_NOSUID|syscall.MS_NODEV, ""); err != nil {
		return fmt.Errorf("making the root read-only: %v", err)
	}
	return syscall.Chdir(sp.Dir)
}

// setupWork mounts the working directory's tmpfs at dir, the run's
// user's, copies the run's files there from the folder files, and passes
// the parent a descriptor of it.
func setupWork(dir, files string, disk int64) error {
	uid, gid := runAs()
	opts := fmt.Sprintf("mode=0700,uid=%d,gid=%d", uid, gid)
	if disk > 0 {
		opts += fmt.Sprintf(",size=%d,nr_inodes=%d", disk, max(disk>>12, 16))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, opts); err != nil {
		return err
	}
	if err := os.CopyFS(dir, os.DirFS(files)); err != nil {
		return err
	}
	err := filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err == nil {
			err = os.Lchown(p, uid, gid)
		}
		return err
	})
	if err != nil {
		return err
	}
	fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	return send(message{Work: true}, syscall.UnixRights(fd))
}

// setupDev makes dir a /dev holding only the harmless devices, bound from
// the host's, and the usual links to /proc.
func setupDev(dir string) error {
	for _, name := range []string{"null", "zero", "full", "random", "urandom"} {
		if err := bindMount("/dev/"+name, filepath.Join(dir, name), true, deviceRW); err != nil {
			return err
		}
	}
	for name, target := range map[string]string{"fd": "/proc/self/fd", "stdin": "/proc/self/fd/0", "stdout": "/proc/self/fd/1", "stderr": "/proc/self/fd/2"} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
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

// bindMount mounts src at dst (a file if file, else a folder, made with
// the folders above it), with everything mounted below it, and sets attr
// on every mount below dst; on kernels without mount_setattr(2) (before
// 5.12), on the top mount alone.
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
	err := unix.MountSetattr(unix.AT_FDCWD, dst, unix.AT_RECURSIVE, &unix.MountAttr{Attr_set: attr})
	if err == unix.ENOSYS {
		var st syscall.Statfs_t
		if err = syscall.Statfs(dst, &st); err == nil {
			// Keep the flags the kernel locks (noexec, atime), add ours.
			flags := uintptr(st.Flags) | syscall.MS_REMOUNT | syscall.MS_BIND | syscall.MS_NOSUID
			if attr&unix.MOUNT_ATTR_RDONLY != 0 {
				flags |= syscall.MS_RDONLY
			}
			if attr&unix.MOUNT_ATTR_NODEV != 0 {
				flags |= syscall.MS_NODEV
			}
			err = syscall.Mount("", dst, "", flags, "")
		}
	}
	if err != nil {
		return fmt.Errorf("making %s safe: %v", dst, err)
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

// setLimits applies the run's limits to this process, which its program
// and every process it starts inherit. Memory, if set, bounds the private
// data (RLIMIT_DATA) and, with 2 GiB more, the address space, which
// runtimes reserve and never use. The process limit counts per user and
// user namespace: it is set only in a sandbox, and only where the kernel
// counts per namespace (Linux 5.14 and later).
func setLimits(l Limits, sandboxed bool) error {
	var nproc, as int64
	if sandboxed && perNamespaceNproc() {
		nproc = int64(l.Processes)
	}
	if l.Memory > 0 {
		as = l.Memory + 2<<30
	}
	for _, x := range []struct {
		what     string
		resource int
		v        int64
	}{
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
// RLIMIT_NPROC per user namespace (Linux 5.14 and later).
func perNamespaceNproc() bool {
	var u unix.Utsname
	var major, minor int
	if unix.Uname(&u) != nil {
		return false
	}
	_, err := fmt.Sscanf(unix.ByteSliceToString(u.Release[:]), "%d.%d", &major, &minor)
	return err == nil && (major > 5 || major == 5 && minor >= 14)
}

// confine leaves the box without privilege, under the run's seccomp
// filter, for good: on every thread where it can (as root, by a change of
// user; without cgo, by capset(2) through syscall.AllThreadsSyscall),
// else on this one, from which an entry point then executes the box's
// program again, a second stage that speaks on the same socket.
func confine(sp *spec) error {
	everyThread := true
	if uid, gid := runAs(); os.Getuid() != uid {
		err := syscall.Setgroups(nil)
		if err == nil {
			err = syscall.Setresgid(gid, gid, gid)
		}
		if err == nil {
			err = syscall.Setresuid(uid, uid, uid)
		}
		if err != nil {
			return fmt.Errorf("becoming user %d: %v", uid, err)
		}
	} else {
		hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
		var data [2]unix.CapUserData
		_, _, e := syscall.AllThreadsSyscall(syscall.SYS_CAPSET, uintptr(unsafe.Pointer(&hdr)), uintptr(unsafe.Pointer(&data[0])), 0)
		if everyThread = e != syscall.ENOTSUP; everyThread && e != 0 {
			return fmt.Errorf("dropping capabilities: %v", e)
		}
	}
	// The program runs on this thread, whether executed or an entry point.
	runtime.LockOSThread()
	// A change of user cleared the parent-death signal: set it again.
	for _, opt := range [][2]uintptr{{syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL)}, {unix.PR_SET_NO_NEW_PRIVS, 1}, {unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL}} {
		_, _, e := syscall.AllThreadsSyscall(syscall.SYS_PRCTL, opt[0], opt[1], 0)
		if e == syscall.ENOTSUP {
			_, _, e = syscall.RawSyscall(syscall.SYS_PRCTL, opt[0], opt[1], 0)
		}
		if e != 0 {
			return fmt.Errorf("prctl %d: %v", opt[0], e)
		}
	}
	if err := seccomp(); err != nil || everyThread || sp.Entry == "" {
		return err
	}
	next, _ := json.Marshal(spec{Entry: sp.Entry, Args: sp.Args, Traceback: sp.Traceback}) // cannot fail
	syscall.Syscall(syscall.SYS_FCNTL, protoFD, syscall.F_SETFD, 0)
	return fmt.Errorf("executing the second stage: %v", syscall.Exec(sp.Sandbox.Exe, []string{childArg0, string(next)}, os.Environ()))
}

// auditArch names each architecture to the kernel's seccomp filters.
var auditArch = map[string]uint32{
	"amd64": unix.AUDIT_ARCH_X86_64, "arm64": unix.AUDIT_ARCH_AARCH64,
	"riscv64": unix.AUDIT_ARCH_RISCV64, "loong64": unix.AUDIT_ARCH_LOONGARCH64,
	"ppc64le": unix.AUDIT_ARCH_PPC64LE, "ppc64": unix.AUDIT_ARCH_PPC64, "s390x": unix.AUDIT_ARCH_S390X,
}

// seccomp sets the run's seccomp filter on every thread of the box (its
// callers have set no_new_privs): namespaces and keyrings are denied
// (see the package doc), and so is every system call of another
// architecture's numbering (32-bit x86 and x32 on amd64), which would
// pass the filter's numbers by.
func seccomp() error {
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
