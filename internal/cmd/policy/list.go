package policy

import (
	"context"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/spf13/cobra"
)

func newCmdList(f *cmdutil.Factory, runF func(context.Context, *cmdutil.Factory) error) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List permission policies, managed first",
		Example: `  keyward policy list
  keyward policy list -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), f)
			}
			return listRun(cmd.Context(), f)
		},
	}
}

func listRun(ctx context.Context, f *cmdutil.Factory) error {
	tenant, b, err := f.TenantBackend(ctx, cmdutil.ReadOnly)
	if err != nil {
		return err
	}
	ps, err := b.ListPolicies(ctx, tenant)
	if err != nil {
		return err
	}
	p, err := f.Printer()
	if err != nil {
		return err
	}
	return p.List(ps, table(ps))
}
