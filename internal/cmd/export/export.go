// Package export implements `keyward export`.
package export

import (
	"context"

	"github.com/keyward/keyward/internal/apply"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/manifest"
	"github.com/keyward/keyward/internal/output"
	"github.com/spf13/cobra"
)

// Options are the inputs of `export`.
type Options struct {
	Factory *cmdutil.Factory
	// Tenant limits the export to one tenant; "" exports every tenant.
	Tenant string
}

// NewCmdExport returns `keyward export`.
func NewCmdExport(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Factory: f}
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Print the current state as a file `keyward apply` reads",
		Long: `Print the current state in the format of ` + "`keyward apply`" + `: a YAML stream of
documents (or, with -o json, a JSON list) — tenants, custom policies,
groups, key types, service users and access keys, in that order, each
tenant's objects sorted by id, every field given. Secrets, hashes and
generated fields (key ids and hints, creation, update and last-use times,
rotation links) are left out, and so are the managed policies and the
default and system tenants while they are as keyward created them.

Without --tenant every tenant is exported; with it, that tenant and what is
in it. Applying the output to the same database changes nothing; applying it
to an empty one recreates the same objects — with new access keys, since
secrets are never exported: their new secrets are printed then (or add
secretFile to the AccessKey entries to have them written to files).`,
		Example: `  keyward export > state.yaml
  keyward export -t acme -o json
  keyward export | keyward apply -f - --dry-run`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			// Only an explicit --tenant narrows the export, not a profile's tenant.
			if fl := cmd.Flags().Lookup(cmdutil.KeyTenant); fl != nil && fl.Changed {
				opts.Tenant = fl.Value.String()
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return exportRun(cmd.Context(), opts)
		},
	}
	return cmd
}

func exportRun(ctx context.Context, opts *Options) error {
	f := opts.Factory
	o, err := f.OutputOptions()
	if err != nil {
		return err
	}
	b, err := f.Backend(ctx, cmdutil.ReadOnly)
	if err != nil {
		return err
	}
	format := manifest.YAML
	if o.Format == output.FormatJSON {
		format = manifest.JSON
	}
	w := manifest.NewWriter(f.IOStreams.Out, format)
	if err := apply.Export(ctx, b, w, opts.Tenant); err != nil {
		return err
	}
	return w.Close()
}
