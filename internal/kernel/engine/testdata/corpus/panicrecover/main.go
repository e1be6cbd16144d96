package main

import (
	"errors"
	"fmt"
)

func mayPanic() {
	panic("a problem")
}

func safeDiv(a, b int) (q int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered: %v", r)
		}
	}()
	return a / b, nil
}

func order() {
	for i := 0; i < 3; i++ {
		defer fmt.Println("deferred", i)
	}
	fmt.Println("order body")
}

func main() {
	defer func() {
		if r := recover(); r != nil {
			fmt.Println("Recovered. Error:\n", r)
		}
	}()
	order()
	q, err := safeDiv(1, 0)
	fmt.Println(q, err)
	var re interface{ RuntimeError() }
	_, err2 := safeDiv(4, 2)
	fmt.Println(err2 == nil, errors.As(errors.New("x"), &re))
	mayPanic()
	fmt.Println("After mayPanic()")
}
