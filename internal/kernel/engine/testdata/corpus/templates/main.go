package main

import (
	"os"
	"strings"
	"text/template"
)

type item struct {
	Name  string
	Price float64
}

func main() {
	t1 := template.New("t1")
	t1, err := t1.Parse("Value is {{.}}\n")
	if err != nil {
		panic(err)
	}
	t1 = template.Must(t1.Parse("Value: {{.}}\n"))
	t1.Execute(os.Stdout, "some text")
	t1.Execute(os.Stdout, 5)
	t1.Execute(os.Stdout, []string{"Go", "Rust", "C++", "C#"})
	t2 := template.Must(template.New("t2").Parse("Name: {{.Name}}\n"))
	t2.Execute(os.Stdout, struct{ Name string }{"Jane Doe"})
	t2.Execute(os.Stdout, map[string]string{"Name": "Mickey Mouse"})
	t3 := template.Must(template.New("t3").Parse("{{if . -}} yes {{else -}} no {{end}}\n"))
	t3.Execute(os.Stdout, "not empty")
	t3.Execute(os.Stdout, "")
	t4 := template.Must(template.New("t4").Funcs(template.FuncMap{"upper": strings.ToUpper}).
		Parse("Range: {{range .}}{{upper .Name}}={{printf \"%.2f\" .Price}} {{end}}\n"))
	t4.Execute(os.Stdout, []item{{"tea", 1.5}, {"cake", 3}})
}
