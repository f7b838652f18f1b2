package key

import (
	"context"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/domain"
	"github.com/spf13/cobra"
)

// newCmdSetStatus returns `activate` or `deactivate`.
func newCmdSetStatus(f *cmdutil.Factory, status domain.KeyStatus, runF func(context.Context, *cmdutil.Factory, string, domain.KeyStatus) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "activate <key>",
		Short:   "Activate an inactive access key (respects the active-key limit)",
		Example: `  keyward key activate ci-bot/key-1`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), f, args[0], status)
			}
			return setStatusRun(cmd.Context(), f, args[0], status)
		},
	}
	if status == domain.KeyInactive {
		cmd.Use = "deactivate <key>"
		cmd.Short = "Deactivate an access key without deleting it: it stops working and frees its slot"
		cmd.Example = `  keyward key deactivate ci-bot/key-1`
	}
	return cmd
}

func setStatusRun(ctx context.Context, f *cmdutil.Factory, ref string, status domain.KeyStatus) error {
	tenant, b, err := f.TenantBackend(ctx, cmdutil.ReadWrite)
	if err != nil {
		return err
	}
	k, err := b.SetKeyStatus(ctx, tenant, ref, status)
	if err != nil {
		return err
	}
	return printKey(f, k)
}
