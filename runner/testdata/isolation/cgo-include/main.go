// A cgo preamble that includes a file of the host, outside the snippet,
// GOROOT, the module cache and the system's include folders, whose path
// the test puts in place of INCLUDED: the C compiler does not see it, so
// its content is in no message.
package main

// #include "INCLUDED"
import "C"

func main() {}
