package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func check(e error) {
	if e != nil {
		panic(e)
	}
}

func main() {
	dir, err := os.MkdirTemp("", "corpus")
	check(err)
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "dat1")
	d1 := []byte("hello\ngo\n")
	check(os.WriteFile(p, d1, 0644))
	dat, err := os.ReadFile(p)
	check(err)
	fmt.Print(string(dat))
	f, err := os.Create(filepath.Join(dir, "dat2"))
	check(err)
	w := bufio.NewWriter(f)
	n4, err := w.WriteString("buffered\n")
	check(err)
	fmt.Printf("wrote %d bytes\n", n4)
	w.Flush()
	f.Close()
	check(os.MkdirAll(filepath.Join(dir, "sub", "deeper"), 0755))
	entries, err := os.ReadDir(dir)
	check(err)
	for _, e := range entries {
		fmt.Println(e.Name(), e.IsDir())
	}
	r, err := os.Open(filepath.Join(dir, "dat1"))
	check(err)
	defer r.Close()
	scanner := bufio.NewScanner(r)
	for scanner.Scan() {
		fmt.Println(strings.ToUpper(scanner.Text()))
	}
	fmt.Println(filepath.Base(p), filepath.Ext("x.tar.gz"), filepath.Dir("a/b/c"))
	_, err = os.Stat(filepath.Join(dir, "nope"))
	fmt.Println(os.IsNotExist(err))
}
