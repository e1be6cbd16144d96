package main

import "fmt"

func findPair(grid [][]int, target int) (int, int, bool) {
	for i, row := range grid {
		for j, v := range row {
			if v == target {
				return i, j, true
			}
		}
	}
	return 0, 0, false
}

func main() {
	grid := [][]int{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}

outer:
	for i, row := range grid {
		for _, v := range row {
			if v%2 == 0 {
				continue outer
			}
			if v > 6 {
				break outer
			}
			fmt.Println("row", i, "odd", v)
		}
	}

	count := 0
loop:
	for {
		switch {
		case count >= 3:
			break loop
		default:
			count++
		}
	}
	fmt.Println("count", count)

	primes := []int{}
next:
	for n := 2; len(primes) < 6; n++ {
		for _, p := range primes {
			if n%p == 0 {
				continue next
			}
		}
		primes = append(primes, n)
	}
	fmt.Println(primes)

	i := 0
retry:
	i++
	if i < 3 {
		goto retry
	}
	fmt.Println("tries", i)

	r, c, ok := findPair(grid, 8)
	fmt.Println(r, c, ok)

	ch := make(chan int)
	go func() {
		for i := range 5 {
			ch <- i
		}
		close(ch)
	}()
	sum := 0
recv:
	for {
		select {
		case v, ok := <-ch:
			if !ok {
				break recv
			}
			sum += v
		}
	}
	fmt.Println("sum", sum)
}
