package layers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/golm-dev/golm"

// A Rule forbids packages matching From (a path prefix relative to the module, "" for any) from depending,
// directly or through other packages, on packages matching any of Not (prefixes of import paths, relative to
// the module when they start with "./", else absolute).
type Rule struct {
	Why   string
	From  string
	Tests bool // also the package's test imports
	Not   []string
}

// Rules are the walls of golm's architecture.
var Rules = []Rule{
	{Why: "the message format stands alone", From: "internal/kernel/wire", Tests: true,
		Not: []string{"./"}},
	{Why: "the engine runs in the worker: no sockets, no protocol server", From: "internal/kernel/engine",
		Not: []string{"./internal/kernel/server", "./internal/kernel/wire", "github.com/go-zeromq/", "./internal/kernel/zmtp"}},
	{Why: "the kernel's protocol side never links the interpreter: it runs in the worker process", From: "internal/kernel/server",
		Not: interpreter},
	{Why: "the kernel's protocol side never links the interpreter: it runs in the worker process", From: "internal/kernel/supervisor",
		Not: interpreter},
	{Why: "the worker's messages are shared by both processes", From: "internal/kernel/pipe", Tests: true,
		Not: []string{"./"}},
	{Why: "helpers are public packages: kernel internals stay out of them, tests included", From: "helpers/", Tests: true,
		Not: []string{"./internal/kernel/", "./cmd/"}},
	{Why: "the course tool reads lessons, it does not run helpers", From: "course", Tests: true,
		Not: []string{"./helpers/", "./internal/kernel/", "./symbols"}},
	{Why: "cell analysis is pure syntax", From: "internal/cell", Tests: true,
		Not: []string{"./", "github.com/traefik/yaegi"}},
}

// interpreter is what the worker process links and the kernel's protocol side must not (their tests may: they
// run the test binary as a worker).
var interpreter = []string{"github.com/traefik/yaegi", "./internal/kernel/engine", "./internal/kernel/worker", "./symbols"}

// pkg is what go list says of a package.
type pkg struct {
	ImportPath   string
	Imports      []string
	TestImports  []string
	XTestImports []string
}

// graph maps an import path to its direct imports (and its tests' imports under path+" [test]").
type graph map[string][]string

func loadGraph(t *testing.T, tags string) graph {
	t.Helper()
	args := []string{"list", "-e", "-json=ImportPath,Imports,TestImports,XTestImports", "-deps", "-test=false"}
	if tags != "" {
		args = append(args, "-tags", tags)
	}
	cmd := exec.Command("go", append(args, module+"/...")...)
	cmd.Dir = "../.."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	g := graph{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		g[p.ImportPath] = p.Imports
		if strings.HasPrefix(p.ImportPath, module) {
			g[p.ImportPath+" [test]"] = append(append(slices.Clone(p.Imports), p.TestImports...), p.XTestImports...)
		}
	}
	return g
}

// matches reports whether path is covered by a rule's prefix.
func matches(path, prefix string) bool {
	if rel, ok := strings.CutPrefix(prefix, "./"); ok {
		return strings.HasPrefix(path, module+"/"+rel) || (rel == "" && strings.HasPrefix(path, module))
	}
	return strings.HasPrefix(path, prefix)
}

// violations returns, for each rule, the forbidden dependencies of g with the chain that leads to each.
func violations(g graph, rules []Rule) []string {
	var out []string
	for _, r := range rules {
		for from := range g {
			base, isTest := strings.CutSuffix(from, " [test]")
			if !strings.HasPrefix(base, module+"/"+r.From) || (isTest && !r.Tests) {
				continue
			}
			// Breadth-first search keeps the shortest chain for the message.
			prev := map[string]string{from: ""}
			queue := []string{from}
			for len(queue) > 0 {
				cur := queue[0]
				queue = queue[1:]
				for _, dep := range g[cur] {
					if _, seen := prev[dep]; seen || dep == base {
						continue
					}
					prev[dep] = cur
					for _, not := range r.Not {
						if matches(dep, not) {
							chain := []string{dep}
							for p := cur; p != ""; p = prev[p] {
								chain = append([]string{p}, chain...)
							}
							out = append(out, fmt.Sprintf("%s: %s", r.Why, strings.Join(chain, " → ")))
						}
					}
					queue = append(queue, dep)
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestLayers fails when a package depends on one its layer must not reach, with and without llama.cpp.
func TestLayers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list over the module")
	}
	for _, tags := range []string{"", "llama"} {
		for _, v := range violations(loadGraph(t, tags), Rules) {
			t.Errorf("tags %q: %s", tags, strings.ReplaceAll(v, module+"/", ""))
		}
	}
}

// TestRulesCatchBadImports shows that each rule fails on the import it forbids.
func TestRulesCatchBadImports(t *testing.T) {
	m := func(p string) string { return module + "/" + p }
	tests := []struct {
		name string
		g    graph
		want int
	}{
		{"wire imports golm", graph{m("internal/kernel/wire"): {"fmt", m("helpers/display")}}, 1},
		{"engine reaches the server through another package", graph{
			m("internal/kernel/engine"):  {m("internal/kernel/history")},
			m("internal/kernel/history"): {m("internal/kernel/server")}}, 1},
		{"a helper's test imports the engine", graph{
			m("helpers/llm"): {"fmt"}, m("helpers/llm") + " [test]": {m("internal/kernel/engine")}}, 1},
		{"course imports a helper", graph{m("course"): {m("helpers/llm")}}, 1},
		{"the server reaches the interpreter through the supervisor", graph{
			m("internal/kernel/server"):     {m("internal/kernel/supervisor")},
			m("internal/kernel/supervisor"): {m("internal/kernel/pipe"), "github.com/traefik/yaegi/interp"}}, 2},
		{"the pipe imports golm", graph{m("internal/kernel/pipe"): {m("helpers/display")}}, 1},
		{"clean", graph{m("helpers/llm") + " [test]": {m("symbols"), m("helpers/display")},
			m("internal/kernel/engine"): {m("helpers/display"), m("internal/cell")},
			m("internal/kernel/server"): {m("internal/kernel/supervisor")}, m("internal/kernel/server") + " [test]": {m("internal/kernel/worker")}}, 0},
	}
	for _, tt := range tests {
		if got := violations(tt.g, Rules); len(got) != tt.want {
			t.Errorf("%s: %d violations %v, want %d", tt.name, len(got), got, tt.want)
		}
	}
}
