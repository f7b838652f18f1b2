package serviceuser

import (
	"context"
	"fmt"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/output"
	"github.com/spf13/cobra"
)

// newCmdOwner returns `serviceuser owner` with add, remove and list.
func newCmdOwner(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "owner <command>",
		Short: "Manage the owners of a service user",
		Long: `An owner of a service user is another service user of the same tenant that
may manage it and its keys even without tenant-wide rights (a keyward server
enforces this). Over the remote API, the service user that creates another
becomes its owner.`,
		Example: `  keyward serviceuser owner add billing-sync deployer
  keyward serviceuser owner list billing-sync
  keyward serviceuser owner remove billing-sync deployer`,
	}
	cmd.AddCommand(newCmdOwnerChange(f, false, nil), newCmdOwnerChange(f, true, nil), newCmdOwnerList(f, nil))
	users := cmdutil.CompleteArgs(cmdutil.CompleteServiceUsers(f), cmdutil.CompleteServiceUsers(f))
	cmdutil.SetArgsCompletion(cmd, map[string]cobra.CompletionFunc{
		"add":    users,
		"remove": users,
		"list":   cmdutil.CompleteArgs(cmdutil.CompleteServiceUsers(f)),
	})
	return cmd
}

// OwnerOptions are the inputs of `serviceuser owner add|remove`.
type OwnerOptions struct {
	Factory *cmdutil.Factory
	User    string
	Owner   string
	Remove  bool
}

func newCmdOwnerChange(f *cmdutil.Factory, remove bool, runF func(context.Context, *OwnerOptions) error) *cobra.Command {
	opts := &OwnerOptions{Factory: f, Remove: remove}
	cmd := &cobra.Command{
		Use:     "add <user> <owner>",
		Short:   "Make another service user an owner of this one",
		Long:    "Make <owner> an owner of <user>. Adding an existing owner changes nothing and succeeds.",
		Example: `  keyward serviceuser owner add billing-sync deployer`,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.User, opts.Owner = args[0], args[1]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return ownerChangeRun(cmd.Context(), opts)
		},
	}
	if remove {
		cmd.Use = "remove <user> <owner>"
		cmd.Short = "Remove an owner from a service user"
		cmd.Long = "Remove <owner> from the owners of <user>. Removing one that is not an owner changes nothing and succeeds."
		cmd.Example = `  keyward serviceuser owner remove billing-sync deployer`
	}
	return cmd
}

func ownerChangeRun(ctx context.Context, opts *OwnerOptions) error {
	f := opts.Factory
	tenant, b, err := f.TenantBackend(ctx, cmdutil.ReadWrite)
	if err != nil {
		return err
	}
	change, msg := b.AddOwner, "%s is already an owner of %s; nothing changed.\n"
	if opts.Remove {
		change, msg = b.RemoveOwner, "%s is not an owner of %s; nothing changed.\n"
	}
	u, changed, err := change(ctx, tenant, opts.User, opts.Owner)
	if err != nil {
		return err
	}
	if !changed && f.IOStreams.IsStdoutTTY() {
		fmt.Fprintf(f.IOStreams.ErrOut, msg, opts.Owner, opts.User)
	}
	return printUser(f, u, u)
}

func newCmdOwnerList(f *cmdutil.Factory, runF func(context.Context, *cmdutil.Factory, string) error) *cobra.Command {
	return &cobra.Command{
		Use:     "list <user>",
		Aliases: []string{"ls"},
		Short:   "List the owners of a service user",
		Example: `  keyward serviceuser owner list billing-sync
  keyward serviceuser owner list billing-sync -q`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), f, args[0])
			}
			return ownerListRun(cmd.Context(), f, args[0])
		},
	}
}

func ownerListRun(ctx context.Context, f *cmdutil.Factory, user string) error {
	tenant, b, err := f.TenantBackend(ctx, cmdutil.ReadOnly)
	if err != nil {
		return err
	}
	owners, err := b.ListOwners(ctx, tenant, user)
	if err != nil {
		return err
	}
	p, err := f.Printer()
	if err != nil {
		return err
	}
	return p.List(owners, ownerTable(owners))
}

// ownerTable is the list view of a user's owners.
func ownerTable(us []domain.ServiceUser) output.Table {
	t := output.Table{Headers: []string{"ID", "DISPLAY NAME", "STATUS"}}
	t.Rows = make([][]string, 0, len(us))
	for _, u := range us {
		t.Rows = append(t.Rows, []string{u.ID, u.DisplayName, string(u.Status)})
	}
	return t
}
