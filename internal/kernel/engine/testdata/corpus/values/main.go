package main

import (
	"fmt"
	"math"
)

const greeting = "hello"

const (
	big   = 1 << 62
	small = big >> 61
)

func main() {
	var a = "initial"
	var b, c int = 1, 2
	var d = true
	var e int
	f := "apple"
	fmt.Println(a, b, c, d, e, f)
	fmt.Println("go" + "lang")
	fmt.Println("1+1 =", 1+1)
	fmt.Println("7.0/3.0 =", 7.0/3.0)
	fmt.Println(true && false, true || false, !true)
	fmt.Println(greeting, small, math.Sin(big) < 1)
	var x uint8 = 255
	x++
	fmt.Println(x, int64(math.MaxInt32)+1, float32(0.1))
}
