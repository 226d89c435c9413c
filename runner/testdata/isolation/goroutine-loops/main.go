// Endless loops on many goroutines at once: the run is killed at its
// timeout all the same.
package main

import "fmt"

func spin() {
	for {
	}
}

func main() {
	const n = 8
	for i := 0; i < n; i++ {
		go spin()
	}
	fmt.Println("spinning on", n, "goroutines and main")
	spin()
}
