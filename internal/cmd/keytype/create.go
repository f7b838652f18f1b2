package keytype

import (
	"context"
	"fmt"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/spf13/cobra"
)

// CreateOptions are the inputs of `keytype create`.
type CreateOptions struct {
	Factory *cmdutil.Factory
	Input   backend.CreateKeyTypeInput
}

func newCmdCreate(f *cmdutil.Factory, runF func(context.Context, *CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "create <name> --scope POLICY",
		Short: "Create a key type bound to a scope policy",
		Long: `Create a key type. Its name is case-sensitive
([A-Za-z0-9][A-Za-z0-9_.-]{0,63}); --scope names the policy (custom or
managed) that bounds what keys of the type may do.`,
		Example: `  keyward keytype create MONITORING --scope monitoring --display-name Monitoring
  keyward keytype create READONLY --scope ReadOnly --if-not-exists`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Input.Name = args[0]
			if !cmd.Flags().Changed("scope") {
				return cmdutil.UsageErrorf("--scope is required: name the policy that bounds what keys of the type may do")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return createRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Input.Scope, "scope", "", "scope policy (custom or managed)")
	fl.StringVar(&opts.Input.DisplayName, "display-name", "", "display name (default: the name)")
	fl.StringVar(&opts.Input.Description, "description", "", "what keys of the type are for")
	fl.BoolVar(&opts.Input.IfNotExists, "if-not-exists", false, "succeed without changes when the key type exists")
	_ = cmd.RegisterFlagCompletionFunc("scope", cmdutil.CompletePolicies(f))
	return cmd
}

func createRun(ctx context.Context, opts *CreateOptions) error {
	f := opts.Factory
	tenant, b, err := f.TenantBackend(ctx, cmdutil.ReadWrite)
	if err != nil {
		return err
	}
	k, created, err := b.CreateKeyType(ctx, tenant, opts.Input)
	if err != nil {
		return err
	}
	if f.IOStreams.IsStdoutTTY() {
		if created {
			fmt.Fprintf(f.IOStreams.ErrOut, "Created key type %s in tenant %s.\n", k.Name, tenant)
		} else {
			fmt.Fprintf(f.IOStreams.ErrOut, "Key type %s already exists in tenant %s; nothing changed.\n", k.Name, tenant)
		}
	}
	return printKeyType(f, k)
}
