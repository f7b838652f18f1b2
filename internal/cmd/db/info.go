package db

import (
	"context"
	"fmt"
	"strconv"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/output"
	"github.com/spf13/cobra"
)

func newCmdInfo(f *cmdutil.Factory, runF func(context.Context, *cmdutil.Factory) error) *cobra.Command {
	return &cobra.Command{
		Use:   "info",
		Short: "Show the database file's path, size, schema version and counts",
		Long: `Show the database file's path, size and schema version, and how many
service users, access keys, policies, groups and key types each tenant has.
A database that does not exist yet is shown as such and not created.`,
		Example: `  keyward db info
  keyward db info -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), f)
			}
			return infoRun(cmd.Context(), f)
		},
	}
}

func infoRun(ctx context.Context, f *cmdutil.Factory) error {
	s, err := localOnly(f, "db info")
	if err != nil {
		return err
	}
	defer s.Close()
	info, err := s.DB().Info()
	if err != nil {
		return err
	}
	p, err := f.Printer()
	if err != nil {
		return err
	}
	if p.Opts.Format != output.FormatTable {
		return p.Data(info)
	}
	schema := "none"
	if info.SchemaVersion != nil {
		schema = strconv.Itoa(*info.SchemaVersion)
	}
	if err := p.Object(info, info.Path, [][2]string{
		{"path", info.Path}, {"exists", strconv.FormatBool(info.Exists)}, {"size", strconv.FormatInt(info.Size, 10)},
		{"schemaVersion", schema}, {"auditEvents", strconv.Itoa(info.AuditEvents)},
	}); err != nil || p.Opts.Quiet {
		return err
	}
	t := output.Table{Headers: []string{"TENANT", "SERVICE USERS", "ACCESS KEYS", "POLICIES", "GROUPS", "KEY TYPES"}}
	for _, c := range info.Tenants {
		t.Rows = append(t.Rows, []string{c.Tenant, strconv.Itoa(c.ServiceUsers), strconv.Itoa(c.AccessKeys),
			strconv.Itoa(c.Policies), strconv.Itoa(c.Groups), strconv.Itoa(c.KeyTypes)})
	}
	if len(t.Rows) == 0 {
		return nil
	}
	fmt.Fprintln(f.IOStreams.Out)
	return p.List(info.Tenants, t)
}
