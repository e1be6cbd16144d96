// Command-line flags on the program's own command line (flag.String, flag.Parse), and its arguments.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

func main() {
	word := flag.String("word", "foo", "a string")
	numb := flag.Int("numb", 42, "an int")
	fork := flag.Bool("fork", false, "a bool")
	var svar string
	flag.StringVar(&svar, "svar", "bar", "a string var")
	flag.Parse()
	fmt.Println("word:", *word)
	fmt.Println("numb:", *numb)
	fmt.Println("fork:", *fork)
	fmt.Println("svar:", svar)
	fmt.Println("tail:", flag.Args(), flag.NArg(), flag.NFlag())
	fmt.Println("args:", len(os.Args), strings.Join(os.Args[1:], " "))
	flag.VisitAll(func(f *flag.Flag) { fmt.Println("flag", f.Name, f.DefValue) })
}
