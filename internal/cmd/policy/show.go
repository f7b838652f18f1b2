package policy

import (
	"context"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/output"
	"github.com/spf13/cobra"
)

// ShowOptions are the inputs of `policy show`.
type ShowOptions struct {
	Factory *cmdutil.Factory
	Name    string
	// Document prints only the document (description and statements), in
	// the form `policy create -f` and `policy update -f` read.
	Document bool
}

func newCmdShow(f *cmdutil.Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "show <name>",
		Short: "Show a policy: its statements and where it is attached",
		Long: `Show a policy with its statements, the service users and groups it is
attached to, and the key types using it as scope. --document prints just the
document, as YAML (or JSON with -o json), ready to edit and pass back to
` + "`policy update -f`.",
		Example: `  keyward policy show ReadOnly
  keyward policy show ops -o json
  keyward policy show ops --document > ops.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return showRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Document, "document", false, "print only the document (description and statements), YAML unless -o json")
	return cmd
}

func showRun(ctx context.Context, opts *ShowOptions) error {
	f := opts.Factory
	tenant, b, err := f.TenantBackend(ctx, cmdutil.ReadOnly)
	if err != nil {
		return err
	}
	p, err := b.GetPolicy(ctx, tenant, opts.Name)
	if err != nil {
		return err
	}
	if !opts.Document {
		return printPolicy(f, p)
	}
	pr, err := f.Printer()
	if err != nil {
		return err
	}
	if pr.Opts.Format != output.FormatJSON {
		pr.Opts.Format = output.FormatYAML
	}
	doc := authz.Document{Description: p.Description, Statements: make([]authz.Statement, len(p.Statements))}
	for i, s := range p.Statements {
		doc.Statements[i] = authz.Statement{Effect: authz.Effect(s.Effect), Actions: s.Actions, Resources: s.Resources}
	}
	return pr.Data(doc)
}
