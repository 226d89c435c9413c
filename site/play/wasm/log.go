//go:build js && wasm

package main

import (
	"io"
	"log"
)

// The generated log table names these, which yaegi's stdlib package defines
// as restricted versions that panic instead of exiting. Here they are the
// log package's own: Fatal exits with status 1, as in a compiled program.

type logLogger = log.Logger

func logNew(out io.Writer, prefix string, flag int) *logLogger { return log.New(out, prefix, flag) }

func logFatal(v ...any)            { log.Fatal(v...) }
func logFatalf(f string, v ...any) { log.Fatalf(f, v...) }
func logFatalln(v ...any)          { log.Fatalln(v...) }
