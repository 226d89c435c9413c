// Command notebook builds a literate notebook: dated Markdown notes whose
// code blocks each sit beside a tested Go equivalent and the output it
// really printed. It builds the site (build), serves it and rebuilds it on
// change (serve), checks links, snippets and expectations (check), runs one
// snippet (run), and starts a note (new) or the snippet of a block
// (scaffold). "notebook help" lists the commands; "notebook help COMMAND"
// explains one and its flags.
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
	"syscall"
	"time"

	"github.com/gonotebook/notebook/runner"
)

// Exit statuses; exitInterrupted is a shell's for SIGINT.
const (
	exitOK          = 0
	exitProblems    = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// A usageError is a mistake in how a command was called. Main prints it
// with the command's usage and exits with exitUsage.
type usageError struct{ error }

// usagef returns a usageError with a message formatted as fmt.Errorf does.
func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// A command is one subcommand.
type command struct {
	name    string
	args    string // what follows the flags, for the usage line; "" if nothing may
	summary string
	detail  string
	flags   func(fs *flag.FlagSet)
	run     func(ctx context.Context, env *env, args []string) error
	cached  bool // it takes -cache and -no-cache
	runs    bool // it runs snippets, and takes -ceilings and -no-sandbox
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
	// Interrupted: every step of a build ends with its context, and the
	// output folder is written only once a build is complete, so a step
	// that does not end within 0.9s is not waited for. Another signal,
	// no longer caught, stops the command at once.
	stop()
	select {
	case code := <-done:
		os.Exit(code)
	case <-time.After(900 * time.Millisecond):
		fmt.Fprintln(os.Stderr, "notebook: interrupted")
		os.Exit(exitInterrupted)
	}
}

// Main runs the command line args and returns the exit status.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name, helpOut := args[0], stderr // where -h prints a command's usage
	switch {
	case name == "-h" || name == "-help" || name == "--help":
		usage(stderr)
		return exitOK
	case name == "help" && len(args) == 1:
		usage(stdout)
		return exitOK
	case name == "help": // asked for, so on standard output
		name, args, helpOut = args[1], []string{args[1], "-h"}, stdout
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		fs := flag.NewFlagSet("notebook "+c.name, flag.ContinueOnError)
		e := &env{stdout: stdout, stderr: stderr}
		e.flags(fs, c)
		if c.flags != nil {
			c.flags(fs)
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
			err = c.run(ctx, e, fs.Args())
			for _, r := range e.runners {
				r.Close()
			}
		}
		var ue usageError
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
