// Files embedded with //go:embed: a string, a []byte and an embed.FS of a folder.
package main

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"
)

//go:embed hello.txt
var greeting string

//go:embed hello.txt
var raw []byte

//go:embed static
var static embed.FS

func main() {
	fmt.Print(greeting)
	fmt.Println(len(raw), strings.ToUpper(string(raw[:5])))
	page, err := static.ReadFile("static/index.html")
	fmt.Printf("%q %v\n", page, err)
	fs.WalkDir(static, ".", func(path string, d fs.DirEntry, err error) error {
		fmt.Println(path, d.IsDir())
		return err
	})
	_, err = static.ReadFile("static/missing.txt")
	fmt.Println(err)
}
