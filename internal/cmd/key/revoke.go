package key

import (
	"context"
	"fmt"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/output"
	"github.com/spf13/cobra"
)

// RevokeOptions are the inputs of `key revoke`.
type RevokeOptions struct {
	Factory *cmdutil.Factory
	Ref     string
	// AllOf revokes every key of this user instead of one key.
	AllOf string
}

func newCmdRevoke(f *cmdutil.Factory, runF func(context.Context, *RevokeOptions) error) *cobra.Command {
	opts := &RevokeOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "revoke <key> | --all <user>",
		Short: "Delete an access key; it stops working at once",
		Long: `Delete an access key: it stops authenticating at once and its tokens stop
working on their next request. --all USER revokes every key of a user. Asks
for confirmation on a terminal; elsewhere pass --yes.`,
		Example: `  keyward key revoke ci-bot/key-1
  keyward key revoke kwk_abcdefghijklmnopqrst --yes
  keyward key revoke --all ci-bot --yes`,
		Args: func(cmd *cobra.Command, args []string) error {
			if opts.AllOf != "" {
				return cobra.NoArgs(cmd, args)
			}
			if len(args) != 1 {
				return cmdutil.UsageErrorf("give one key (id or USER/NAME), or --all USER")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Ref = args[0]
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return revokeRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.AllOf, "all", "", "revoke every key of this service user")
	return cmd
}

func revokeRun(ctx context.Context, opts *RevokeOptions) error {
	f := opts.Factory
	tenant, b, err := f.TenantBackend(ctx, cmdutil.ReadWrite)
	if err != nil {
		return err
	}
	if opts.AllOf != "" {
		// Ask only about a user that exists, so a typo is "not found", not a question.
		u, err := b.GetServiceUser(ctx, tenant, opts.AllOf)
		if err != nil {
			return err
		}
		if err := cmdutil.Confirm(f, fmt.Sprintf("revoke all %s of service user %q", output.Count(len(u.AccessKeys), "access key"), u.ID)); err != nil {
			return err
		}
		keys, err := b.RevokeUserKeys(ctx, tenant, u.ID)
		if err != nil {
			return err
		}
		return reportRevoked(f, keys)
	}
	k, err := b.GetKey(ctx, tenant, opts.Ref)
	if err != nil {
		return err
	}
	if err := cmdutil.Confirm(f, fmt.Sprintf("revoke access key %s (%s/%s)", k.ID, k.ServiceUser, k.Name)); err != nil {
		return err
	}
	k, err = b.RevokeKey(ctx, tenant, k.ID)
	if err != nil {
		return err
	}
	return reportRevoked(f, []domain.AccessKey{k})
}

// reportRevoked prints the ids of revoked keys (stdout, for scripts) and a
// sentence on a terminal.
func reportRevoked(f *cmdutil.Factory, keys []domain.AccessKey) error {
	p, err := f.Printer()
	if err != nil {
		return err
	}
	if f.IOStreams.IsStdoutTTY() {
		fmt.Fprintf(f.IOStreams.ErrOut, "Revoked %s.\n", output.Count(len(keys), "access key"))
	}
	return p.List(keys, table(keys))
}
