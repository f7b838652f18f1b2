package key

import (
	"context"
	"fmt"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/output"
	"github.com/spf13/cobra"
)

// PurgeOptions are the inputs of `key purge`.
type PurgeOptions struct {
	Factory *cmdutil.Factory
	Input   backend.PurgeKeysInput
}

func newCmdPurge(f *cmdutil.Factory, runF func(context.Context, *PurgeOptions) error) *cobra.Command {
	opts := &PurgeOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "purge [user] (--expired | --inactive | --unused-for DURATION)...",
		Short: "Delete expired, inactive or unused access keys of the tenant",
		Long: `Delete the access keys of the tenant (or of one service user) that match any
of the criteria: --expired, --inactive, --unused-for DURATION (a key never
used counts from its creation). Lists the keys, asks for confirmation on a
terminal (elsewhere pass --yes), then deletes them and lists what it deleted.
--dry-run lists them and changes nothing.`,
		Example: `  keyward key purge --expired --dry-run
  keyward key purge --expired --inactive --yes
  keyward key purge ci-bot --unused-for 90d`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Input.ServiceUser = args[0]
			}
			if !opts.Input.Expired && !opts.Input.Inactive && opts.Input.UnusedFor == "" {
				return cmdutil.UsageErrorf("give at least one of --expired, --inactive or --unused-for")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return purgeRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.Input.Expired, "expired", false, "keys past their expiry")
	fl.BoolVar(&opts.Input.Inactive, "inactive", false, "deactivated keys")
	fl.StringVar(&opts.Input.UnusedFor, "unused-for", "", "keys not used for this long (90d); never-used keys count from creation")
	fl.BoolVar(&opts.Input.DryRun, "dry-run", false, "list the keys that would be deleted; change nothing")
	return cmd
}

func purgeRun(ctx context.Context, opts *PurgeOptions) error {
	f := opts.Factory
	mode := cmdutil.ReadWrite
	if opts.Input.DryRun {
		mode = cmdutil.ReadOnly
	}
	tenant, b, err := f.TenantBackend(ctx, mode)
	if err != nil {
		return err
	}
	preview := opts.Input
	preview.DryRun = true
	keys, err := b.PurgeKeys(ctx, tenant, preview)
	if err != nil {
		return err
	}
	p, err := f.Printer()
	if err != nil {
		return err
	}
	if opts.Input.DryRun {
		return p.List(keys, table(keys))
	}
	if len(keys) == 0 {
		if f.IOStreams.IsStdoutTTY() {
			fmt.Fprintln(f.IOStreams.ErrOut, "No access keys match; nothing to purge.")
		}
		return p.List(keys, table(keys))
	}
	if f.IOStreams.CanPrompt() {
		for _, k := range keys {
			fmt.Fprintf(f.IOStreams.ErrOut, "  %s  %s/%s  %s\n", k.ID, k.ServiceUser, k.Name, k.Status)
		}
	}
	if err := cmdutil.Confirm(f, fmt.Sprintf("purge %s of tenant %q", output.Count(len(keys), "access key"), tenant)); err != nil {
		return err
	}
	in := opts.Input
	for _, k := range keys {
		in.KeyIDs = append(in.KeyIDs, k.ID)
	}
	purged, err := b.PurgeKeys(ctx, tenant, in)
	if err != nil {
		return err
	}
	if f.IOStreams.IsStdoutTTY() {
		fmt.Fprintf(f.IOStreams.ErrOut, "Purged %s.\n", output.Count(len(purged), "access key"))
	}
	return p.List(purged, table(purged))
}
