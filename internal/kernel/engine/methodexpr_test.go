package engine

import "testing"

// TestMethodExprsAndValues calls method expressions of a cell's types (T.M, (*T).M, in a cell and in a
// function; quirk method-expression) and method values that must copy their receiver when taken (quirk
// method-value-copy), in a loop too. The outputs are go run's.
func TestMethodExprsAndValues(t *testing.T) {
	runCells(t, []cellCase{
		{code: "type account struct {\n\towner   string\n\tbalance int\n}\n\n" +
			"func (a *account) deposit(n int) { a.balance += n }\n\nfunc (a account) summary() string { return fmt.Sprintf(\"%s has %d\", a.owner, a.balance) }\n\n" +
			"type num int\n\nfunc (n num) times(k ...int) int {\n\tfor _, x := range k {\n\t\tn *= num(x)\n\t}\n\treturn int(n)\n}"},
		{code: "summary := account.summary\nfmt.Println(summary(account{\"x\", 1}), num.times(2, 3, 4))", stdout: "x has 1 24\n"},
		{code: "depositTo := (*account).deposit\nb := account{owner: \"bob\"}\ndepositTo(&b, 5)\nfmt.Println(b.balance)", stdout: "5\n"},
		{code: "func f() {\n\ts := account.summary\n\td := (*account).deposit\n\tc := &account{owner: \"c\"}\n\td(c, 3)\n\tfmt.Println(s(*c))\n}\nf()", stdout: "c has 3\n"},
		{code: "x := account{\"x\", 1}\ng := x.summary\nx.balance = 9\nfmt.Println(g(), x.summary())", stdout: "x has 1 x has 9\n"},
		{code: "accounts := []account{{\"a\", 1}, {\"b\", 2}}\nvar fns []func() string\nfor _, a := range accounts {\n\tfns = append(fns, a.summary)\n}\n" +
			"accounts[0].balance = 100\nfor _, f := range fns {\n\tfmt.Println(f())\n}", stdout: "a has 1\nb has 2\n"},
	})
}
