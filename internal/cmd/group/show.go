package group

import (
	"context"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/spf13/cobra"
)

func newCmdShow(f *cmdutil.Factory, runF func(context.Context, *cmdutil.Factory, string) error) *cobra.Command {
	return &cobra.Command{
		Use:   "show <name>",
		Short: "Show a group with its members and policies",
		Example: `  keyward group show operators
  keyward group show operators -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), f, args[0])
			}
			return showRun(cmd.Context(), f, args[0])
		},
	}
}

func showRun(ctx context.Context, f *cmdutil.Factory, name string) error {
	tenant, b, err := f.TenantBackend(ctx, cmdutil.ReadOnly)
	if err != nil {
		return err
	}
	g, err := b.GetGroup(ctx, tenant, name)
	if err != nil {
		return err
	}
	return printGroup(f, g)
}
