package group

import (
	"context"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/spf13/cobra"
)

// MembersOptions are the inputs of `group add` and `group remove`.
type MembersOptions struct {
	Factory *cmdutil.Factory
	Group   string
	Users   []string
	Remove  bool
}

// newCmdMembers returns `group add`, or `group remove` when remove is set.
func newCmdMembers(f *cmdutil.Factory, remove bool, runF func(context.Context, *MembersOptions) error) *cobra.Command {
	opts := &MembersOptions{Factory: f, Remove: remove}
	cmd := &cobra.Command{
		Use:   "add <group> <user>...",
		Short: "Add service users to a group",
		Long: `Add service users to a group. Users already in it stay as they are; an
unknown user adds no one (exit 3).`,
		Example: `  keyward group add operators ci-bot monitor`,
		Args:    cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Group, opts.Users = args[0], args[1:]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return membersRun(cmd.Context(), opts)
		},
	}
	if remove {
		cmd.Use = "remove <group> <user>..."
		cmd.Short = "Remove service users from a group"
		cmd.Long = `Remove service users from a group. Users not in it stay as they are; an
unknown user removes no one (exit 3). With the tenant setting requireGroup,
removing a user's last group is refused (exit 5).`
		cmd.Example = `  keyward group remove operators ci-bot`
	}
	return cmd
}

func membersRun(ctx context.Context, opts *MembersOptions) error {
	f := opts.Factory
	tenant, b, err := f.TenantBackend(ctx, cmdutil.ReadWrite)
	if err != nil {
		return err
	}
	change := b.AddGroupMembers
	if opts.Remove {
		change = b.RemoveGroupMembers
	}
	g, err := change(ctx, tenant, opts.Group, opts.Users)
	if err != nil {
		return err
	}
	return printGroup(f, g)
}
