package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

func main() {
	var ops atomic.Uint64
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			for c := 0; c < 100; c++ {
				ops.Add(1)
			}
			wg.Done()
		}()
	}
	wg.Wait()
	fmt.Println("ops:", ops.Load())
	var n int64
	atomic.AddInt64(&n, 5)
	fmt.Println(atomic.LoadInt64(&n), atomic.CompareAndSwapInt64(&n, 5, 9), n)
}
