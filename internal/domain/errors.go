// Package domain holds keyward's model (tenants, service users, access keys,
// policies, groups, key types, audit events), the rules for their
// identifiers and durations, and the typed errors every layer returns.
package domain

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Code classifies an error. The values are the API's error codes; the CLI maps
// them once to exit codes (internal/cmd/exitcode.go) and the server once to
// HTTP statuses.
type Code string

// Error codes, as SPEC lists them, plus Busy for a database held by another
// process (local only).
const (
	CodeInvalid         Code = "invalid"
	CodeNotFound        Code = "not_found"
	CodeUnauthenticated Code = "unauthenticated"
	CodeDenied          Code = "denied"
	CodeConflict        Code = "conflict"
	CodeLocked          Code = "locked"
	CodeRateLimited     Code = "rate_limited"
	CodeInternal        Code = "internal"
	CodeBusy            Code = "busy"
)

// Error is the one error type keyward's layers create at the source. Message is
// a complete, single-line sentence for humans; Fields maps a field (JSON name,
// e.g. "email" or "statements[1].effect") to why its value was refused.
type Error struct {
	Code    Code              `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"validationMessages"`
	// Hint is an optional second sentence telling the user what to do.
	Hint string `json:"-"`
}

func (e *Error) Error() string {
	if e.Hint != "" {
		return e.Message + " (" + e.Hint + ")"
	}
	return e.Message
}

// Is lets errors.Is(err, domain.ErrNotFound) match any *Error of that code.
func (e *Error) Is(target error) bool {
	var t *Error
	if errors.As(target, &t) && t.Message == "" {
		return t.Code == e.Code
	}
	return false
}

// Sentinels for errors.Is; they match every *Error with the same code.
var (
	ErrInvalid         = &Error{Code: CodeInvalid}
	ErrNotFound        = &Error{Code: CodeNotFound}
	ErrUnauthenticated = &Error{Code: CodeUnauthenticated}
	ErrDenied          = &Error{Code: CodeDenied}
	ErrConflict        = &Error{Code: CodeConflict}
	ErrLocked          = &Error{Code: CodeLocked}
	ErrRateLimited     = &Error{Code: CodeRateLimited}
	ErrBusy            = &Error{Code: CodeBusy}
)

// CodeOf returns the code of err, CodeInternal for errors keyward did not classify.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// Invalid reports one refused field: `field: why`.
func Invalid(field, format string, args ...any) *Error {
	why := fmt.Sprintf(format, args...)
	return &Error{Code: CodeInvalid, Message: field + ": " + why, Fields: map[string]string{field: why}}
}

// NotFound reports a missing object: `service user "ci-bot" not found in tenant "default"`.
func NotFound(format string, args ...any) *Error {
	return &Error{Code: CodeNotFound, Message: fmt.Sprintf(format, args...)}
}

// Conflict reports an object that already exists, a limit, or a refusal that needs --force.
func Conflict(format string, args ...any) *Error {
	return &Error{Code: CodeConflict, Message: fmt.Sprintf(format, args...)}
}

// Denied reports an authorization failure; the message names the reason.
func Denied(format string, args ...any) *Error {
	return &Error{Code: CodeDenied, Message: fmt.Sprintf(format, args...)}
}

// Unauthenticated reports failed authentication; the message names the reason.
func Unauthenticated(format string, args ...any) *Error {
	return &Error{Code: CodeUnauthenticated, Message: fmt.Sprintf(format, args...)}
}

// WithHint returns e with a hint telling the user what to do next.
func (e *Error) WithHint(format string, args ...any) *Error {
	c := *e
	c.Hint = fmt.Sprintf(format, args...)
	return &c
}

// Validation collects several refused fields into one error; the message names
// them all in a stable order. Add nothing and Err returns nil.
type Validation struct{ fields map[string]string }

// Add records why field was refused; the first reason for a field wins.
func (v *Validation) Add(field, format string, args ...any) {
	if v.fields == nil {
		v.fields = map[string]string{}
	}
	if _, ok := v.fields[field]; !ok {
		v.fields[field] = fmt.Sprintf(format, args...)
	}
}

// AddError records err when it is an invalid-input *Error, keeping its fields.
// Any other non-nil error is recorded under field.
func (v *Validation) AddError(field string, err error) {
	if err == nil {
		return
	}
	var e *Error
	if errors.As(err, &e) && e.Code == CodeInvalid && len(e.Fields) > 0 {
		for f, why := range e.Fields {
			v.Add(f, "%s", why)
		}
		return
	}
	v.Add(field, "%s", err.Error())
}

// Err returns nil when nothing was added, else one *Error of CodeInvalid.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	names := make([]string, 0, len(v.fields))
	for f := range v.fields {
		names = append(names, f)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, f := range names {
		parts[i] = f + ": " + v.fields[f]
	}
	return &Error{Code: CodeInvalid, Message: strings.Join(parts, "; "), Fields: v.fields}
}
