package serviceuser

import (
	"context"
	"fmt"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/output"
	"github.com/spf13/cobra"
)

func newCmdDelete(f *cmdutil.Factory, runF func(context.Context, *cmdutil.Factory, string) error) *cobra.Command {
	return &cobra.Command{
		Use:   "delete <id>",
		Short: "Delete a service user and its keys",
		Long: `Delete a service user with all its access keys; its tokens stop working.
Asks for confirmation on a terminal; elsewhere pass --yes.`,
		Example: `  keyward serviceuser delete ci-bot
  keyward serviceuser delete ci-bot --yes`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), f, args[0])
			}
			return deleteRun(cmd.Context(), f, args[0])
		},
	}
}

func deleteRun(ctx context.Context, f *cmdutil.Factory, id string) error {
	tenant, b, err := f.TenantBackend(ctx, cmdutil.ReadWrite)
	if err != nil {
		return err
	}
	u, err := b.GetServiceUser(ctx, tenant, id)
	if err != nil {
		return err
	}
	if err := cmdutil.Confirm(f, fmt.Sprintf("delete service user %q and its %s", id, output.Count(len(u.AccessKeys), "access key"))); err != nil {
		return err
	}
	if err := b.DeleteServiceUser(ctx, tenant, id); err != nil {
		return err
	}
	if f.IOStreams.IsStdoutTTY() {
		fmt.Fprintf(f.IOStreams.ErrOut, "Deleted service user %s.\n", id)
	}
	return nil
}
