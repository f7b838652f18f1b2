package group

import (
	"context"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/spf13/cobra"
)

// UpdateOptions are the inputs of `group update`.
type UpdateOptions struct {
	Factory *cmdutil.Factory
	Name    string
	Input   backend.UpdateGroupInput
}

func newCmdUpdate(f *cmdutil.Factory, runF func(context.Context, *UpdateOptions) error) *cobra.Command {
	opts := &UpdateOptions{Factory: f}
	var description, rename string
	cmd := &cobra.Command{
		Use:   "update <name> [--description TEXT] [--rename NEW]",
		Short: "Change a group's description or name",
		Long: `Change a group's description or name; only what is given changes. --rename
renames the group: its members and its policies follow (policy statements
that name the group's resource are not rewritten). Attach and detach its
policies with ` + "`keyward policy attach|detach --group`" + `; change its members
with ` + "`keyward group add|remove`.",
		Example: `  keyward group update operators --description 'On-call bots'
  keyward group update operators --rename on-call`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if cmd.Flags().Changed("description") {
				opts.Input.Description = &description
			}
			if cmd.Flags().Changed("rename") {
				opts.Input.Name = &rename
			}
			if opts.Input == (backend.UpdateGroupInput{}) {
				return cmdutil.UsageErrorf("nothing to update: give --description or --rename")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return updateRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&description, "description", "", "new description")
	cmd.Flags().StringVar(&rename, "rename", "", "new name; the group's members and policies follow")
	_ = cmd.RegisterFlagCompletionFunc("rename", cobra.NoFileCompletions)
	return cmd
}

func updateRun(ctx context.Context, opts *UpdateOptions) error {
	tenant, b, err := opts.Factory.TenantBackend(ctx, cmdutil.ReadWrite)
	if err != nil {
		return err
	}
	g, err := b.UpdateGroup(ctx, tenant, opts.Name, opts.Input)
	if err != nil {
		return err
	}
	return printGroup(opts.Factory, g)
}
