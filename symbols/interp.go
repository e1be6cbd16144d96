package symbols

import (
	"fmt"

	"github.com/golm-dev/golm/symbols/std"
	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// NewInterpreter returns a yaegi interpreter with the standard library (yaegi's tables and those of
// package std) and these tables loaded, so that interpreted code can import golm's helpers as notebook
// cells do. It is the set-up of the helpers' tests from interpreted cells, and of any program that wants
// the same.
func NewInterpreter(opts interp.Options) (*interp.Interpreter, error) {
	i := interp.New(opts)
	tables := interp.Exports{}
	for k, v := range stdlib.Symbols {
		tables[k] = v
	}
	std.AddTo(tables)
	if err := i.Use(tables); err != nil {
		return nil, fmt.Errorf("symbols: loading the standard library: %w", err)
	}
	if err := i.Use(Symbols); err != nil {
		return nil, fmt.Errorf("symbols: loading golm's tables: %w", err)
	}
	return i, nil
}
