package tenant

import (
	"context"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/spf13/cobra"
)

func newCmdShow(f *cmdutil.Factory, runF func(context.Context, *cmdutil.Factory, string) error) *cobra.Command {
	return &cobra.Command{
		Use:     "show [<id>]",
		Short:   "Show a tenant and its settings",
		Long:    "Show a tenant and its settings; without an id, the current tenant (--tenant, KEYWARD_TENANT, the profile's, or default).",
		Example: `  keyward tenant show acme -o yaml`,
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := f.Tenant()
			if err != nil {
				return err
			}
			if len(args) == 1 {
				id = args[0]
			}
			if runF != nil {
				return runF(cmd.Context(), f, id)
			}
			return showRun(cmd.Context(), f, id)
		},
	}
}

func showRun(ctx context.Context, f *cmdutil.Factory, id string) error {
	b, err := f.Backend(ctx, cmdutil.ReadOnly)
	if err != nil {
		return err
	}
	t, err := b.GetTenant(ctx, id)
	if err != nil {
		return err
	}
	return printTenant(f, t)
}
