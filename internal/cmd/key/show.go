package key

import (
	"context"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/spf13/cobra"
)

func newCmdShow(f *cmdutil.Factory, runF func(context.Context, *cmdutil.Factory, string) error) *cobra.Command {
	return &cobra.Command{
		Use:   "show <key>",
		Short: "Show an access key (masked), by id or USER/NAME",
		Example: `  keyward key show kwk_abcdefghijklmnopqrst
  keyward key show ci-bot/deploy -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), f, args[0])
			}
			return showRun(cmd.Context(), f, args[0])
		},
	}
}

func showRun(ctx context.Context, f *cmdutil.Factory, ref string) error {
	tenant, b, err := f.TenantBackend(ctx, cmdutil.ReadOnly)
	if err != nil {
		return err
	}
	k, err := b.GetKey(ctx, tenant, ref)
	if err != nil {
		return err
	}
	return printKey(f, k)
}
