// An endless loop: the run is killed at its timeout.
package main

import "fmt"

func main() {
	fmt.Println("looping")
	for {
	}
}
