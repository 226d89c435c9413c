package box

import (
	"cmp"
	"encoding/json"
	"net"
	"os"
	"syscall"
	"time"
)

// The box gets the run's spec, as JSON, as its only argument. The protocol
// between a run's parent (Run) and its box is one Unix stream socket, file
// descriptor protoFD in the box. The box waits for the parent to close its
// side, once the box is in its cgroup, then writes messages, each a JSON
// object. The socket is closed on exec, and an entry point's report
// closes it (see reportFile): nothing of the program can write a message.
const protoFD = 3

// spec is all the box is told about a run.
type spec struct {
	Path   string   `json:"path,omitempty"`
	Entry  string   `json:"entry,omitempty"`
	Args   []string `json:"args,omitempty"`
	Dir    string   `json:"dir,omitempty"`
	Limits Limits   `json:"limits"` // Memory is the rlimits', if set
	// Traceback says that the box added GOTRACEBACK=none to the
	// environment, for its own runtime, not the program's.
	Traceback bool     `json:"traceback,omitempty"`
	Sandbox   *sandbox `json:"sandbox,omitempty"` // to enter before the program runs
}

// sandbox is what the box's first stage sets up.
type sandbox struct {
	Exe    string   `json:"exe"`    // the box's program, for a second stage
	System []string `json:"system"` // the host's folders, read-only
	Binds  []bind   `json:"binds"`  // the other files and folders the run sees
}

// A bind is a file or folder of the host the box makes visible at the
// same path.
type bind struct {
	Path  string `json:"path"`
	Write bool   `json:"write,omitempty"`
}

// A message is what the box tells its parent: one field is set.
type message struct {
	Work    bool   `json:"work,omitempty"`    // passes the working directory's descriptor, to tell whether it filled up
	Started bool   `json:"started,omitempty"` // the program starts now
	Failed  string `json:"failed,omitempty"`  // why the box could not set the run up or start the program
	Report  []byte `json:"report,omitempty"`  // some bytes of an entry point's report
}

// socketPair returns the parent's end of the protocol and the box's.
func socketPair() (*net.UnixConn, *os.File, error) {
	syscall.ForkLock.RLock() // so that no process starts with them
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err == nil {
		syscall.CloseOnExec(fds[0])
		syscall.CloseOnExec(fds[1])
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return nil, nil, err
	}
	mine := os.NewFile(uintptr(fds[0]), "box protocol")
	defer mine.Close() // FileConn holds a copy
	conn, err := net.FileConn(mine)
	if err != nil {
		syscall.Close(fds[1])
		return nil, nil, err
	}
	return conn.(*net.UnixConn), os.NewFile(uintptr(fds[1]), "box protocol"), nil
}

// A listener is the parent's side of the protocol once the spec is sent:
// it reads the box's messages until the box closes its side.
type listener struct {
	conn    *net.UnixConn
	started chan struct{} // closed at Started
	done    chan struct{} // closed at the end
	start   time.Time     // when the program started, set before started is closed
	// Set before done is closed:
	failed string // why the box could not set the run up or start the program
	report []byte
	work   int // the working directory's descriptor, or -1
}

func listen(conn *net.UnixConn) *listener {
	l := &listener{conn: conn, started: make(chan struct{}), done: make(chan struct{}), work: -1}
	go l.read()
	return l
}

func (l *listener) read() {
	defer close(l.done)
	for dec := json.NewDecoder(l); ; {
		var m message
		if dec.Decode(&m) != nil {
			return
		}
		if m.Started && l.start.IsZero() {
			l.start = time.Now()
			close(l.started)
		}
		l.failed = cmp.Or(m.Failed, l.failed)
		l.report = append(l.report, m.Report[:min(len(m.Report), max(maxReport-len(l.report), 0))]...)
	}
}

// Read reads the socket, keeping the first descriptor passed as the
// working directory's and closing any other.
func (l *listener) Read(p []byte) (int, error) {
	oob := make([]byte, syscall.CmsgSpace(4*4))
	n, oobn, _, _, err := l.conn.ReadMsgUnix(p, oob)
	msgs, _ := syscall.ParseSocketControlMessage(oob[:max(oobn, 0)])
	for _, m := range msgs {
		fds, _ := syscall.ParseUnixRights(&m)
		for _, fd := range fds {
			if l.work < 0 {
				l.work = fd
			} else {
				syscall.Close(fd)
			}
		}
	}
	return max(n, 0), err
}

// drain waits a little for the box to close its side, and closes the
// socket if it does not.
func (l *listener) drain() {
	if !within(l.done, drainLimit) {
		l.conn.Close()
		<-l.done
	}
}

// send writes m to the parent, with oob (descriptors passed) if any.
func send(m message, oob []byte) error {
	data, err := json.Marshal(m)
	for err == nil && len(data) > 0 {
		var n int
		if n, err = syscall.SendmsgN(protoFD, data, oob, nil, 0); err == syscall.EINTR {
			err = nil
		}
		if n > 0 {
			data, oob = data[n:], nil
		}
	}
	return err
}
