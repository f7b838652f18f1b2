package policy

import (
	"context"
	"fmt"
	"strings"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/output"
	"github.com/spf13/cobra"
)

func newCmdDelete(f *cmdutil.Factory, runF func(context.Context, *cmdutil.Factory, string, backend.DeletePolicyOptions) error) *cobra.Command {
	var opts backend.DeletePolicyOptions
	cmd := &cobra.Command{
		Use:   "delete <name>",
		Short: "Delete a custom policy",
		Long: `Delete a custom policy. While it is attached to service users or groups it
is refused (exit 5) unless --force, which detaches it everywhere first; a
policy that is the scope of a key type cannot be deleted. Asks for
confirmation on a terminal; elsewhere pass --yes (--force does not imply it).
The managed policies cannot be deleted.`,
		Example: `  keyward policy delete ops
  keyward policy delete ops --force --yes`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), f, args[0], opts)
			}
			return deleteRun(cmd.Context(), f, args[0], opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "detach the policy from every service user and group, then delete it")
	return cmd
}

func deleteRun(ctx context.Context, f *cmdutil.Factory, name string, opts backend.DeletePolicyOptions) error {
	tenant, b, err := f.TenantBackend(ctx, cmdutil.ReadWrite)
	if err != nil {
		return err
	}
	p, err := b.GetPolicy(ctx, tenant, name)
	if err != nil {
		return err
	}
	// A delete the service will refuse (managed, in use without --force)
	// asks nothing: it goes straight to the service for its message.
	if p.Managed || len(p.KeyTypes) > 0 || (p.Attachments() > 0 && !opts.Force) {
		return b.DeletePolicy(ctx, tenant, name, opts)
	}
	what := fmt.Sprintf("delete policy %q", name)
	var from []string
	if n := len(p.AttachedUsers); n > 0 {
		from = append(from, output.Count(n, "service user"))
	}
	if n := len(p.AttachedGroups); n > 0 {
		from = append(from, output.Count(n, "group"))
	}
	if len(from) > 0 {
		what += " and detach it from " + strings.Join(from, " and ")
	}
	if err := cmdutil.Confirm(f, what); err != nil {
		return err
	}
	if err := b.DeletePolicy(ctx, tenant, name, opts); err != nil {
		return err
	}
	if f.IOStreams.IsStdoutTTY() {
		fmt.Fprintf(f.IOStreams.ErrOut, "Deleted policy %s.\n", name)
	}
	return nil
}
