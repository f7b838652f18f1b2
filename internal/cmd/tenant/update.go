package tenant

import (
	"context"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/spf13/cobra"
)

// UpdateOptions are the inputs of `tenant update`.
type UpdateOptions struct {
	Factory *cmdutil.Factory
	ID      string
	Input   backend.UpdateTenantInput
}

func newCmdUpdate(f *cmdutil.Factory, runF func(context.Context, *UpdateOptions) error) *cobra.Command {
	opts := &UpdateOptions{Factory: f}
	var sf settingsFlags
	var name string
	cmd := &cobra.Command{
		Use:   "update <id>",
		Short: "Change a tenant's name or settings",
		Long:  "Change a tenant's display name or settings; only the flags given change. The system tenant cannot be renamed.",
		Example: `  keyward tenant update acme --max-active-keys-per-user 3
  keyward tenant update acme --key-ttl-max none --token-ttl 15m`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			if cmd.Flags().Changed("name") {
				opts.Input.Name = &name
			}
			opts.Input.Settings = sf.patch(cmd.Flags())
			if opts.Input.Name == nil && opts.Input.Settings.Empty() {
				return cmdutil.UsageErrorf("nothing to update: give --name or a setting flag (see `keyward tenant update --help`)")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return updateRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "new display name")
	sf.register(cmd.Flags())
	return cmd
}

func updateRun(ctx context.Context, opts *UpdateOptions) error {
	b, err := opts.Factory.Backend(ctx, cmdutil.ReadWrite)
	if err != nil {
		return err
	}
	t, err := b.UpdateTenant(ctx, opts.ID, opts.Input)
	if err != nil {
		return err
	}
	return printTenant(opts.Factory, t)
}
