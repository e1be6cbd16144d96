package engine

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"

	"github.com/golm-dev/golm/helpers/display"
)

// What the session shows (a cell's last value, help on a name, errors) never contains a credential: an API
// key held by a value (an llm.Client, go-openai's ClientConfig, an Authorization header) or a secret of the
// environment. Both are found as strings, and each of their occurrences in what is shown is replaced by a
// mask that gives only their length.

// minSecret is the length a string must exceed to be treated as a secret: shorter values (a "1" in an
// environment variable named DEBUG_TOKEN_CACHE) would mask unrelated text.
const minSecret = 8

// secretSet is a set of secret strings.
type secretSet map[string]bool

// add adds a string that is long enough to be a secret.
func (ss secretSet) add(s string) {
	if len(s) > minSecret {
		ss[s] = true
	}
}

// credentialName reports whether the name of a struct field or of a map key (an HTTP header) says that its
// value is a credential: authToken, APIKey, api_key, Authorization, X-Api-Key, clientSecret, password, key...
func credentialName(name string) bool {
	n := strings.ToLower(strings.NewReplacer("_", "", "-", "", " ", "").Replace(name))
	if n == "key" || (strings.HasSuffix(n, "token") && n != "token") {
		return true
	}
	for _, w := range []string{"apikey", "secret", "password", "passwd", "authorization", "credential"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// envSecrets returns the secrets of an environment and of the process's (which cells read with os.Getenv):
// the value of OPENAI_API_KEY and of every variable whose name says it holds a key, token or secret.
func envSecrets(env []string) secretSet {
	ss := secretSet{}
	for _, kv := range append(os.Environ(), env...) {
		name, value, _ := strings.Cut(kv, "=")
		if name == "OPENAI_API_KEY" || secretName(name) {
			ss.add(value)
		}
	}
	return ss
}

// secrets returns the secrets of the session's environment and those that the values hold.
func (s *Session) secrets(vals ...reflect.Value) secretSet {
	ss := envSecrets(s.opts.Env)
	for _, v := range vals {
		credentialsIn(v, ss)
	}
	return ss
}

// credentialsIn adds to ss the strings held by fields and map entries with a credential's name, anywhere
// in v (within limits of depth and size; unexported fields included).
func credentialsIn(v reflect.Value, ss secretSet) {
	w := &credentialWalk{ss: ss, seen: map[uintptr]bool{}, budget: 20000}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() { _ = recover() }() // a value whose memory is not what its type says: keep what was found
	w.walk(v, 0, false)
}

type credentialWalk struct {
	ss     secretSet
	seen   map[uintptr]bool
	budget int
}

// walk visits v; named says that v is held under a credential's name.
func (w *credentialWalk) walk(v reflect.Value, depth int, named bool) {
	w.budget--
	if !v.IsValid() || depth > 12 || w.budget < 0 {
		return
	}
	switch v.Kind() {
	case reflect.String:
		if named {
			w.ss.add(v.String())
		}
	case reflect.Pointer:
		if v.IsNil() || w.seen[v.Pointer()] {
			return
		}
		w.seen[v.Pointer()] = true
		w.walk(v.Elem(), depth+1, named)
	case reflect.Interface:
		w.walk(v.Elem(), depth+1, named)
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			w.walk(v.Field(i), depth+1, named || credentialName(t.Field(i).Name))
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && (v.IsNil() || w.seen[v.Pointer()]) {
			return
		}
		if v.Kind() == reflect.Slice {
			w.seen[v.Pointer()] = true
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			if named && v.Kind() == reflect.Slice {
				w.ss.add(string(v.Bytes()))
			}
			return
		}
		for i := 0; i < v.Len() && w.budget > 0; i++ {
			w.walk(v.Index(i), depth+1, named)
		}
	case reflect.Map:
		if v.IsNil() || w.seen[v.Pointer()] {
			return
		}
		w.seen[v.Pointer()] = true
		it := v.MapRange()
		for it.Next() && w.budget > 0 {
			k := it.Key()
			keyNamed := named || (k.Kind() == reflect.String && credentialName(k.String()))
			w.walk(it.Value(), depth+1, keyNamed)
		}
	}
}

// masked is what a secret is replaced with.
func masked(secret string) string { return fmt.Sprintf("<hidden: %d characters>", len(secret)) }

// text replaces every secret in s, as it is and as it appears inside a Go string literal.
func (ss secretSet) text(s string) string {
	if len(ss) == 0 {
		return s
	}
	// Longest first, so that a secret containing another is masked whole.
	list := make([]string, 0, len(ss))
	for sec := range ss {
		list = append(list, sec)
	}
	sort.Slice(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	for _, sec := range list {
		s = strings.ReplaceAll(s, sec, masked(sec))
		if q := strconv.Quote(sec); q[1:len(q)-1] != sec {
			s = strings.ReplaceAll(s, q[1:len(q)-1], masked(sec))
		}
	}
	return s
}

// any masks the secrets in a value of a bundle: a string, or a JSON value (application/json).
func (ss secretSet) any(x any) any {
	switch x := x.(type) {
	case string:
		return ss.text(x)
	case []byte:
		return x // images
	}
	b, err := json.Marshal(x)
	if err != nil {
		return x
	}
	if clean := ss.text(string(b)); clean != string(b) {
		var out any
		if json.Unmarshal([]byte(clean), &out) == nil {
			return out
		}
		return clean
	}
	return x
}

// bundle masks the secrets in a bundle, in place.
func (ss secretSet) bundle(b *display.Bundle) *display.Bundle {
	if b == nil || len(ss) == 0 {
		return b
	}
	for k, v := range b.Data {
		b.Data[k] = ss.any(v)
	}
	return b
}

// error masks the secrets in an error's message and traceback.
func (ss secretSet) error(err error) error {
	e, ok := err.(*Error)
	if !ok || len(ss) == 0 {
		return err
	}
	out := &Error{Name: e.Name, Value: ss.text(e.Value)}
	for _, l := range e.Traceback {
		out.Traceback = append(out.Traceback, ss.text(l))
	}
	return out
}
