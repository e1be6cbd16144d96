package main

import (
	"errors"
	"fmt"
	"strconv"
)

var ErrNotFound = errors.New("not found")
var ErrPermission = errors.New("permission denied")

// ValidationError reports a bad field; it is used by value.
type ValidationError struct {
	Field string
	Value int
}

func (e ValidationError) Error() string {
	return fmt.Sprintf("invalid %s: %d", e.Field, e.Value)
}

// QueryError wraps the error of a query; it is used by pointer.
type QueryError struct {
	Query string
	Err   error
}

func (e *QueryError) Error() string { return e.Query + ": " + e.Err.Error() }
func (e *QueryError) Unwrap() error { return e.Err }

// Timeout matches ErrTemporary through its Is method.
type Timeout struct{ After int }

var ErrTemporary = errors.New("temporary")

func (t *Timeout) Error() string        { return "timeout after " + strconv.Itoa(t.After) + "s" }
func (t *Timeout) Is(target error) bool { return target == ErrTemporary }

func find(id int) error {
	switch {
	case id < 0:
		return ValidationError{"id", id}
	case id == 0:
		return &QueryError{"SELECT 0", ErrNotFound}
	case id == 7:
		return fmt.Errorf("find %d: %w", id, &Timeout{3})
	case id > 100:
		return fmt.Errorf("find %d: %w", id, &QueryError{"SELECT big", ErrPermission})
	}
	return nil
}

func describe(err error) string {
	var ve ValidationError
	var qe *QueryError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &ve):
		return "validation of " + ve.Field
	case errors.Is(err, ErrNotFound):
		return "missing"
	case errors.As(err, &qe):
		return "query " + qe.Query + " failed"
	case errors.Is(err, ErrTemporary):
		return "try again"
	}
	return "unknown"
}

func main() {
	for _, id := range []int{-1, 0, 7, 101, 5} {
		err := find(id)
		fmt.Printf("%d: %v -> %s\n", id, err, describe(err))
	}
	joined := errors.Join(ValidationError{"age", -3}, &QueryError{"UPDATE", ErrPermission})
	fmt.Println(joined)
	fmt.Println(errors.Is(joined, ErrPermission), describe(joined))
	var qe *QueryError
	if errors.As(fmt.Errorf("outer: %w", find(101)), &qe) {
		fmt.Println("unwrapped to", qe.Query, errors.Unwrap(qe) == ErrPermission)
	}
	wrapped := fmt.Errorf("layer 2: %w", fmt.Errorf("layer 1: %w", ErrNotFound))
	for e := wrapped; e != nil; e = errors.Unwrap(e) {
		fmt.Println(" -", e)
	}
}
