package serviceuser

import (
	"context"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/domain"
	"github.com/spf13/cobra"
)

func newCmdList(f *cmdutil.Factory, runF func(context.Context, *cmdutil.Factory, backend.ListServiceUsersFilter) error) *cobra.Command {
	var filter backend.ListServiceUsersFilter
	var status string
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List service users",
		Example: `  keyward serviceuser list
  keyward serviceuser list --status disabled -o json
  keyward serviceuser list --search billing -q`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			filter.Status = domain.UserStatus(status)
			if runF != nil {
				return runF(cmd.Context(), f, filter)
			}
			return listRun(cmd.Context(), f, filter)
		},
	}
	cmd.Flags().StringVar(&status, "status", "", "only users with this status: active or disabled")
	cmd.Flags().StringVar(&filter.Search, "search", "", "only users whose id, name, e-mail or description contains this text")
	return cmd
}

func listRun(ctx context.Context, f *cmdutil.Factory, filter backend.ListServiceUsersFilter) error {
	tenant, b, err := f.TenantBackend(ctx, cmdutil.ReadOnly)
	if err != nil {
		return err
	}
	us, err := b.ListServiceUsers(ctx, tenant, filter)
	if err != nil {
		return err
	}
	p, err := f.Printer()
	if err != nil {
		return err
	}
	return p.List(us, table(us))
}
