package main

import (
	"fmt"
	"sort"
	"strings"
)

type Account struct {
	Owner   string
	Balance int
}

func (a *Account) Deposit(n int)  { a.Balance += n }
func (a Account) Summary() string { return fmt.Sprintf("%s has %d", a.Owner, a.Balance) }

type Op func(int, int) int

type Calculator struct {
	ops map[string]Op
}

func (c Calculator) Run(name string, a, b int) int { return c.ops[name](a, b) }

func add(a, b int) int { return a + b }

func apply(f func(int), xs ...int) {
	for _, x := range xs {
		f(x)
	}
}

func main() {
	acc := &Account{Owner: "ana"}
	deposit := acc.Deposit // method value bound to acc
	deposit(10)
	apply(deposit, 1, 2, 3)
	fmt.Println(acc.Summary())

	summary := Account.Summary      // method expression
	depositTo := (*Account).Deposit // method expression on the pointer
	bob := Account{Owner: "bob"}
	depositTo(&bob, 5)
	fmt.Println(summary(bob))

	calc := Calculator{ops: map[string]Op{
		"add": add,
		"mul": func(a, b int) int { return a * b },
	}}
	fmt.Println(calc.Run("add", 2, 3), calc.Run("mul", 2, 3))

	upper := strings.ToUpper
	words := []string{"go", "is", "fun"}
	for i, w := range words {
		words[i] = upper(w)
	}
	fmt.Println(strings.Join(words, " "))

	accounts := []Account{{"c", 3}, {"a", 1}, {"b", 2}}
	sort.Slice(accounts, func(i, j int) bool { return accounts[i].Balance < accounts[j].Balance })
	summaries := make([]string, len(accounts))
	for i, a := range accounts {
		summaries[i] = a.Summary()
	}
	fmt.Println(strings.Join(summaries, "; "))

	var fns []func() string
	for _, a := range accounts {
		fns = append(fns, a.Summary)
	}
	accounts[0].Balance = 100 // the method values copied their receivers
	for _, f := range fns {
		fmt.Println(f())
	}
}
