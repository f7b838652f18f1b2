package group

import (
	"context"
	"fmt"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/spf13/cobra"
)

// CreateOptions are the inputs of `group create`.
type CreateOptions struct {
	Factory *cmdutil.Factory
	Input   backend.CreateGroupInput
}

func newCmdCreate(f *cmdutil.Factory, runF func(context.Context, *CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "create <name>",
		Short: "Create a group",
		Example: `  keyward group create operators --description 'On-call bots' --policy ReadOnly
  keyward group create deployers --policy deploy --policy ReadOnly --if-not-exists`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Input.Name = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return createRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Input.Description, "description", "", "what the group is for")
	cmd.Flags().StringSliceVar(&opts.Input.Policies, "policy", nil, "policy to attach to the group (repeatable)")
	_ = cmd.RegisterFlagCompletionFunc("policy", cmdutil.CompletePolicies(f))
	cmd.Flags().BoolVar(&opts.Input.IfNotExists, "if-not-exists", false, "succeed without changes when the group exists")
	return cmd
}

func createRun(ctx context.Context, opts *CreateOptions) error {
	f := opts.Factory
	tenant, b, err := f.TenantBackend(ctx, cmdutil.ReadWrite)
	if err != nil {
		return err
	}
	g, created, err := b.CreateGroup(ctx, tenant, opts.Input)
	if err != nil {
		return err
	}
	if f.IOStreams.IsStdoutTTY() {
		if created {
			fmt.Fprintf(f.IOStreams.ErrOut, "Created group %s in tenant %s.\n", g.Name, tenant)
		} else {
			fmt.Fprintf(f.IOStreams.ErrOut, "Group %s already exists in tenant %s; nothing changed.\n", g.Name, tenant)
		}
	}
	return printGroup(f, g)
}
