package yaegi

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/traefik/yaegi/interp"
)

// TestRelease checks that Release is the version go.mod requires.
func TestRelease(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	// A requirement is "path version", alone or inside require ( ... ).
	for line := range strings.Lines(string(data)) {
		fields := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "require "))
		if len(fields) >= 2 && fields[0] == Module {
			if fields[1] != Release {
				t.Errorf("go.mod requires %s %s; Release says %s", Module, fields[1], Release)
			}
			return
		}
	}
	t.Errorf("go.mod does not require %s", Module)
}

// TestGaps checks that a program yaegi cannot compile is said to use what
// yaegi lacks, where it does, before yaegi's own words; test files are
// left out.
func TestGaps(t *testing.T) {
	src := `package main

import "fmt"

const three = 3

func each(yield func(int) bool) {}

func main() {
	for range 3 {
	}
	for i := range three {
		fmt.Println(i)
	}
	for range int64(2) {
	}
	n := 4
	for range n - 1 {
	}
	for range each {
	}
	for range []int{1} {
	}
	for range "text" {
	}
	for range map[int]int{} {
	}
	for range make(chan int) {
	}
	for range fmt.Sprint(1) { // of unknown type: not reported
	}
}
`
	fsys := fstest.MapFS{
		"main.go":      {Data: []byte(src)},
		"main_test.go": {Data: []byte("package main\n\nfunc f() {\n\tfor range 1 {\n\t}\n}\n")},
	}
	_, err := compile(interp.New(interp.Options{SourcecodeFilesystem: fsys}), fsys)
	if err == nil {
		t.Fatal("yaegi compiled a program that ranges over an integer")
	}
	got := strings.Split(err.Error(), "\n")
	var want []string
	for _, w := range []struct {
		pos  string
		what string
	}{
		{"main.go:10:2", "an integer (Go 1.22)"},
		{"main.go:12:2", "an integer (Go 1.22)"},
		{"main.go:15:2", "an integer (Go 1.22)"},
		{"main.go:18:2", "an integer (Go 1.22)"},
		{"main.go:20:2", "a function (Go 1.23)"},
	} {
		want = append(want, w.pos+": range over "+w.what+", which yaegi v0.16.1 cannot compile")
	}
	if len(got) <= len(want) || !slices.Equal(got[:len(want)], want) || strings.Contains(err.Error(), "main_test.go") {
		t.Errorf("compile error:\n%s\nwant it to start:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestFrameFilter(t *testing.T) {
	var out strings.Builder
	f := &frameFilter{w: &out}
	for _, line := range []string{
		"main.go:8:8: panic: ./.fail(...)\n",
		"a line of the program's own\n",
		"main.go:12:8: panic: ./.main(...)\n",
	} {
		if n, err := f.Write([]byte(line)); n != len(line) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", line, n, err)
		}
	}
	if want := "a line of the program's own\n"; out.String() != want {
		t.Errorf("passed on %q, want %q", out.String(), want)
	}
	if got, want := f.trace(), "goroutine 1 [running]:\nmain.fail(...)\nmain.main(...)\n"; got != want {
		t.Errorf("trace() = %q, want %q", got, want)
	}
	for range maxFrames {
		f.Write([]byte("main.go:3:1: panic: ./.recurse(...)\n"))
	}
	if got := f.trace(); strings.Count(got, "(...)") != maxFrames || !strings.HasSuffix(got, "...additional frames elided...\n") {
		t.Errorf("after %d more frames, trace() = %q", maxFrames, got)
	}
}

// TestBuildConstraints checks that the program is the files go build
// picks: a file whose build constraints leave it out is not compiled.
func TestBuildConstraints(t *testing.T) {
	fsys := fstest.MapFS{
		"main.go":        {Data: []byte("package main\n\nfunc main() {}\n")},
		"ignored.go":     {Data: []byte("//go:build ignore\n\npackage main\n\nfunc main() { undefined() }\n")},
		"other_plan9.go": {Data: []byte("package main\n\nfunc main() { undefined() }\n")},
	}
	if _, err := compile(interp.New(interp.Options{SourcecodeFilesystem: fsys}), fsys); err != nil {
		t.Errorf("compile of a program beside files its build constraints leave out: %v", err)
	}
}
