package key

import (
	"context"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/spf13/cobra"
)

// UpdateOptions are the inputs of `key update`.
type UpdateOptions struct {
	Factory *cmdutil.Factory
	Ref     string
	Input   backend.UpdateKeyInput
}

func newCmdUpdate(f *cmdutil.Factory, runF func(context.Context, *UpdateOptions) error) *cobra.Command {
	opts := &UpdateOptions{Factory: f}
	var name, description, expires string
	cmd := &cobra.Command{
		Use:   "update <key>",
		Short: "Change an access key's name, description or expiry",
		Long: `Change an access key; only the flags given change. A new expiry counts from
now and follows the tenant's rules (keyTtlMax, requireKeyExpiry). Giving an
expired key a new expiry makes it active again, which needs a free slot.`,
		Example: `  keyward key update ci-bot/key-1 --name deploy
  keyward key update kwk_abcdefghijklmnopqrst --expires 30d --description "CI deploys"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			fl := cmd.Flags()
			if fl.Changed("name") {
				opts.Input.Name = &name
			}
			if fl.Changed("description") {
				opts.Input.Description = &description
			}
			if fl.Changed("expires") {
				opts.Input.Expires = &expires
			}
			if opts.Input == (backend.UpdateKeyInput{}) {
				return cmdutil.UsageErrorf("nothing to update: give --name, --description or --expires")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return updateRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "new name, unique among the user's keys")
	cmd.Flags().StringVar(&description, "description", "", "new description")
	cmd.Flags().StringVar(&expires, "expires", "", "new expiry: lifetime from now (90d, 12h), date (2027-01-31) or never")
	return cmd
}

func updateRun(ctx context.Context, opts *UpdateOptions) error {
	tenant, b, err := opts.Factory.TenantBackend(ctx, cmdutil.ReadWrite)
	if err != nil {
		return err
	}
	k, err := b.UpdateKey(ctx, tenant, opts.Ref, opts.Input)
	if err != nil {
		return err
	}
	return printKey(opts.Factory, k)
}
