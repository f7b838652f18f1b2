package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/domain"
)

func TestExitCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, 0},
		{"plain error", errors.New("disk full"), 1},
		{"internal", &domain.Error{Code: domain.CodeInternal, Message: "x"}, 1},
		{"rate limited", &domain.Error{Code: domain.CodeRateLimited, Message: "x"}, 1},
		{"invalid", domain.Invalid("id", "bad"), 2},
		{"usage", UsageErrorf("unknown flag --%s", "bogus"), 2},
		{"not found", domain.NotFound("x"), 3},
		{"unauthenticated", domain.Unauthenticated("x"), 4},
		{"denied", domain.Denied("x"), 4},
		{"locked out", &domain.Error{Code: domain.CodeLocked, Message: "x"}, 4},
		{"conflict", domain.Conflict("x"), 5},
		{"busy", &domain.Error{Code: domain.CodeBusy, Message: "x"}, 6},
		{"wrapped busy", fmt.Errorf("open: %w", &domain.Error{Code: domain.CodeBusy, Message: "x"}), 6},
		{"with hint", domain.NotFound("x").WithHint("y"), 3},
		{"interrupted", context.Canceled, 130},
		{"wrapped interrupt", fmt.Errorf("list: %w", context.Canceled), 130},
		{"deadline is an error", context.DeadlineExceeded, 1},
	}
	for _, tt := range tests {
		if got := ExitCode(tt.err); got != tt.want {
			t.Errorf("%s: ExitCode(%v) = %d, want %d", tt.name, tt.err, got, tt.want)
		}
	}
	// Every code has an exit code other than "ok".
	for _, c := range []domain.Code{domain.CodeInvalid, domain.CodeNotFound, domain.CodeUnauthenticated, domain.CodeDenied,
		domain.CodeConflict, domain.CodeLocked, domain.CodeRateLimited, domain.CodeInternal, domain.CodeBusy} {
		if ExitCode(&domain.Error{Code: c, Message: "x"}) == ExitOK {
			t.Errorf("code %s exits 0", c)
		}
	}
}

func TestExitCodesHelpListsEveryCode(t *testing.T) {
	t.Parallel()
	for _, code := range []int{ExitOK, ExitError, ExitUsage, ExitNotFound, ExitDenied, ExitConflict, ExitLocked, ExitInterrupted} {
		if !strings.Contains(ExitCodesHelp, fmt.Sprintf("\n  %-4d ", code)) {
			t.Errorf("ExitCodesHelp does not list %d:\n%s", code, ExitCodesHelp)
		}
	}
}
