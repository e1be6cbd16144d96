package main

import (
	"fmt"
	"sort"
	"sync"
)

func main() {
	// Since Go 1.22 each iteration has its own variable.
	var funcs []func() int
	for i := 0; i < 3; i++ {
		funcs = append(funcs, func() int { return i * i })
	}
	for _, f := range funcs {
		fmt.Print(f(), " ")
	}
	fmt.Println()

	var ptrs []*string
	for _, s := range []string{"a", "b", "c"} {
		ptrs = append(ptrs, &s)
	}
	for _, p := range ptrs {
		fmt.Print(*p)
	}
	fmt.Println()

	var mu sync.Mutex
	var wg sync.WaitGroup
	var got []int
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			got = append(got, i*10)
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.Ints(got)
	fmt.Println(got)

	counters := map[string]func() int{}
	for _, name := range []string{"x", "y"} {
		n := 0
		counters[name] = func() int {
			n++
			return n
		}
	}
	counters["x"]()
	counters["x"]()
	fmt.Println(counters["x"](), counters["y"]())

	for i := 0; i < 3; i++ {
		defer func() { fmt.Print("deferred ", i, "\n") }()
	}
	acc := 0
	for i := 1; i <= 4; i++ {
		add := func() { acc += i }
		add()
	}
	fmt.Println("acc", acc)
}
