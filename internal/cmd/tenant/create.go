package tenant

import (
	"context"
	"fmt"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/spf13/cobra"
)

// CreateOptions are the inputs of `tenant create`.
type CreateOptions struct {
	Factory *cmdutil.Factory
	Input   backend.CreateTenantInput
}

func newCmdCreate(f *cmdutil.Factory, runF func(context.Context, *CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{Factory: f}
	var sf settingsFlags
	cmd := &cobra.Command{
		Use:   "create <id>",
		Short: "Create a tenant",
		Long: `Create a tenant. The id is a slug ([a-z0-9][a-z0-9-]{0,62}) and cannot be
changed later. Every setting has a flag; unset settings take their defaults.`,
		Example: `  keyward tenant create acme --name "Acme Corp"
  keyward tenant create acme --require-email --key-ttl-max 180d --if-not-exists`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Input.ID = args[0]
			opts.Input.Settings = sf.patch(cmd.Flags())
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return createRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Input.Name, "name", "", "display name (default: the id)")
	cmd.Flags().BoolVar(&opts.Input.IfNotExists, "if-not-exists", false, "succeed without changes when the tenant exists")
	sf.register(cmd.Flags())
	return cmd
}

func createRun(ctx context.Context, opts *CreateOptions) error {
	f := opts.Factory
	b, err := f.Backend(ctx, cmdutil.ReadWrite)
	if err != nil {
		return err
	}
	t, created, err := b.CreateTenant(ctx, opts.Input)
	if err != nil {
		return err
	}
	if f.IOStreams.IsStdoutTTY() {
		if created {
			fmt.Fprintf(f.IOStreams.ErrOut, "Created tenant %s.\n", t.ID)
		} else {
			fmt.Fprintf(f.IOStreams.ErrOut, "Tenant %s already exists; nothing changed.\n", t.ID)
		}
	}
	return printTenant(f, t)
}
