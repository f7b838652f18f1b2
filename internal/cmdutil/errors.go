package cmdutil

import (
	"context"
	"errors"
	"fmt"

	"github.com/keyward/keyward/internal/domain"
)

// Exit codes, as `keyward --help` lists them.
const (
	ExitOK          = 0
	ExitError       = 1
	ExitUsage       = 2
	ExitNotFound    = 3
	ExitDenied      = 4
	ExitConflict    = 5
	ExitLocked      = 6
	ExitInterrupted = 130
)

// ExitCodesHelp is the table printed in `keyward --help`.
const ExitCodesHelp = `Exit codes:
  0    ok
  1    error (including rate limited)
  2    usage or invalid input (bad flag or field, missing confirmation, body too large)
  3    not found
  4    unauthenticated or denied (including every failed key verify)
  5    conflict: already exists, limit reached, or needs --force
  6    database locked by another process
  130  interrupted`

// ExitCode maps an error to keyward's exit code: the one place that does.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	if errors.Is(err, context.Canceled) {
		return ExitInterrupted
	}
	switch domain.CodeOf(err) {
	case domain.CodeInvalid:
		return ExitUsage
	case domain.CodeNotFound:
		return ExitNotFound
	case domain.CodeUnauthenticated, domain.CodeDenied, domain.CodeLocked:
		return ExitDenied
	case domain.CodeConflict:
		return ExitConflict
	case domain.CodeBusy:
		return ExitLocked
	}
	return ExitError
}

// UsageErrorf reports a misuse of the command line (exit 2).
func UsageErrorf(format string, args ...any) error {
	return &domain.Error{Code: domain.CodeInvalid, Message: fmt.Sprintf(format, args...)}
}

// ReportedError is an outcome the command has already printed, such as
// `policy check` answering deny: root exits with the code of the wrapped
// error and prints nothing more.
type ReportedError struct{ Err error }

func (e *ReportedError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error, whose code decides the exit code.
func (e *ReportedError) Unwrap() error { return e.Err }

// Reported wraps err as already reported to the user.
func Reported(err error) error { return &ReportedError{Err: err} }
