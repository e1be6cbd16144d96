package weaviate

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// errNotFound is a 404 from Weaviate.
var errNotFound = errors.New("not found")

// call sends a request with a JSON body (none when in is nil) and decodes a JSON answer into out (ignored
// when out is nil). Each call gets the collection's timeout. An answer outside 2xx is an error with
// Weaviate's message; a 404 wraps errNotFound.
func (c *Collection) call(ctx context.Context, method, path string, in, out any) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("weaviate: %s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return fmt.Errorf("weaviate: %s %s: %w", method, path, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
			return fmt.Errorf("weaviate: %s %s: %w", method, path, err)
		}
		return fmt.Errorf("weaviate: cannot reach %s (is Weaviate running there?): %w", c.base, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return fmt.Errorf("weaviate: %s %s: reading the answer: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		msg := serverMessage(raw)
		if resp.StatusCode == http.StatusNotFound {
			return fmt.Errorf("weaviate: %s %s: %s: %w", method, path, msg, errNotFound)
		}
		return fmt.Errorf("weaviate: %s %s: %s: %s", method, path, resp.Status, msg)
	}
	if out == nil || len(raw) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("weaviate: %s %s: unexpected answer %q: %w", method, path, truncate(string(raw), 200), err)
	}
	return nil
}

// serverMessage extracts Weaviate's error messages from an answer ({"error":[{"message":...}]}), or
// returns the start of the body.
func serverMessage(raw []byte) string {
	var e struct {
		Error []struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(raw, &e) == nil && len(e.Error) > 0 {
		msgs := make([]string, len(e.Error))
		for i, m := range e.Error {
			msgs[i] = m.Message
		}
		return strings.Join(msgs, "; ")
	}
	if s := strings.TrimSpace(string(raw)); s != "" {
		return truncate(s, 200)
	}
	return "no message"
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// graphQL runs a GraphQL query and decodes its data into out.
func (c *Collection) graphQL(ctx context.Context, query string, out any) error {
	var resp struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := c.call(ctx, http.MethodPost, "/v1/graphql", map[string]string{"query": query}, &resp); err != nil {
		return err
	}
	if len(resp.Errors) > 0 {
		msgs := make([]string, len(resp.Errors))
		for i, e := range resp.Errors {
			msgs[i] = e.Message
		}
		return fmt.Errorf("weaviate: GraphQL: %s", strings.Join(msgs, "; "))
	}
	if err := json.Unmarshal(resp.Data, out); err != nil {
		return fmt.Errorf("weaviate: GraphQL: unexpected data %q: %w", truncate(string(resp.Data), 200), err)
	}
	return nil
}

// gqlString writes s as a GraphQL string literal (JSON's escapes are valid GraphQL).
func gqlString(sb *strings.Builder, s string) {
	b, _ := json.Marshal(s) // a string always marshals
	sb.Write(b)
}

// gqlStrings writes a list of string literals.
func gqlStrings(sb *strings.Builder, ss []string) {
	sb.WriteByte('[')
	for i, s := range ss {
		if i > 0 {
			sb.WriteByte(',')
		}
		gqlString(sb, s)
	}
	sb.WriteByte(']')
}

// gqlVector writes a vector as a list of float literals.
func gqlVector(sb *strings.Builder, v []float32) {
	b := make([]byte, 0, 12*len(v)+2)
	b = append(b, '[')
	for i, f := range v {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendFloat(b, float64(f), 'g', -1, 32)
	}
	sb.Write(append(b, ']'))
}

// namespace is the UUID namespace of object ids: uuid5(NAMESPACE_URL,
// "https://github.com/golm-dev/golm/helpers/rag/weaviate").
var namespace = [16]byte{27, 108, 219, 109, 183, 220, 94, 130, 133, 191, 187, 133, 113, 251, 70, 242}

// objectID returns the Weaviate object id of an item id: a version 5 (SHA-1) UUID in golm's namespace.
func objectID(id string) string {
	h := sha1.New()
	h.Write(namespace[:])
	h.Write([]byte(id))
	s := h.Sum(nil)
	s[6] = s[6]&0x0f | 0x50
	s[8] = s[8]&0x3f | 0x80
	x := hex.EncodeToString(s[:16])
	return x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
}

// pairHash is how a metadata key/value pair is stored in golmWhere for filters: fixed-length, so that any
// key and any value, however long, match exactly.
func pairHash(k, v string) string {
	s := sha256.Sum256([]byte(strconv.Quote(k) + "=" + strconv.Quote(v)))
	return hex.EncodeToString(s[:16])
}

// whereHashes returns the hashes of a metadata map's pairs.
func whereHashes(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, pairHash(k, v))
	}
	return out
}
