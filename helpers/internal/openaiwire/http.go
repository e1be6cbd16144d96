package openaiwire

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Error types used in error objects.
const (
	InvalidRequest = "invalid_request_error"
	ServerError    = "server_error"
)

// Error is OpenAI's error object, the value of "error" in an error body. An empty Param or Code is written
// as null.
type Error struct {
	Message string `json:"message"`
	Type    string `json:"type"`
	Param   string `json:"param"`
	Code    string `json:"code"`
}

// Invalid returns an error of type invalid_request_error.
func Invalid(format string, args ...any) Error {
	return Error{Message: fmt.Sprintf(format, args...), Type: InvalidRequest}
}

// WithParam returns e naming the request parameter at fault.
func (e Error) WithParam(param string) Error { e.Param = param; return e }

// WithCode returns e with a machine-readable code.
func (e Error) WithCode(code string) Error { e.Code = code; return e }

// MarshalJSON writes the error object, with null for an empty Param or Code.
func (e Error) MarshalJSON() ([]byte, error) {
	orNull := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	return Marshal(struct {
		Message string  `json:"message"`
		Type    string  `json:"type"`
		Param   *string `json:"param"`
		Code    *string `json:"code"`
	}{e.Message, e.Type, orNull(e.Param), orNull(e.Code)})
}

// ErrorBody is the body of an error response: {"error": {...}}.
type ErrorBody struct {
	Error Error `json:"error"`
}

// WriteError answers with status and OpenAI's error body.
func WriteError(w http.ResponseWriter, status int, e Error) {
	WriteJSON(w, status, ErrorBody{Error: e})
}

// WriteJSON answers with status and v as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b, err := Marshal(v)
	if err != nil {
		WriteError(w, http.StatusInternalServerError, Error{Message: "encoding the response: " + err.Error(),
			Type: ServerError})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// Marshal encodes v as JSON on one line, without escaping <, > and & (model text often has them).
func Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// ReadBody reads a request's body, at most limit bytes. When it cannot, it answers the request (413 for a
// body over the limit, else 400) and returns false.
func ReadBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err == nil {
		return body, true
	}
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		WriteError(w, http.StatusRequestEntityTooLarge,
			Invalid("request body too large: the limit is %d bytes", limit))
	} else {
		WriteError(w, http.StatusBadRequest, Invalid("could not read the request body: %v", err))
	}
	return nil, false
}

// Decoder reads JSON request bodies into request structs.
type Decoder struct {
	// Limit is the largest body read, in bytes.
	Limit int64
	// Prefix starts the message answered for a body that is not the expected JSON; the decoding error follows.
	Prefix string
}

// Decode reads r's body into v. When it cannot, it answers the request in OpenAI's error format (400, or 413
// for a body over the limit) and returns false.
func (d Decoder) Decode(w http.ResponseWriter, r *http.Request, v any) bool {
	body, ok := ReadBody(w, r, d.Limit)
	if !ok {
		return false
	}
	if err := json.Unmarshal(body, v); err != nil {
		WriteError(w, http.StatusBadRequest, Invalid("%s%v", d.Prefix, err))
		return false
	}
	return true
}

// BearerMatches reports whether an Authorization header value carries key as a bearer token, comparing in
// constant time.
func BearerMatches(auth, key string) bool {
	got, ok := strings.CutPrefix(auth, "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(key)) == 1
}
