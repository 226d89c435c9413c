// What the program gets from its run: arguments, environment, standard
// input, standard error and a working directory of its own.
package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	fmt.Println("args:", strings.Join(os.Args[1:], " "))
	fmt.Println("GREETING:", os.Getenv("GREETING"))
	var names []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		names = append(names, name)
	}
	fmt.Println("environment:", len(names), "variables")
	wd, _ := os.Getwd()
	fmt.Println("working directory:", filepath.Base(filepath.Dir(wd)) != "", strings.HasPrefix(filepath.Base(wd), "notebook-run-"))
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		fmt.Println("stdin:", in.Text())
	}
	fmt.Fprintln(os.Stderr, "to standard error")
	os.Stdout.WriteString("to standard output\n")
}
