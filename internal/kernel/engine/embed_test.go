package engine

import (
	"os"
	"path/filepath"
	"testing"
)

// TestEmbed: variables under //go:embed hold the files of the working folder (the notebook's), as in a
// program; what go build refuses is refused in its words.
func TestEmbed(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"hello.txt": "hello, file\n", "site/index.html": "<h1>hi</h1>", "site/css/a.css": "h1{}"} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	s, out, _ := newSession(t)
	checkCells(t, s, out, []cellCase{
		{code: "import _ \"embed\"\n\n//go:embed hello.txt\nvar greeting string\n\nfmt.Print(greeting)", stdout: "hello, file\n"},
		{code: "//go:embed hello.txt\nvar raw []byte\nlen(raw)", result: "12"},
		{code: "import \"embed\"\n\n//go:embed site\nvar site embed.FS\n\ndata, _ := site.ReadFile(\"site/css/a.css\")\nstring(data)", result: `"h1{}"`},
		{code: "entries, _ := fs.ReadDir(site, \"site\")\nfor _, e := range entries { fmt.Println(e.Name(), e.IsDir()) }", stdout: "css true\nindex.html false\n"},
		{code: "var (\n\t//go:embed site/index.html\n\tpage string\n\tother int\n)\npage", result: `"<h1>hi</h1>"`},
		{code: "//go:embed missing.txt\nvar m string", err: "cell line 1: pattern missing.txt: no matching files found"},
		{code: "x := 1\n//go:embed site\nvar many string", err: "cell line 2: invalid go:embed: multiple files for type string"},
		{code: "//go:embed hello.txt\nvar n int", err: "go:embed cannot apply to var of type int"},
		{code: "//go:embed hello.txt\nvar a, b string", err: "go:embed cannot apply to multiple vars"},
		{code: "//go:embed hello.txt\nvar w string = \"x\"", err: "go:embed cannot apply to var with initializer"},
		{code: "//go:embed ../secret\nvar up string", err: "pattern ../secret: invalid pattern syntax"},
		// As for go build: the directive's lines add up, blank lines and comments may come between it and
		// the variable, and a variable in a function cannot have one.
		{code: "//go:embed hello.txt\n//go:embed site/index.html\nvar two embed.FS\n_, err1 := two.ReadFile(\"hello.txt\")\n_, err2 := two.ReadFile(\"site/index.html\")\nerr1 == nil && err2 == nil", result: "true"},
		{code: "//go:embed hello.txt\n\n// A greeting.\nvar spaced string\nspaced", result: `"hello, file\n"`},
		{code: "func inFunc() string {\n\t//go:embed hello.txt\n\tvar in string\n\treturn in\n}", err: "cell line 2: go:embed cannot apply to var inside func"},
	})
}
