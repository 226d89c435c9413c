// Endless loops on many goroutines and main at once: the run is killed
// at its timeout all the same.
package main

import "fmt"

func spin() {
	for {
	}
}

func main() {
	for i := 0; i < 8; i++ {
		go spin()
	}
	fmt.Println("spinning on 8 goroutines and main")
	spin()
}
