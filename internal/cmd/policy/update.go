package policy

import (
	"context"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/spf13/cobra"
)

// UpdateOptions are the inputs of `policy update`.
type UpdateOptions struct {
	Factory *cmdutil.Factory
	Name    string
	Input   backend.UpdatePolicyInput
}

func newCmdUpdate(f *cmdutil.Factory, runF func(context.Context, *UpdateOptions) error) *cobra.Command {
	opts := &UpdateOptions{Factory: f}
	var doc documentFlags
	var rename string
	cmd := &cobra.Command{
		Use:   "update <name> [-f FILE | --allow/--deny ACTIONS --resource RESOURCES] [--description TEXT] [--rename NEW]",
		Short: "Change a custom policy's statements, description or name",
		Long: `Change a custom policy; only what is given changes. -f (or --allow/--deny with
--resource) replaces every statement; a file's description replaces the
description unless --description is given. --rename renames the policy and
every reference to it. The managed policies cannot be changed.`,
		Example: `  keyward policy show ops --document > ops.yaml && $EDITOR ops.yaml && keyward policy update ops -f ops.yaml
  keyward policy update ops --description 'Operations team'
  keyward policy update ops --rename operations`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			fs := cmd.Flags()
			if !doc.given(fs) && !fs.Changed("rename") {
				return cmdutil.UsageErrorf("nothing to update: give -f, --allow/--deny with --resource, --description or --rename")
			}
			var err error
			if opts.Input.Description, opts.Input.Statements, err = doc.document(fs, f.IOStreams.In); err != nil {
				return err
			}
			if fs.Changed("rename") {
				opts.Input.Name = &rename
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return updateRun(cmd.Context(), opts)
		},
	}
	doc.register(cmd)
	cmd.Flags().StringVar(&rename, "rename", "", "new name; users, groups and key types holding the policy follow")
	return cmd
}

func updateRun(ctx context.Context, opts *UpdateOptions) error {
	tenant, b, err := opts.Factory.TenantBackend(ctx, cmdutil.ReadWrite)
	if err != nil {
		return err
	}
	p, err := b.UpdatePolicy(ctx, tenant, opts.Name, opts.Input)
	if err != nil {
		return err
	}
	return printPolicy(opts.Factory, p)
}
