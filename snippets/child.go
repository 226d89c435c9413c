package snippets

// init lets the program that imports this package be its own helper
// process. A Runner starts a copy of the running program in two roles,
// told apart by environment variables: as a sandbox, which brings up
// loopback in the run's own network namespace and then executes the
// snippet's program (see sandbox_linux.go), and as the yaegi interpreter,
// which runs a snippet and exits (see yaegi.go). In any other process init
// does nothing. The sandbox comes first: a yaegi run is a sandbox that
// executes the interpreter.
func init() {
	enterSandbox()
	serveYaegi()
}
