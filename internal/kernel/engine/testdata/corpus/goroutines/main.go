package main

import (
	"fmt"
	"sync"
)

func square(n int) int { return n * n }

func main() {
	var wg sync.WaitGroup
	results := make([]int, 5)
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = square(i)
		}(i)
	}
	wg.Wait()
	fmt.Println(results)
	done := make(chan bool)
	go func() {
		fmt.Println("working...")
		done <- true
	}()
	<-done
	fmt.Println("done")
}
