package serviceuser

import (
	"context"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/domain"
	"github.com/spf13/cobra"
)

// newCmdSetStatus returns `disable` or `enable`.
func newCmdSetStatus(f *cmdutil.Factory, status domain.UserStatus, runF func(context.Context, *cmdutil.Factory, string, domain.UserStatus) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "enable <id>",
		Short:   "Enable a disabled service user",
		Example: `  keyward serviceuser enable ci-bot`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), f, args[0], status)
			}
			return setStatusRun(cmd.Context(), f, args[0], status)
		},
	}
	if status == domain.UserDisabled {
		cmd.Use = "disable <id>"
		cmd.Short = "Disable a service user: its keys and tokens stop working at once"
		cmd.Example = `  keyward serviceuser disable ci-bot`
	}
	return cmd
}

func setStatusRun(ctx context.Context, f *cmdutil.Factory, id string, status domain.UserStatus) error {
	tenant, b, err := f.TenantBackend(ctx, cmdutil.ReadWrite)
	if err != nil {
		return err
	}
	u, err := b.SetServiceUserStatus(ctx, tenant, id, status)
	if err != nil {
		return err
	}
	return printUser(f, u, u)
}
