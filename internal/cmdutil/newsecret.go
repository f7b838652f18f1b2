package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/output"
	"github.com/keyward/keyward/internal/secretfile"
	"github.com/spf13/pflag"
)

// NewSecret delivers the secret of a key just generated or rotated, by
// SPEC's rules for new secrets: printed once (on a terminal with a "shown
// once" warning), carried as `secret` in JSON, or written to a new 0600
// file with --secret-file instead. -q prints ids only and so requires
// --secret-file, or the secret would be lost.
//
// Use: RegisterFlags, then Prepare before calling the backend (it creates
// the file, so an existing file refuses before any key exists), then
// Deliver with the new key, or Abort when no key was made.
type NewSecret struct {
	// Path is --secret-file.
	Path string
	// QuietNeedsFileHint names what else, besides --secret-file, lets -q
	// through (serviceuser create: "or --no-key").
	QuietNeedsFileHint string

	file *secretfile.File
}

// RegisterFlags adds --secret-file.
func (n *NewSecret) RegisterFlags(fs *pflag.FlagSet) {
	fs.StringVar(&n.Path, "secret-file", "", "write the new secret to this new file (created with mode 0600; an existing file is refused) instead of printing it")
}

// Prepare checks -q and creates the secret file. noSecret says that no
// secret will be made (serviceuser create --no-key).
func (n *NewSecret) Prepare(f *Factory, noSecret bool) error {
	o, err := f.OutputOptions()
	if err != nil {
		return err
	}
	if o.Quiet && n.Path == "" && !noSecret && o.Format == output.FormatTable {
		return UsageErrorf("-q prints ids only and would lose the new secret: pass --secret-file PATH%s", n.QuietNeedsFileHint)
	}
	if n.Path == "" {
		return nil
	}
	if noSecret {
		return UsageErrorf("--secret-file: no secret is made with --no-key")
	}
	file, err := secretfile.Create(n.Path)
	if secretfile.IsExists(err) {
		return domain.Conflict("secret file %s already exists; keyward never overwrites a secret file", n.Path).
			WithHint("choose a new path, or remove the old file first")
	}
	if err != nil {
		return domain.Invalid("secret-file", "cannot create %s: %v", n.Path, unwrapPath(err))
	}
	n.file = file
	return nil
}

// unwrapPath is the cause of a path error, without the path.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ToFile reports whether the secret goes to a file rather than the output.
func (n *NewSecret) ToFile() bool { return n.Path != "" }

// Abort removes the secret file when no secret was written to it.
func (n *NewSecret) Abort() {
	if n.file == nil {
		return
	}
	n.file.Abort()
	n.file = nil
}

// Deliver writes the new key's secret to the file when one was prepared
// (synced, then closed); on failure it removes the file and revokes the key
// in tenant through b (nobody could ever use its secret) and reports both.
func (n *NewSecret) Deliver(ctx context.Context, b backend.Backend, tenant string, k domain.NewAccessKey) error {
	if n.file == nil {
		return nil
	}
	err := n.file.Write(k.Secret)
	n.file = nil
	if err == nil {
		return nil
	}
	msg := fmt.Sprintf("could not write the secret to %s: %v", n.Path, err)
	if _, rerr := b.RevokeKey(ctx, tenant, k.ID); rerr != nil {
		msg += fmt.Sprintf("; revoking the new key failed too (%v): revoke it yourself", rerr)
	} else {
		msg += "; the new key was revoked"
	}
	return errors.New(msg)
}

// Warn tells a human where the secret is, on stderr: the "shown once"
// warning on a terminal, or the file it went to.
func (n *NewSecret) Warn(f *Factory) {
	switch {
	case n.Path != "":
		if f.IOStreams.IsStdoutTTY() {
			fmt.Fprintf(f.IOStreams.ErrOut, "The secret was written to %s (mode 0600). keyward cannot show it again.\n", n.Path)
		}
	case f.IOStreams.IsStdoutTTY():
		fmt.Fprintln(f.IOStreams.ErrOut, "! The secret is shown only this once: copy it now and keep it safe. keyward stores only its hash and cannot show it again.")
	}
}

// NewKeyJSON is how a new key prints in JSON and YAML: the masked key plus
// its secret, null when the secret went to a file.
type NewKeyJSON struct {
	domain.AccessKey
	Secret *string `json:"secret"`
}

// NewKeyOutput returns k as printed: with its secret unless it went to a file.
func (n *NewSecret) NewKeyOutput(k domain.NewAccessKey) NewKeyJSON {
	out := NewKeyJSON{AccessKey: k.AccessKey}
	if n.Path == "" {
		s := k.Secret
		out.Secret = &s
	}
	return out
}
