package serviceuser

import (
	"context"
	"fmt"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/spf13/cobra"
)

// CreateOptions are the inputs of `serviceuser create`.
type CreateOptions struct {
	Factory *cmdutil.Factory
	Input   backend.CreateServiceUserInput
}

func newCmdCreate(f *cmdutil.Factory, runF func(context.Context, *CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "create <id>",
		Short: "Create a service user",
		Long: `Create a service user in the current tenant. The id is a slug
([a-z0-9][a-z0-9-]{0,62}), unique in the tenant and immutable; the display
name defaults to it. An e-mail address must be unique in the tenant and is
required when the tenant's requireEmail setting is on.

--policy attaches policies and --group joins groups in the same step; each
must exist. With the tenant setting requireGroup, at least one --group is
required.`,
		Example: `  keyward serviceuser create ci-bot
  keyward serviceuser create billing-sync --name "Billing sync" --email billing@example.com
  keyward serviceuser create ci-bot --if-not-exists -o json
  keyward serviceuser create deployer --policy ReadOnly --policy deploy --group operators`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Input.ID = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return createRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Input.DisplayName, "name", "", "display name (default: the id)")
	fl.StringVar(&opts.Input.Email, "email", "", "e-mail address, unique in the tenant")
	fl.StringVar(&opts.Input.Description, "description", "", "what the service user is for")
	fl.StringSliceVar(&opts.Input.Policies, "policy", nil, "policy to attach (repeatable)")
	fl.StringSliceVar(&opts.Input.Groups, "group", nil, "group to join (repeatable)")
	_ = cmd.RegisterFlagCompletionFunc("policy", cmdutil.CompletePolicies(f))
	_ = cmd.RegisterFlagCompletionFunc("group", cmdutil.CompleteGroups(f))
	fl.BoolVar(&opts.Input.IfNotExists, "if-not-exists", false, "succeed without changes when the user exists")
	return cmd
}

func createRun(ctx context.Context, opts *CreateOptions) error {
	f := opts.Factory
	tenant, err := f.Tenant()
	if err != nil {
		return err
	}
	b, err := f.Backend(ctx, cmdutil.ReadWrite)
	if err != nil {
		return err
	}
	res, err := b.CreateServiceUser(ctx, tenant, opts.Input)
	if err != nil {
		return err
	}
	if f.IOStreams.IsStdoutTTY() {
		if res.Created {
			fmt.Fprintf(f.IOStreams.ErrOut, "Created service user %s in tenant %s.\n", res.ID, tenant)
		} else {
			fmt.Fprintf(f.IOStreams.ErrOut, "Service user %s already exists in tenant %s; nothing changed.\n", res.ID, tenant)
		}
	}
	return printUser(f, res, res.ServiceUser)
}
