package policy

import (
	"context"
	"fmt"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/spf13/cobra"
)

// CreateOptions are the inputs of `policy create`.
type CreateOptions struct {
	Factory *cmdutil.Factory
	Input   backend.CreatePolicyInput
}

func newCmdCreate(f *cmdutil.Factory, runF func(context.Context, *CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{Factory: f}
	var doc documentFlags
	cmd := &cobra.Command{
		Use:   "create <name> (-f FILE | --allow ACTIONS --resource RESOURCES [--deny ACTIONS])",
		Short: "Create a custom permission policy",
		Long: `Create a custom policy from a document (YAML or JSON, -f FILE, or -f - for
stdin), or from flags: --allow and --deny each make one statement over the
--resource patterns.

A document has a description and a list of statements:

  description: Rotate the CI keys, never the admin's
  statements:
    - effect: allow            # allow or deny, lowercase
      actions: ["key:*"]       # keyward actions or any service:action
      resources: ["serviceuser/ci-*"]
    - effect: deny
      actions: [key:revoke]
      resources: ["serviceuser/ci-admin/*"]

In YAML a pattern starting with '*' must be quoted. Resources not starting
with "kw:" are relative to the tenant. Every problem is reported at once,
each named by its path (statements[1].effect).`,
		Example: `  keyward policy create ci-keys -f ci-keys.yaml
  keyward policy create readers --allow 'serviceuser:read,key:read' --resource '*'
  keyward policy create no-revoke --deny key:revoke --resource 'serviceuser/prod-*' --allow 'key:*' --description 'keys, but never revoke prod'
  cat policy.json | keyward policy create ops -f - --if-not-exists`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Input.Name = args[0]
			description, statements, err := doc.document(cmd.Flags(), f.IOStreams.In)
			if err != nil {
				return err
			}
			if statements == nil {
				return cmdutil.UsageErrorf("give the policy's statements: -f FILE, or --allow/--deny with --resource (see `keyward policy create --help`)")
			}
			opts.Input.Statements = *statements
			if description != nil {
				opts.Input.Description = *description
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return createRun(cmd.Context(), opts)
		},
	}
	doc.register(cmd)
	cmd.Flags().BoolVar(&opts.Input.IfNotExists, "if-not-exists", false, "succeed without changes when the policy exists")
	return cmd
}

func createRun(ctx context.Context, opts *CreateOptions) error {
	f := opts.Factory
	tenant, b, err := f.TenantBackend(ctx, cmdutil.ReadWrite)
	if err != nil {
		return err
	}
	p, created, err := b.CreatePolicy(ctx, tenant, opts.Input)
	if err != nil {
		return err
	}
	if f.IOStreams.IsStdoutTTY() {
		if created {
			fmt.Fprintf(f.IOStreams.ErrOut, "Created policy %s in tenant %s.\n", p.Name, tenant)
		} else {
			fmt.Fprintf(f.IOStreams.ErrOut, "Policy %s already exists in tenant %s; nothing changed.\n", p.Name, tenant)
		}
	}
	return printPolicy(f, p)
}
