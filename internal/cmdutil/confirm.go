package cmdutil

import (
	"strings"

	"github.com/keyward/keyward/internal/domain"
)

// Confirm guards a destructive action described by what ("delete service
// user \"ci-bot\" and its 2 access keys"). With --yes it proceeds; on a
// terminal it asks; without a terminal it refuses (exit 2) naming --yes.
func Confirm(f *Factory, what string) error {
	s, err := f.Settings()
	if err != nil {
		return err
	}
	if s.Yes {
		return nil
	}
	if !f.IOStreams.CanPrompt() {
		return UsageErrorf("refusing to %s without confirmation: not a terminal; pass --yes to confirm", what)
	}
	ok, err := f.IOStreams.Confirm(strings.ToUpper(what[:1]) + what[1:] + "?")
	if err != nil {
		return err
	}
	if !ok {
		return &domain.Error{Code: domain.CodeInvalid, Message: "cancelled; nothing was changed"}
	}
	return nil
}
