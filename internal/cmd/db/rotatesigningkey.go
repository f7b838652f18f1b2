package db

import (
	"context"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/spf13/cobra"
)

func newCmdRotateSigningKey(f *cmdutil.Factory, runF func(context.Context, *cmdutil.Factory) error) *cobra.Command {
	return &cobra.Command{
		Use:   "rotate-signing-key",
		Short: "Replace the token signing key; the old key verifies until its tokens expire",
		Long: `Generate a new Ed25519 token signing key and make it the one that signs.
The previous key is retired: it stays published at /.well-known/jwks.json
and keeps verifying the tokens it signed until they have all expired (24 h,
the longest token lifetime), then it is removed. Clients notice nothing.
Retired keys past that point are removed now. Audited as signingkey:rotate.

With a remote profile the running server rotates (system Administrators
only) and signs with the new key from the next request. Locally the
database must not be in use by a server: stop it, or run
` + "`keyward serve --rotate-signing-key`" + ` to rotate as it starts.

Rotate on a schedule, and at once if a database file or backup may have
been copied: it holds the private signing keys.`,
		Example: `  keyward db rotate-signing-key
  keyward db rotate-signing-key -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), f)
			}
			return rotateSigningKeyRun(cmd.Context(), f)
		},
	}
}

func rotateSigningKeyRun(ctx context.Context, f *cmdutil.Factory) error {
	b, err := f.Backend(ctx, cmdutil.ReadWrite)
	if err != nil {
		return err
	}
	rotation, err := b.RotateSigningKey(ctx)
	if err != nil {
		return err
	}
	p, err := f.Printer()
	if err != nil {
		return err
	}
	return p.Object(rotation, rotation.KID, [][2]string{
		{"kid", rotation.KID},
		{"retired", listOrNone(rotation.Retired)},
		{"retiredUntil", rotation.RetiredUntil.UTC().Format(time.RFC3339)},
		{"removed", listOrNone(rotation.Removed)},
	})
}

func listOrNone(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}
