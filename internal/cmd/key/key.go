// Package key implements `keyward key`: access keys, their secrets and
// their lifecycle.
package key

import (
	"fmt"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/output"
	"github.com/spf13/cobra"
)

// NewCmdKey returns `keyward key` and its subcommands.
func NewCmdKey(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "key <command>",
		Short: "Manage access keys: generate, rotate, restrict, revoke, verify",
		Long: `An access key lets a service user authenticate: its id (kwk_…) is public, its
secret (kws_…) is shown once when the key is generated or rotated and stored
only as a keyed hash. A key belongs to one service user in one tenant.

Commands name a key by its id, or as USER/NAME.`,
		Example: `  keyward key generate ci-bot --name deploy --expires 90d
  keyward key list ci-bot
  keyward key rotate ci-bot/deploy --grace 24h
  keyward key verify --secret-stdin --ip 10.0.0.7 < secret.txt`,
	}
	cmd.AddCommand(
		newCmdGenerate(f, nil), newCmdList(f, nil), newCmdShow(f, nil), newCmdUpdate(f, nil),
		newCmdRotate(f, nil), newCmdRevoke(f, nil),
		newCmdSetStatus(f, domain.KeyInactive, nil), newCmdSetStatus(f, domain.KeyActive, nil),
		newCmdRestrict(f, nil), newCmdVerify(f, nil), newCmdPurge(f, nil),
	)
	users := cmdutil.CompleteArgs(cmdutil.CompleteServiceUsers(f))
	keys := cmdutil.CompleteArgs(cmdutil.CompleteKeys(f))
	cmdutil.SetArgsCompletion(cmd, map[string]cobra.CompletionFunc{
		"generate":   users,
		"list":       users,
		"purge":      users,
		"show":       keys,
		"update":     keys,
		"rotate":     keys,
		"revoke":     keys,
		"restrict":   keys,
		"deactivate": cmdutil.CompleteArgs(cmdutil.CompleteKeys(f, domain.KeyActive)),
		"activate":   cmdutil.CompleteArgs(cmdutil.CompleteKeys(f, domain.KeyInactive)),
		"verify":     cobra.NoFileCompletions,
	})
	for _, c := range cmd.Commands() {
		switch c.Name() {
		case "revoke":
			_ = c.RegisterFlagCompletionFunc("all", cmdutil.CompleteServiceUsers(f))
		case "list":
			_ = c.RegisterFlagCompletionFunc("status", cobra.FixedCompletions(
				[]cobra.Completion{"active", "inactive", "expired"}, cobra.ShellCompDirectiveNoFileComp))
		case "generate":
			_ = c.RegisterFlagCompletionFunc("expires", cobra.NoFileCompletions)
		}
	}
	return cmd
}

// statusCell shows a key's status, and when a rotated key goes away.
func statusCell(k domain.AccessKey) string {
	if k.RevokeAt != nil {
		return fmt.Sprintf("%s (rotated; revoked at %s)", k.Status, output.Time(*k.RevokeAt))
	}
	return string(k.Status)
}

// table is the list view of access keys.
func table(keys []domain.AccessKey) output.Table {
	t := output.Table{Headers: []string{"ID", "USER", "NAME", "STATUS", "HINT", "EXPIRES", "LAST USED", "CIDRS"}}
	t.Rows = make([][]string, 0, len(keys))
	for _, k := range keys {
		t.Rows = append(t.Rows, []string{k.ID, k.ServiceUser, k.Name, statusCell(k), k.Hint,
			output.TimePtr(k.ExpiresAt, "never"), output.TimePtr(k.LastUsedAt, "never"), output.Join(k.CIDRAllowList)})
	}
	return t
}

// fields is the show view of an access key.
func fields(k domain.AccessKey) [][2]string {
	return [][2]string{
		{"id", k.ID}, {"tenant", k.Tenant}, {"serviceUser", k.ServiceUser}, {"name", k.Name},
		{"description", k.Description}, {"type", output.Str(k.Type)}, {"status", string(k.Status)}, {"hint", k.Hint},
		{"expiresAt", output.TimePtr(k.ExpiresAt, "never")}, {"cidrAllowList", output.Join(k.CIDRAllowList)},
		{"lastUsedAt", output.TimePtr(k.LastUsedAt, "never")}, {"lastUsedIp", output.Str(k.LastUsedIP)},
		{"createdAt", output.Time(k.CreatedAt)}, {"createdBy", k.CreatedBy},
		{"rotatedFrom", output.Str(k.RotatedFrom)}, {"rotatedTo", output.Str(k.RotatedTo)},
		{"revokeAt", output.TimePtr(k.RevokeAt, "-")},
	}
}

func printKey(f *cmdutil.Factory, k domain.AccessKey) error {
	p, err := f.Printer()
	if err != nil {
		return err
	}
	return p.Object(k, k.ID, fields(k))
}

// printNewKey prints a key just generated or rotated with its secret (unless
// the secret went to a file), tenant first as in the seed's popup.
func printNewKey(f *cmdutil.Factory, ns *cmdutil.NewSecret, k domain.NewAccessKey) error {
	p, err := f.Printer()
	if err != nil {
		return err
	}
	rows := [][2]string{
		{"tenant", k.Tenant}, {"serviceUser", k.ServiceUser}, {"id", k.ID}, {"name", k.Name},
		{"type", output.Str(k.Type)}, {"expiresAt", output.TimePtr(k.ExpiresAt, "never")},
		{"cidrAllowList", output.Join(k.CIDRAllowList)},
	}
	if k.RotatedFrom != nil {
		rows = append(rows, [2]string{"rotatedFrom", *k.RotatedFrom})
	}
	if !ns.ToFile() {
		rows = append(rows, [2]string{"secret", k.Secret})
	}
	if err := p.Object(ns.NewKeyOutput(k), k.ID, rows); err != nil {
		return err
	}
	ns.Warn(f)
	return nil
}
