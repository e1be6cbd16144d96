package main

import (
	"fmt"
	"time"
)

func zeroval(ival int) { ival = 0 }

func zeroptr(iptr *int) { *iptr = 0 }

func main() {
	i := 1
	for i <= 3 {
		fmt.Println(i)
		i = i + 1
	}
	for j := 0; j < 3; j++ {
		if j%2 == 0 {
			continue
		}
		fmt.Println("odd", j)
	}
	for {
		fmt.Println("loop")
		break
	}
	if num := 9; num < 0 {
		fmt.Println(num, "is negative")
	} else if num < 10 {
		fmt.Println(num, "has 1 digit")
	} else {
		fmt.Println(num, "has multiple digits")
	}
	switch time.Date(2024, 5, 4, 0, 0, 0, 0, time.UTC).Weekday() {
	case time.Saturday, time.Sunday:
		fmt.Println("It's the weekend")
	default:
		fmt.Println("It's a weekday")
	}
	x := 5
	switch {
	case x < 3:
		fmt.Println("small")
	case x < 10:
		fmt.Println("medium")
		fallthrough
	default:
		fmt.Println("fell through")
	}
	k := 1
	zeroval(k)
	fmt.Println("zeroval:", k)
	zeroptr(&k)
	fmt.Println("zeroptr:", k)
	var a [2][3]int
	for r := 0; r < 2; r++ {
		for c := 0; c < 3; c++ {
			a[r][c] = r + c
		}
	}
	fmt.Println("2d:", a, len(a))
	b := [...]int{100, 3: 400, 500}
	fmt.Println(b)
}
