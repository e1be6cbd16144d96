package main

import (
	"fmt"
	"net/url"
	"strconv"
)

func main() {
	f, _ := strconv.ParseFloat("1.234", 64)
	fmt.Println(f)
	i, _ := strconv.ParseInt("123", 0, 64)
	fmt.Println(i)
	d, _ := strconv.ParseInt("0x1c8", 0, 64)
	fmt.Println(d)
	u, _ := strconv.ParseUint("789", 0, 64)
	fmt.Println(u)
	k, _ := strconv.Atoi("135")
	fmt.Println(k)
	_, e := strconv.Atoi("wat")
	fmt.Println(e)
	fmt.Println(strconv.Itoa(42)+"!", strconv.Quote("hi\n"), strconv.FormatInt(255, 2))
	b, err := strconv.ParseBool("true")
	fmt.Println(b, err)
	s := "postgres://user:pass@host.com:5432/path?k=v#f"
	pu, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	fmt.Println(pu.Scheme, pu.User.Username(), pu.Host, pu.Port(), pu.Path, pu.Fragment, pu.RawQuery)
	m, _ := url.ParseQuery(pu.RawQuery)
	fmt.Println(m, m["k"][0])
}
