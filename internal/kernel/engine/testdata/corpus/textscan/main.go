package main

import (
	"bufio"
	"fmt"
	"strings"
)

const input = `name,score
ann,90
bob,72
cy,85
`

func main() {
	scanner := bufio.NewScanner(strings.NewReader(input))
	total, n := 0, 0
	header := true
	for scanner.Scan() {
		line := scanner.Text()
		if header {
			header = false
			continue
		}
		parts := strings.Split(line, ",")
		var score int
		fmt.Sscanf(parts[1], "%d", &score)
		total += score
		n++
		fmt.Printf("%-4s %3d\n", parts[0], score)
	}
	fmt.Printf("avg %.2f\n", float64(total)/float64(n))
	words := bufio.NewScanner(strings.NewReader("one two  three"))
	words.Split(bufio.ScanWords)
	count := 0
	for words.Scan() {
		count++
	}
	fmt.Println("words:", count)
}
