package keytype

import (
	"context"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/spf13/cobra"
)

// UpdateOptions are the inputs of `keytype update`.
type UpdateOptions struct {
	Factory *cmdutil.Factory
	Name    string
	Input   backend.UpdateKeyTypeInput
}

func newCmdUpdate(f *cmdutil.Factory, runF func(context.Context, *UpdateOptions) error) *cobra.Command {
	opts := &UpdateOptions{Factory: f}
	var scope, displayName, description string
	cmd := &cobra.Command{
		Use:   "update <name>",
		Short: "Change a key type's scope policy, display name or description",
		Long: `Change a key type; only the flags given change. Existing keys of the type are
limited by the new scope from their next request on.`,
		Example: `  keyward keytype update MONITORING --scope monitoring-v2
  keyward keytype update MONITORING --display-name 'Monitoring (read only)'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			fl := cmd.Flags()
			if fl.Changed("scope") {
				opts.Input.Scope = &scope
			}
			if fl.Changed("display-name") {
				opts.Input.DisplayName = &displayName
			}
			if fl.Changed("description") {
				opts.Input.Description = &description
			}
			if opts.Input == (backend.UpdateKeyTypeInput{}) {
				return cmdutil.UsageErrorf("nothing to update: give --scope, --display-name or --description")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return updateRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&scope, "scope", "", "new scope policy")
	cmd.Flags().StringVar(&displayName, "display-name", "", "new display name")
	cmd.Flags().StringVar(&description, "description", "", "new description")
	_ = cmd.RegisterFlagCompletionFunc("scope", cmdutil.CompletePolicies(f))
	return cmd
}

func updateRun(ctx context.Context, opts *UpdateOptions) error {
	tenant, b, err := opts.Factory.TenantBackend(ctx, cmdutil.ReadWrite)
	if err != nil {
		return err
	}
	k, err := b.UpdateKeyType(ctx, tenant, opts.Name, opts.Input)
	if err != nil {
		return err
	}
	return printKeyType(opts.Factory, k)
}
