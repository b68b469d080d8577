// Package nexus holds the domain words every other package shares: the one
// error type with its stable codes. Technology lives in internal/ packages.
package nexus

import (
	"errors"
	"fmt"
)

// Error codes are stable: the HTTP API and the CLI expose them to callers.
const (
	ENOTFOUND        = "not_found"
	EINVALID         = "invalid"
	ECONFLICT        = "conflict"
	EFORBIDDEN       = "forbidden"
	EUNAUTHENTICATED = "unauthenticated"
	EINTERNAL        = "internal"
)

// Error is the domain error. Code is one of the E* constants; Message is safe
// to show to the caller.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, or a
// generic message for internal errors so their details do not leak.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
