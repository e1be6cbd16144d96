package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

type response1 struct {
	Page   int
	Fruits []string
}

type response2 struct {
	Page   int      `json:"page"`
	Fruits []string `json:"fruits"`
	Note   string   `json:"note,omitempty"`
}

func main() {
	bolB, _ := json.Marshal(true)
	fmt.Println(string(bolB))
	fltB, _ := json.Marshal(2.34)
	fmt.Println(string(fltB))
	slcB, _ := json.Marshal([]string{"apple", "peach", "pear"})
	fmt.Println(string(slcB))
	mapB, _ := json.Marshal(map[string]int{"apple": 5, "lettuce": 7})
	fmt.Println(string(mapB))
	res1B, _ := json.Marshal(&response1{Page: 1, Fruits: []string{"apple", "peach", "pear"}})
	fmt.Println(string(res1B))
	res2B, _ := json.Marshal(&response2{Page: 1, Fruits: []string{"apple", "peach", "pear"}})
	fmt.Println(string(res2B))
	byt := []byte(`{"num":6.13,"strs":["a","b"]}`)
	var dat map[string]interface{}
	if err := json.Unmarshal(byt, &dat); err != nil {
		panic(err)
	}
	fmt.Println(dat)
	num := dat["num"].(float64)
	fmt.Println(num)
	strs := dat["strs"].([]interface{})
	str1 := strs[0].(string)
	fmt.Println(str1)
	str := `{"page": 1, "fruits": ["apple", "peach"]}`
	res := response2{}
	json.Unmarshal([]byte(str), &res)
	fmt.Println(res)
	fmt.Println(res.Fruits[0])
	enc := json.NewEncoder(os.Stdout)
	d := map[string]int{"apple": 5, "lettuce": 7}
	enc.Encode(d)
	dec := json.NewDecoder(strings.NewReader(str))
	res1 := response2{}
	dec.Decode(&res1)
	fmt.Println(res1)
	pretty, _ := json.MarshalIndent(res1, "", "  ")
	fmt.Println(string(pretty))
}
