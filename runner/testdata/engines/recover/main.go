// A panic that is recovered prints nothing. (yaegi would report every
// frame the panic left; under the notebook it must not.)
package main

import (
	"errors"
	"fmt"
)

func inner() { panic(errors.New("deep down")) }

func middle() { inner() }

// try calls f and returns the value of the panic it recovered from.
func try(f func()) (recovered any) {
	defer func() { recovered = recover() }()
	f()
	return nil
}

func main() {
	fmt.Println("recovered:", try(middle))
	fmt.Println("recovered:", try(func() { panic(42) }))
	fmt.Println("recovered:", try(func() {}))
}
