// Package extract generates the symbol tables of package symbols with yaegi's extractor.
package extract

import (
	"bytes"
	"fmt"
	"go/format"
	"strings"

	"github.com/traefik/yaegi/extract"
)

// FileName returns the name of the generated file of a package.
func FileName(importPath string) string {
	r := strings.NewReplacer("/", "-", ".", "_", "~", "_")
	return "zz_" + r.Replace(importPath) + ".go"
}

// All extracts the symbol tables of the packages, keyed by file name.
func All(pkgs []string) (map[string][]byte, error) {
	ext := extract.Extractor{Dest: "symbols"}
	out := map[string][]byte{}
	for _, p := range pkgs {
		var buf bytes.Buffer
		if _, err := ext.Extract(p, "", &buf); err != nil {
			return nil, fmt.Errorf("extracting %s: %w", p, err)
		}
		src, err := format.Source(buf.Bytes())
		if err != nil {
			return nil, fmt.Errorf("formatting the table of %s: %w", p, err)
		}
		out[FileName(p)] = src
	}
	return out, nil
}
