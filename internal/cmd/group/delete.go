package group

import (
	"context"
	"fmt"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/output"
	"github.com/spf13/cobra"
)

func newCmdDelete(f *cmdutil.Factory, runF func(context.Context, *cmdutil.Factory, string) error) *cobra.Command {
	return &cobra.Command{
		Use:   "delete <name>",
		Short: "Delete a group; its members leave it",
		Long: `Delete a group: its members leave it and lose its policies. With the tenant
setting requireGroup, deleting the only group of a member is refused (exit 5).
Asks for confirmation on a terminal; elsewhere pass --yes.`,
		Example: `  keyward group delete operators
  keyward group delete operators --yes`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), f, args[0])
			}
			return deleteRun(cmd.Context(), f, args[0])
		},
	}
}

func deleteRun(ctx context.Context, f *cmdutil.Factory, name string) error {
	tenant, b, err := f.TenantBackend(ctx, cmdutil.ReadWrite)
	if err != nil {
		return err
	}
	// Ask only about a group that exists, so a typo is "not found", not a question.
	g, err := b.GetGroup(ctx, tenant, name)
	if err != nil {
		return err
	}
	if err := cmdutil.Confirm(f, fmt.Sprintf("delete group %q with %s", name, output.Count(len(g.Members), "member"))); err != nil {
		return err
	}
	if err := b.DeleteGroup(ctx, tenant, name); err != nil {
		return err
	}
	if f.IOStreams.IsStdoutTTY() {
		fmt.Fprintf(f.IOStreams.ErrOut, "Deleted group %s.\n", name)
	}
	return nil
}
