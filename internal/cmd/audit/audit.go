// Package audit implements `keyward audit`.
package audit

import (
	"context"
	"strconv"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/output"
	"github.com/spf13/cobra"
)

// NewCmdAudit returns `keyward audit`.
func NewCmdAudit(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit <command>",
		Short: "Read the audit log",
		Long: `Every successful change is recorded in the audit log in the same transaction
as the change: time, actor, tenant, action, target and outcome. Denied
authentication and authorization attempts are recorded too. The log never
holds a secret.`,
		Example: `  keyward audit list --since 24h
  keyward audit list --action 'key:*' -o json`,
	}
	cmd.AddCommand(newCmdList(f, nil))
	return cmd
}

// ListOptions are the inputs of `audit list`.
type ListOptions struct {
	Factory *cmdutil.Factory
	Since   string
	Filter  backend.AuditFilter
}

func newCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{Factory: f}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List audit events of the tenant, newest first",
		Long: `List audit events of the tenant, newest first. The DETAIL column is cut
at 40 characters (ending in …) on a terminal; piped output, -o json and
-o yaml carry it whole.`,
		Example: `  keyward audit list --since 24h
  keyward audit list --since 2026-11-01 --target 'kw:default:serviceuser/ci-bot*'
  keyward audit list --action serviceuser:delete -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Since, "since", "", "only events newer than a duration ago (24h, 7d) or a date (2026-11-01, RFC 3339)")
	cmd.Flags().StringVar(&opts.Filter.Action, "action", "", "only this action; a trailing * matches a prefix (key:*)")
	cmd.Flags().StringVar(&opts.Filter.Target, "target", "", "only this target resource; a trailing * matches a prefix")
	cmd.Flags().IntVar(&opts.Filter.Limit, "limit", 0, "at most this many events (0: all)")
	_ = cmd.RegisterFlagCompletionFunc("action", cmdutil.CompleteActions)
	return cmd
}

func listRun(ctx context.Context, opts *ListOptions) error {
	f := opts.Factory
	if opts.Since != "" {
		if d, err := domain.ParseDuration(opts.Since); err == nil && !d.Never {
			opts.Filter.Since = f.Now().Add(-d.D)
		} else if t, terr := domain.ParseTime(opts.Since); terr == nil {
			opts.Filter.Since = t
		} else {
			return domain.Invalid("since", "%q is neither a duration (24h, 7d) nor a date (2026-11-01)", opts.Since)
		}
	}
	tenant, b, err := f.TenantBackend(ctx, cmdutil.ReadOnly)
	if err != nil {
		return err
	}
	events, err := b.ListAudit(ctx, tenant, opts.Filter)
	if err != nil {
		return err
	}
	p, err := f.Printer()
	if err != nil {
		return err
	}
	return p.List(events, table(events))
}

// detailWidth is how many cells of an event's detail a terminal table
// shows; piped rows and JSON/YAML carry the whole detail.
const detailWidth = 40

// table is the tabular view of audit events: DETAIL last, "-" when empty,
// cut at detailWidth on a terminal.
func table(events []domain.AuditEvent) output.Table {
	const detailColumn = 6
	t := output.Table{
		Headers:   []string{"SEQ", "TIME", "ACTOR", "ACTION", "TARGET", "OUTCOME", "DETAIL"},
		Rows:      make([][]string, 0, len(events)),
		MaxWidths: map[int]int{detailColumn: detailWidth},
	}
	for _, e := range events {
		t.Rows = append(t.Rows, []string{strconv.FormatUint(e.Seq, 10), output.Time(e.Time), e.Actor, e.Action, e.Target, e.Outcome, output.Str(&e.Detail)})
	}
	return t
}
