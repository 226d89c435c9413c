// Command gensymbols writes the symbol tables of the browser's interpreter:
// for every package in play.Packages, yaegi's own extracted symbols (the
// file stdlib/go1_22_PKG.go of the yaegi module go.mod requires), copied
// into the program in ../wasm as part of its main package and built only
// for js/wasm. yaegi's stdlib package registers every package at once, so
// importing it would carry all of them; copying the chosen ones keeps the
// rest out of the program.
//
// Run it with go generate ./site/play.
package main

import (
	"bytes"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/gonotebook/notebook/site/play"
)

const module = "github.com/traefik/yaegi"

func main() {
	log.SetFlags(0)
	log.SetPrefix("gensymbols: ")
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", module).Output()
	if err != nil {
		log.Fatalf("finding %s: %v", module, err)
	}
	src := filepath.Join(strings.TrimSpace(string(out)), "stdlib")
	old, _ := filepath.Glob(filepath.Join("wasm", "symbols_*.go"))
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			log.Fatal(err)
		}
	}
	for _, pkg := range play.Packages {
		name := strings.ReplaceAll(pkg, "/", "_")
		data, err := os.ReadFile(filepath.Join(src, "go1_22_"+name+".go"))
		if err != nil {
			log.Fatal(err)
		}
		// Make the file part of package main, built for js/wasm only.
		for _, r := range [][2]string{
			{"//go:build go1.22\n// +build go1.22\n", "//go:build js && wasm\n"},
			{"\npackage stdlib\n", "\npackage main\n"},
		} {
			if !bytes.Contains(data, []byte(r[0])) {
				log.Fatalf("%s: no %q", pkg, r[0])
			}
			data = bytes.Replace(data, []byte(r[0]), []byte(r[1]), 1)
		}
		if err := os.WriteFile(filepath.Join("wasm", "symbols_"+name+".go"), data, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
