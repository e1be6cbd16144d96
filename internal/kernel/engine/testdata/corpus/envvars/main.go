package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	os.Setenv("CORPUS_FOO", "1")
	fmt.Println("FOO:", os.Getenv("CORPUS_FOO"))
	fmt.Println("BAR:", os.Getenv("CORPUS_BAR"))
	v, ok := os.LookupEnv("CORPUS_BAR")
	fmt.Printf("%q %v\n", v, ok)
	found := false
	for _, e := range os.Environ() {
		pair := strings.SplitN(e, "=", 2)
		if pair[0] == "CORPUS_FOO" {
			found = true
		}
	}
	fmt.Println(found)
	os.Unsetenv("CORPUS_FOO")
	fmt.Println(os.Getenv("CORPUS_FOO") == "")
}
