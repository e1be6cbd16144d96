package main

import (
	"fmt"
	"slices"
)

func main() {
	var s []string
	fmt.Println("uninit:", s, s == nil, len(s) == 0)
	s = make([]string, 3)
	fmt.Println("emp:", s, "len:", len(s), "cap:", cap(s))
	s[0] = "a"
	s[1] = "b"
	s[2] = "c"
	fmt.Println("set:", s, "get:", s[2])
	s = append(s, "d")
	s = append(s, "e", "f")
	fmt.Println("apd:", s)
	c := make([]string, len(s))
	copy(c, s)
	fmt.Println("cpy:", c)
	fmt.Println("sl1:", s[2:5], "sl2:", s[:5], "sl3:", s[2:])
	t := []string{"g", "h", "i"}
	t2 := []string{"g", "h", "i"}
	if slices.Equal(t, t2) {
		fmt.Println("t == t2")
	}
	twoD := make([][]int, 3)
	for i := 0; i < 3; i++ {
		twoD[i] = make([]int, i+1)
		for j := 0; j < i+1; j++ {
			twoD[i][j] = i + j
		}
	}
	fmt.Println("2d:", twoD)
	nums := []int{5, 2, 8}
	fmt.Println(slices.Contains(nums, 8), slices.Index(nums, 2), slices.Max(nums))
	var arr [5]int
	arr[4] = 100
	fmt.Println(arr, len(arr), [...]int{1, 2, 3})
}
