package serviceuser

import (
	"context"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/spf13/cobra"
)

func newCmdShow(f *cmdutil.Factory, runF func(context.Context, *cmdutil.Factory, string) error) *cobra.Command {
	return &cobra.Command{
		Use:   "show <id>",
		Short: "Show a service user with its keys (masked)",
		Example: `  keyward serviceuser show ci-bot
  keyward serviceuser show ci-bot -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), f, args[0])
			}
			return showRun(cmd.Context(), f, args[0])
		},
	}
}

func showRun(ctx context.Context, f *cmdutil.Factory, id string) error {
	tenant, b, err := f.TenantBackend(ctx, cmdutil.ReadOnly)
	if err != nil {
		return err
	}
	u, err := b.GetServiceUser(ctx, tenant, id)
	if err != nil {
		return err
	}
	return printUser(f, u, u)
}
