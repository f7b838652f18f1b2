package key

import (
	"context"
	"fmt"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/spf13/cobra"
)

// RotateOptions are the inputs of `key rotate`.
type RotateOptions struct {
	Factory   *cmdutil.Factory
	Ref       string
	Input     backend.RotateKeyInput
	NewSecret cmdutil.NewSecret
}

func newCmdRotate(f *cmdutil.Factory, runF func(context.Context, *RotateOptions) error) *cobra.Command {
	opts := &RotateOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "rotate <key>",
		Short: "Replace an access key by a successor with a new secret",
		Long: `Replace an access key by a successor that takes its name, type, description,
CIDR allow list, status and lifetime (counted from now, capped by the tenant's
keyTtlMax). The successor's secret is printed once, as by generate.

Without --grace the old key is revoked at once. With --grace it keeps
working until the grace period ends (both keys authenticate meanwhile, so
callers can move over), counts against no limit, and is then revoked.
Rotation works when the user is at its active-key limit.`,
		Example: `  keyward key rotate ci-bot/deploy
  keyward key rotate kwk_abcdefghijklmnopqrst --grace 24h --secret-file deploy.secret`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return rotateRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Input.Grace, "grace", "", "keep the old key working this long (24h, 7d; at most 30d); default: revoke it now")
	opts.NewSecret.RegisterFlags(cmd.Flags())
	return cmd
}

func rotateRun(ctx context.Context, opts *RotateOptions) error {
	f := opts.Factory
	if err := opts.NewSecret.Prepare(f, false); err != nil {
		return err
	}
	defer opts.NewSecret.Abort()
	tenant, b, err := f.TenantBackend(ctx, cmdutil.ReadWrite)
	if err != nil {
		return err
	}
	k, err := b.RotateKey(ctx, tenant, opts.Ref, opts.Input)
	if err != nil {
		return err
	}
	// Without the secret the successor is useless and the old key may be gone:
	// revoke the successor so no key exists whose secret nobody has.
	if err := opts.NewSecret.Deliver(ctx, b, tenant, k); err != nil {
		return err
	}
	if err := printNewKey(f, &opts.NewSecret, k); err != nil {
		return err
	}
	if f.IOStreams.IsStdoutTTY() && k.RotatedFrom != nil {
		if opts.Input.Grace == "" {
			fmt.Fprintf(f.IOStreams.ErrOut, "The old key %s was revoked.\n", *k.RotatedFrom)
		} else {
			fmt.Fprintf(f.IOStreams.ErrOut, "The old key %s keeps working for %s, then is revoked.\n", *k.RotatedFrom, opts.Input.Grace)
		}
	}
	return nil
}
