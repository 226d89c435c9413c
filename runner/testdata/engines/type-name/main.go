// %T names a program's own types. The compiled program prints main.point;
// yaegi v0.16.1 builds its types at run time and prints another name, so
// the two engines differ here.
package main

import "fmt"

type point struct{ X, Y int }

func main() {
	fmt.Printf("%T\n", point{1, 2})
}
