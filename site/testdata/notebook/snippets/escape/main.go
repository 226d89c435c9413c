// Escape prints markup, which the page must show as text, and fails.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println(`<script>alert("output")</script>`)
	os.Exit(3)
}
