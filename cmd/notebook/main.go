// Command notebook builds a literate notebook: dated Markdown notes whose
// code blocks each sit beside a tested Go equivalent and the output it
// really printed.
//
// Usage:
//
//	notebook build [flags]              build the site into public/
//	notebook serve [flags]              serve it on localhost, rebuilding on change
//	notebook check [flags]              check links, snippets and expectations
//	notebook run [flags] ID             run one snippet and show its output
//	notebook new [flags]                start today's note
//	notebook scaffold NOTE:LINE ID      start the snippet for a block and link it
//
// Run "notebook help COMMAND" for a command's flags.
//
// Exit status: 0 on success, 1 when the notebook has problems (a snippet
// fails its expectation, a link is broken), 2 for a usage error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/gonotebook/notebook/internal/fileline"
	"github.com/gonotebook/notebook/runner"
)

// Exit statuses.
const (
	exitOK       = 0
	exitProblems = 1
	exitUsage    = 2
)

// A usageError is a mistake in how a command was called: a stray or
// missing argument, a flag value that cannot be right. Main prints it with
// the command's usage and exits with exitUsage.
type usageError struct {
	err error
}

func (e *usageError) Error() string { return e.err.Error() }

func (e *usageError) Unwrap() error { return e.err }

// usagef returns a *usageError with a formatted message; a %w verb wraps
// an error as fmt.Errorf does.
func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// A command is one subcommand.
type command struct {
	name    string
	args    string // what follows the flags, for the usage line; "" if nothing may
	summary string
	detail  string
	run     func(ctx context.Context, env *env, fs *flag.FlagSet, args []string) error
	flags   func(fs *flag.FlagSet, env *env)
	// cached says that the command keeps run results in the cache, and
	// so takes -cache and -no-cache.
	cached bool
	// runs says that the command runs snippets, and so takes -ceilings
	// and -no-sandbox.
	runs bool
}

// env is what every command shares: where the notebook is and where to
// write.
type env struct {
	root      string
	cacheDir  string
	noCache   bool
	ceilings  string // -ceilings, over the notebook's own
	noSandbox bool
	stdout    io.Writer
	stderr    io.Writer
	// runners are closed when the command ends, removing their
	// temporary folders.
	runners []*runner.Runner
}

func commands() []*command {
	return []*command{buildCmd(), serveCmd(), checkCmd(), runCmd(), newCmd(), scaffoldCmd()}
}

func main() {
	// A snippet's run happens in a copy of this program, its box: there,
	// Child runs the snippet and main goes no further.
	if code, ok := runner.Child(); ok {
		os.Exit(code)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	done := make(chan int, 1)
	go func() { done <- Main(ctx, os.Args[1:], os.Stdout, os.Stderr) }()
	select {
	case code := <-done:
		os.Exit(code)
	case <-ctx.Done():
	}
	// Interrupted: every step of a build ends when its context does, and
	// what a build writes goes into the output folder only once it is
	// complete; a step that does not end soon (a parser deep in a note,
	// say) is not waited for. Another signal stops it at once.
	stop()
	select {
	case code := <-done:
		os.Exit(code)
	case <-time.After(stopWait):
		fmt.Fprintln(os.Stderr, "notebook: interrupted")
		os.Exit(exitInterrupted)
	}
}

// stopWait is how long an interrupted command may take to stop by itself.
const stopWait = 900 * time.Millisecond

// exitInterrupted is the exit status of a command stopped by a signal
// before it could stop by itself, as a shell reports SIGINT's.
const exitInterrupted = 130

// Main runs the command line args and returns the exit status.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	name := args[0]
	helpOut := stderr // where -h prints a command's usage
	if name == "help" {
		if len(args) < 2 {
			usage(stdout)
			return exitOK
		}
		name, args = args[1], []string{args[1], "-h"}
		helpOut = stdout // asked for, as "notebook help" is
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		e := &env{stdout: stdout, stderr: stderr}
		fs := flag.NewFlagSet("notebook "+c.name, flag.ContinueOnError)
		fs.StringVar(&e.root, "root", ".", "the notebook's `folder` (holding notes/ and snippets/)")
		if c.runs {
			fs.StringVar(&e.ceilings, "ceilings", "", "the most any run may use, over notebook.yaml's ceilings: a `list` such as timeout=2m,memory=4GiB (keys: "+strings.Join(ceilingKeys, ", ")+")")
			fs.BoolVar(&e.noSandbox, "no-sandbox", false, "run snippets without the sandbox, on purpose (as NOTEBOOK_NO_SANDBOX=1 does): needed to go on under CI where the kernel refuses it")
		}
		if c.cached {
			fs.StringVar(&e.cacheDir, "cache", "", "cache run results in `dir` (default $NOTEBOOK_CACHE, or the user cache folder)")
			fs.BoolVar(&e.noCache, "no-cache", false, "make everything afresh: parse every note, make every page, run every snippet and original, and keep none of it (compiled programs and the in-browser interpreter are still taken from the cache, as Go keeps what it compiles)")
		}
		if c.flags != nil {
			c.flags(fs, e)
		}
		fs.Usage = func() {
			fmt.Fprintf(fs.Output(), "usage: notebook %s [flags] %s\n\n%s\n\nFlags:\n", c.name, c.args, c.detail)
			fs.PrintDefaults()
		}
		fs.SetOutput(helpOut)
		if err := fs.Parse(args[1:]); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return exitOK
			}
			return exitUsage
		}
		fs.SetOutput(stderr)
		var err error
		if c.args == "" && fs.NArg() > 0 {
			err = usagef("unexpected argument %q: %s takes flags only", fs.Arg(0), c.name)
		} else {
			err = c.run(ctx, e, fs, fs.Args())
			for _, r := range e.runners {
				r.Close()
			}
		}
		var ue *usageError
		switch {
		case err == nil:
			return exitOK
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "notebook %s: %v\n\n", c.name, ue)
			fs.Usage()
			return exitUsage
		default:
			fmt.Fprintf(stderr, "%v\n", err)
			return exitProblems
		}
	}
	fmt.Fprintf(stderr, "notebook: unknown command %q\n\n", name)
	usage(stderr)
	return exitUsage
}

// warn prints each warning as "warning: file:line: message".
func warn(w io.Writer, warnings []*fileline.Error) {
	for _, x := range warnings {
		fmt.Fprintf(w, "warning: %v\n", x)
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `notebook builds a literate notebook: dated Markdown notes in notes/ whose
code blocks each sit beside a tested Go equivalent in snippets/ and the
output that program really printed.

Usage:

  notebook <command> [flags] [arguments]

Commands:

`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run "notebook help <command>" for its flags.

Exit status: 0 success; 1 the notebook has problems (each printed as
file:line: message); 2 the command was called wrongly.
`)
}
