package tenant

import (
	"context"
	"fmt"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/spf13/cobra"
)

func newCmdDelete(f *cmdutil.Factory, runF func(context.Context, *cmdutil.Factory, string, backend.DeleteTenantOptions) error) *cobra.Command {
	var opts backend.DeleteTenantOptions
	cmd := &cobra.Command{
		Use:   "delete <id>",
		Short: "Delete a tenant and everything in it",
		Long: `Delete a tenant with its service users, keys, policies and groups. A tenant
that has service users needs --force. Asks for confirmation on a terminal;
elsewhere pass --yes. The system tenant cannot be deleted.`,
		Example: `  keyward tenant delete acme
  keyward tenant delete acme --force --yes`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), f, args[0], opts)
			}
			return deleteRun(cmd.Context(), f, args[0], opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "delete even if the tenant has service users")
	return cmd
}

func deleteRun(ctx context.Context, f *cmdutil.Factory, id string, opts backend.DeleteTenantOptions) error {
	b, err := f.Backend(ctx, cmdutil.ReadWrite)
	if err != nil {
		return err
	}
	// Ask only about a tenant that exists, so a typo is "not found", not a question.
	if _, err := b.GetTenant(ctx, id); err != nil {
		return err
	}
	if err := cmdutil.Confirm(f, fmt.Sprintf("delete tenant %q and everything in it", id)); err != nil {
		return err
	}
	if err := b.DeleteTenant(ctx, id, opts); err != nil {
		return err
	}
	if f.IOStreams.IsStdoutTTY() {
		fmt.Fprintf(f.IOStreams.ErrOut, "Deleted tenant %s.\n", id)
	}
	return nil
}
