package key

import (
	"context"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/domain"
	"github.com/spf13/cobra"
)

func newCmdList(f *cmdutil.Factory, runF func(context.Context, *cmdutil.Factory, backend.ListKeysFilter) error) *cobra.Command {
	var filter backend.ListKeysFilter
	var status string
	cmd := &cobra.Command{
		Use:     "list [user]",
		Aliases: []string{"ls"},
		Short:   "List access keys (masked) of a service user, or of the whole tenant",
		Long: `List access keys, masked: the hint shows the last 5 characters of the
secret. Status is active, inactive or expired (derived from the expiry); a
rotated key shows when its grace period ends.`,
		Example: `  keyward key list
  keyward key list ci-bot -o json
  keyward key list --status expired -q
  keyward key list --expiring 14d`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				filter.ServiceUser = args[0]
			}
			filter.Status = domain.KeyStatus(status)
			if runF != nil {
				return runF(cmd.Context(), f, filter)
			}
			return listRun(cmd.Context(), f, filter)
		},
	}
	cmd.Flags().StringVar(&status, "status", "", "only keys with this status: active, inactive or expired")
	cmd.Flags().StringVar(&filter.Expiring, "expiring", "", "only keys that stop working within this time (14d, 12h)")
	return cmd
}

func listRun(ctx context.Context, f *cmdutil.Factory, filter backend.ListKeysFilter) error {
	tenant, b, err := f.TenantBackend(ctx, cmdutil.ReadOnly)
	if err != nil {
		return err
	}
	keys, err := b.ListKeys(ctx, tenant, filter)
	if err != nil {
		return err
	}
	p, err := f.Printer()
	if err != nil {
		return err
	}
	return p.List(keys, table(keys))
}
