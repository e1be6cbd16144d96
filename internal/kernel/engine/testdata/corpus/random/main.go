package main

import (
	"fmt"
	"math/rand/v2"
)

func main() {
	n := rand.IntN(100)
	fmt.Println(n >= 0 && n < 100)
	f := rand.Float64()
	fmt.Println(f >= 0 && f < 1)
	s2 := rand.NewPCG(42, 1024)
	r2 := rand.New(s2)
	a := r2.IntN(100)
	s3 := rand.NewPCG(42, 1024)
	r3 := rand.New(s3)
	b := r3.IntN(100)
	fmt.Println(a == b)
	p := r2.Perm(5)
	fmt.Println(len(p))
}
