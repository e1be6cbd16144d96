// Package symbols holds yaegi symbol tables for the compiled packages that golm's cells can use beyond the
// standard library: golm's helpers and the third-party packages the course builds on. It is golm's public
// seam to the interpreter: the kernel loads these tables, and so can any program or test that runs a
// github.com/traefik/yaegi interpreter and wants the helpers inside it:
//
//	i, err := symbols.NewInterpreter(interp.Options{}) // the standard library and these tables
//
// The tables are generated with yaegi's extractor (go generate ./symbols); a test fails when they are
// stale.
package symbols

import "reflect"

//go:generate go run ./internal/gen

// Symbols maps "import/path/name" to the package's exported symbols.
var Symbols = map[string]map[string]reflect.Value{}

func init() {
	Symbols["."] = map[string]reflect.Value{"MapTypes": reflect.ValueOf(MapTypes)}
}

// Packages are the import paths whose tables are generated here.
var Packages = []string{
	"github.com/golm-dev/golm/helpers/display",
	"github.com/golm-dev/golm/helpers/tokens",
	"github.com/golm-dev/golm/helpers/llm",
	"github.com/golm-dev/golm/helpers/tools",
	"github.com/golm-dev/golm/helpers/sandbox",
	"github.com/golm-dev/golm/helpers/local",
	"github.com/golm-dev/golm/helpers/local/gguf",
	"github.com/golm-dev/golm/helpers/local/templates",
	"github.com/golm-dev/golm/helpers/local/hf",
	"github.com/golm-dev/golm/helpers/local/synth",
	"github.com/golm-dev/golm/helpers/local/server",
	"github.com/golm-dev/golm/helpers/local/convert",
	"github.com/golm-dev/golm/helpers/rag",
	"github.com/golm-dev/golm/helpers/rag/weaviate",
	"github.com/golm-dev/golm/helpers/dataset",
	"github.com/golm-dev/golm/helpers/textsql",
	"github.com/golm-dev/golm/helpers/finetune",
	"github.com/golm-dev/golm/helpers/plot",
	"github.com/sashabaranov/go-openai",
	"github.com/sashabaranov/go-openai/jsonschema",
	"github.com/pkoukk/tiktoken-go",
	"gonum.org/v1/gonum/mat",
	"gonum.org/v1/gonum/stat",
	"gonum.org/v1/plot",
	"gonum.org/v1/plot/plotter",
}

// Preferred names the package used for a name shared by several packages when a cell uses it without
// importing it.
var Preferred = map[string]string{
	"rand":     "math/rand",
	"template": "text/template",
	"scanner":  "text/scanner",
	"pprof":    "runtime/pprof",
	"parser":   "go/parser",
	"ast":      "go/ast",
	"token":    "go/token",
	"constant": "go/constant",
	"types":    "go/types",
	"big":      "math/big",
	"json":     "encoding/json",
	"errors":   "errors",
	"fs":       "io/fs",
	"filepath": "path/filepath",
	"path":     "path",
	"trace":    "runtime/trace",
	"signal":   "os/signal",
	"user":     "os/user",
	"pe":       "debug/pe",
	"html":     "html",
	"sql":      "database/sql",
	"driver":   "database/sql/driver",
	"doc":      "go/doc",
	"build":    "go/build",
	"format":   "go/format",
	"printer":  "go/printer",
	"cmplx":    "math/cmplx",
	"bits":     "math/bits",
	"utf8":     "unicode/utf8",
	"utf16":    "unicode/utf16",
	"color":    "image/color",
	"draw":     "image/draw",
	"plot":     "github.com/golm-dev/golm/helpers/plot",
	"openai":   "github.com/sashabaranov/go-openai",
}
