package serviceuser

import (
	"context"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/spf13/cobra"
)

// UpdateOptions are the inputs of `serviceuser update`.
type UpdateOptions struct {
	Factory *cmdutil.Factory
	ID      string
	Input   backend.UpdateServiceUserInput
}

func newCmdUpdate(f *cmdutil.Factory, runF func(context.Context, *UpdateOptions) error) *cobra.Command {
	opts := &UpdateOptions{Factory: f}
	var name, email, description string
	var cidrs []string
	cmd := &cobra.Command{
		Use:   "update <id>",
		Short: "Change a service user's name, e-mail, description or allowed addresses",
		Long: `Change a service user; only the flags given change. --email "" removes the
address unless the tenant requires one. --cidr sets the addresses all the
user's keys may be used from (each key's effective list is the intersection
of its own and this one); --cidr "" allows any address again.`,
		Example: `  keyward serviceuser update ci-bot --name "CI bot" --email ci@example.com
  keyward serviceuser update ci-bot --description ""
  keyward serviceuser update ci-bot --cidr 10.0.0.0/8,192.0.2.7`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			fl := cmd.Flags()
			if fl.Changed("name") {
				opts.Input.DisplayName = &name
			}
			if fl.Changed("email") {
				opts.Input.Email = &email
			}
			if fl.Changed("description") {
				opts.Input.Description = &description
			}
			if fl.Changed("cidr") {
				opts.Input.CIDRAllowList = &cidrs
			}
			if opts.Input == (backend.UpdateServiceUserInput{}) {
				return cmdutil.UsageErrorf("nothing to update: give --name, --email, --description or --cidr")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return updateRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "new display name")
	cmd.Flags().StringVar(&email, "email", "", `new e-mail address ("" to remove)`)
	cmd.Flags().StringVar(&description, "description", "", "new description")
	cmd.Flags().StringSliceVar(&cidrs, "cidr", nil, `new CIDR allow list for all the user's keys, comma-separated ("" allows any address)`)
	return cmd
}

func updateRun(ctx context.Context, opts *UpdateOptions) error {
	tenant, b, err := opts.Factory.TenantBackend(ctx, cmdutil.ReadWrite)
	if err != nil {
		return err
	}
	u, err := b.UpdateServiceUser(ctx, tenant, opts.ID, opts.Input)
	if err != nil {
		return err
	}
	return printUser(opts.Factory, u, u)
}
