// Package options implements the learner API grammar's rule for a verb's last, optional argument (see
// helpers/README.md): a call takes none or one options struct.
package options

import "fmt"

// One returns the options given to call, which takes them as its last, optional argument: the zero value
// for none, the value for one, and an error naming the call (such as "llm: Ask") for more than one.
func One[T any](call string, opts []T) (T, error) {
	var zero T
	switch len(opts) {
	case 0:
		return zero, nil
	case 1:
		return opts[0], nil
	}
	return zero, fmt.Errorf("%s takes at most one options value, got %d", call, len(opts))
}
