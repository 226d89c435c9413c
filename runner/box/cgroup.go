package box

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// cgroups are where the box makes each run's memory cgroup: below the
// build's own, in the cgroup v2 hierarchy or in cgroup v1's memory
// controller, each mounted where systemd mounts it.
type cgroups struct {
	parent string // the build's cgroup
	files  cgroupFiles
	made   atomic.Int64
}

// The files of a memory cgroup: its limit, its limit with swap, and the
// one that counts OOM kills.
type cgroupFiles struct{ limit, swap, events string }

var (
	cgroupV2 = cgroupFiles{"memory.max", "memory.swap.max", "memory.events"}
	cgroupV1 = cgroupFiles{"memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "memory.oom_control"}
)

// findCgroups returns the cgroups in which the box can make a run's
// memory cgroup, trying cgroup v2 first, or nil and why there are none.
// It removes the cgroups that builds which died left behind.
func findCgroups() (*cgroups, string) {
	mine, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return nil, err.Error()
	}
	var whys []string
	for _, h := range []struct {
		mounts     []string
		controller string
		files      cgroupFiles
	}{
		{[]string{"/sys/fs/cgroup/unified", "/sys/fs/cgroup"}, "", cgroupV2},
		{[]string{"/sys/fs/cgroup/memory"}, "memory", cgroupV1},
	} {
		// Lines of /proc/self/cgroup: 0::/path (v2), 4:memory:/path (v1).
		var path string
		for _, line := range strings.Split(string(mine), "\n") {
			if f := strings.SplitN(line, ":", 3); len(f) == 3 && slices.Contains(strings.Split(f[1], ","), h.controller) {
				path = f[2]
			}
		}
		for _, mount := range h.mounts {
			if _, err := os.Stat(filepath.Join(mount, "cgroup.procs")); path == "" || err != nil {
				continue
			}
			cs := &cgroups{parent: filepath.Join(mount, path), files: h.files}
			cs.removeStale()
			cg, err := cs.make(64 << 20)
			if err == nil {
				cg.remove()
				return cs, ""
			}
			whys = append(whys, err.Error())
			break
		}
	}
	if whys == nil {
		return nil, "no cgroup memory controller is mounted"
	}
	return nil, strings.Join(whys, "; ")
}

// removeStale removes the cgroups of runs whose build has died.
func (cs *cgroups) removeStale() {
	entries, _ := os.ReadDir(cs.parent)
	for _, e := range entries {
		var pid, n int
		if _, err := fmt.Sscanf(e.Name(), "notebook-box-%d-%d", &pid, &n); err == nil && syscall.Kill(pid, 0) == syscall.ESRCH {
			(&cgroup{dir: filepath.Join(cs.parent, e.Name())}).remove()
		}
	}
}

// A cgroup is one run's; a nil one is none.
type cgroup struct {
	dir   string
	files cgroupFiles
}

// make makes a cgroup whose memory limit is limit bytes, swap included; or
// returns nil if cs is nil or limit 0.
func (cs *cgroups) make(limit int64) (*cgroup, error) {
	if cs == nil || limit <= 0 {
		return nil, nil
	}
	cg := &cgroup{filepath.Join(cs.parent, fmt.Sprintf("notebook-box-%d-%d", os.Getpid(), cs.made.Add(1))), cs.files}
	if err := os.Mkdir(cg.dir, 0o755); err != nil {
		return nil, err
	}
	swap := strconv.FormatInt(limit, 10) // v1 counts memory and swap together, v2 swap alone
	if cs.files == cgroupV2 {
		swap = "0"
	}
	err := cg.write(cs.files.limit, strconv.FormatInt(limit, 10))
	if err == nil {
		if err = cg.write(cs.files.swap, swap); errors.Is(err, os.ErrNotExist) {
			err = nil // no swap accounting
		}
	}
	if err != nil {
		cg.remove()
		return nil, err
	}
	return cg, nil
}

func (cg *cgroup) write(file, value string) error {
	return os.WriteFile(filepath.Join(cg.dir, file), []byte(value), 0)
}

// add moves process pid into cg.
func (cg *cgroup) add(pid int) error {
	if cg == nil {
		return nil
	}
	return cg.write("cgroup.procs", strconv.Itoa(pid))
}

// oomKilled reports whether the kernel killed a process of cg for want of
// memory.
func (cg *cgroup) oomKilled() bool {
	if cg == nil {
		return false
	}
	data, _ := os.ReadFile(filepath.Join(cg.dir, cg.files.events))
	for _, line := range strings.Split(string(data), "\n") {
		if n, ok := strings.CutPrefix(line, "oom_kill "); ok && n != "0" {
			return true
		}
	}
	return false
}

// kill kills every process in cg.
func (cg *cgroup) kill() {
	if cg == nil {
		return
	}
	data, _ := os.ReadFile(filepath.Join(cg.dir, "cgroup.procs"))
	for _, f := range strings.Fields(string(data)) {
		if pid, err := strconv.Atoi(f); err == nil {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// remove kills what is left in cg and removes it, waiting at most a few
// seconds for its processes to end.
func (cg *cgroup) remove() {
	for i := 0; cg != nil; i++ {
		cg.kill()
		if syscall.Rmdir(cg.dir) != syscall.EBUSY || i == 100 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}
