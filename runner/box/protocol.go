package box

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
)

// The protocol between a run's parent (Run) and its box is one Unix stream
// socket, file descriptor protoFD in the box. The parent writes the spec,
// as JSON, and closes its side for writing; the box reads it to the end.
// The box then writes frames, each a kind, a big-endian uint32 length and
// that many bytes:
//
//   - msgWork, empty, passing the descriptor of the sandbox's working
//     directory, by which the parent tells whether it filled up;
//   - msgStarted, eight bytes of Unix nanoseconds: the program starts now;
//   - msgFailed, why the box could not set the run up or start it;
//   - msgReport, some bytes of an entry point's report.
//
// The socket is closed on exec, and an entry point's report closes it
// (see reportFile): nothing of the program can write a frame.
const protoFD = 3

// The kinds of frame.
const (
	msgWork    = 'W'
	msgStarted = 'S'
	msgFailed  = 'F'
	msgReport  = 'R'
)

// maxFrame bounds a frame's length; longer ones end the conversation.
const maxFrame = 1 << 16

// spec is all the box is told about a run.
type spec struct {
	Path   string            `json:"path,omitempty"`
	Entry  string            `json:"entry,omitempty"`
	Args   []string          `json:"args,omitempty"`
	Dir    string            `json:"dir,omitempty"`
	Files  map[string][]byte `json:"files,omitempty"` // written by the box, in the sandbox
	Limits Limits            `json:"limits"`          // Memory is the address space's, if set
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
// it reads the box's frames until the box closes its side.
type listener struct {
	started chan struct{} // closed at msgStarted or msgFailed, or at the end
	done    chan struct{} // closed at the end
	// Set before started is closed:
	start  time.Time // when the program started
	failed string    // why the box could not start it
	// Set before done is closed:
	late   string // a failure after msgStarted: the exec failed
	report []byte
	work   int // the working directory's descriptor, or -1
}

func listen(conn *net.UnixConn) *listener {
	l := &listener{started: make(chan struct{}), done: make(chan struct{}), work: -1}
	go l.read(conn)
	return l
}

func (l *listener) read(conn *net.UnixConn) {
	defer close(l.done)
	var once sync.Once
	signal := func() { once.Do(func() { close(l.started) }) }
	defer signal()
	var pending []byte
	buf, oob := make([]byte, 32<<10), make([]byte, syscall.CmsgSpace(4*4))
	for {
		n, oobn, _, _, err := conn.ReadMsgUnix(buf, oob)
		l.keepRights(oob[:max(oobn, 0)])
		pending = append(pending, buf[:max(n, 0)]...)
		for len(pending) >= 5 {
			size := int(binary.BigEndian.Uint32(pending[1:5]))
			if size > maxFrame {
				return
			}
			if len(pending) < 5+size {
				break
			}
			body := pending[5 : 5+size]
			switch pending[0] {
			case msgStarted:
				if len(body) == 8 {
					l.start = time.Unix(0, int64(binary.BigEndian.Uint64(body)))
				}
				signal()
			case msgFailed:
				select {
				case <-l.started:
					l.late = string(body)
				default:
					l.failed = string(body)
					signal()
				}
			case msgReport:
				room := max(maxReport-len(l.report), 0)
				l.report = append(l.report, body[:min(room, len(body))]...)
			}
			pending = pending[5+size:]
		}
		if err != nil {
			return
		}
	}
}

// drain waits a little for the box to close its side, and closes conn if
// it does not.
func (l *listener) drain(conn *net.UnixConn) {
	if !within(l.done, drainLimit) {
		conn.Close()
		<-l.done
	}
}

// keepRights keeps the first descriptor passed, as the working directory's,
// and closes any other.
func (l *listener) keepRights(oob []byte) {
	msgs, _ := syscall.ParseSocketControlMessage(oob)
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
}

// send writes one frame to the parent, passing fds along.
func send(kind byte, body []byte, fds ...int) error {
	frame := make([]byte, 5, 5+len(body))
	frame[0] = kind
	binary.BigEndian.PutUint32(frame[1:], uint32(len(body)))
	frame = append(frame, body...)
	var oob []byte
	if len(fds) > 0 {
		oob = syscall.UnixRights(fds...)
	}
	for len(frame) > 0 {
		n, err := syscall.SendmsgN(protoFD, frame, oob, nil, 0)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return err
		}
		frame, oob = frame[n:], nil
	}
	return nil
}

// started tells the parent that the program starts now.
func started() {
	send(msgStarted, binary.BigEndian.AppendUint64(nil, uint64(time.Now().UnixNano())))
}

// readSpec reads the run's spec: from argv in a second stage (see
// execSecondStage), else from the parent, to the end.
func readSpec() (*spec, error) {
	var data []byte
	if len(os.Args) == 2 {
		data = []byte(os.Args[1])
	} else {
		buf := make([]byte, 32<<10)
		for {
			n, err := syscall.Read(protoFD, buf)
			if errors.Is(err, syscall.EINTR) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if n == 0 {
				break
			}
			data = append(data, buf[:n]...)
		}
	}
	var sp spec
	return &sp, json.Unmarshal(data, &sp)
}
