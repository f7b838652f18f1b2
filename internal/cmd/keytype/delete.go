package keytype

import (
	"context"
	"fmt"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/spf13/cobra"
)

func newCmdDelete(f *cmdutil.Factory, runF func(context.Context, *cmdutil.Factory, string) error) *cobra.Command {
	return &cobra.Command{
		Use:   "delete <name>",
		Short: "Delete a key type",
		Long: `Delete a key type. While access keys of the type exist it is refused
(exit 5): revoke them first. Asks for confirmation on a terminal; elsewhere
pass --yes.`,
		Example: `  keyward keytype delete MONITORING
  keyward keytype delete MONITORING --yes`,
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
	// Ask only about a key type that exists, so a typo is "not found", not a question.
	if _, err := b.GetKeyType(ctx, tenant, name); err != nil {
		return err
	}
	if err := cmdutil.Confirm(f, fmt.Sprintf("delete key type %q", name)); err != nil {
		return err
	}
	if err := b.DeleteKeyType(ctx, tenant, name); err != nil {
		return err
	}
	if f.IOStreams.IsStdoutTTY() {
		fmt.Fprintf(f.IOStreams.ErrOut, "Deleted key type %s.\n", name)
	}
	return nil
}
