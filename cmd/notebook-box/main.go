// Command notebook-box is the box a snippet's run lives in, and nothing
// else: the notebook command starts it for each run (see package
// runner/box) when it lies beside the notebook command and was built from
// the same runner sources, as "go install ./cmd/..." leaves them. It links
// the interpreter but not the site's renderer, so a run does not pay for
// initialising what only the build needs. Without it, the notebook command
// is its own box.
package main

import (
	"fmt"
	"os"

	"github.com/gonotebook/notebook/runner"
)

func main() {
	if code, ok := runner.Child(); ok {
		os.Exit(code)
	}
	if len(os.Args) == 2 && os.Args[1] == runner.SourceFlag {
		runner.PrintSource()
		return
	}
	fmt.Fprintln(os.Stderr, "notebook-box: the notebook command starts this program for each run of a snippet; it does nothing by itself")
	os.Exit(2)
}
