// Package serviceuser implements `keyward serviceuser` (aliases su, sa).
package serviceuser

import (
	"strings"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/output"
	"github.com/spf13/cobra"
)

// NewCmdServiceUser returns `keyward serviceuser` and its subcommands.
func NewCmdServiceUser(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "serviceuser <command>",
		Aliases: []string{"su", "sa"},
		Short:   "Manage service users: machine identities that authenticate with access keys",
		Long: `A service user is a machine identity with no password and no interactive
login. It authenticates with access keys, gets bearer tokens, and is allowed or
denied by permission policies, inside one tenant.`,
		Example: `  keyward serviceuser create ci-bot --email ci@example.com
  keyward su list --status active
  keyward su disable ci-bot`,
	}
	cmd.AddCommand(
		newCmdCreate(f, nil), newCmdList(f, nil), newCmdShow(f, nil), newCmdUpdate(f, nil),
		newCmdSetStatus(f, domain.UserDisabled, nil), newCmdSetStatus(f, domain.UserActive, nil),
		newCmdDelete(f, nil), newCmdOwner(f),
	)
	cmdutil.SetArgsCompletion(cmd, map[string]cobra.CompletionFunc{
		"create":  cobra.NoFileCompletions,
		"list":    cobra.NoFileCompletions,
		"show":    cmdutil.CompleteArgs(cmdutil.CompleteServiceUsers(f)),
		"update":  cmdutil.CompleteArgs(cmdutil.CompleteServiceUsers(f)),
		"disable": cmdutil.CompleteArgs(cmdutil.CompleteServiceUsersWithStatus(f, domain.UserActive)),
		"enable":  cmdutil.CompleteArgs(cmdutil.CompleteServiceUsersWithStatus(f, domain.UserDisabled)),
		"delete":  cmdutil.CompleteArgs(cmdutil.CompleteServiceUsers(f)),
	})
	return cmd
}

// table is the list view of service users.
func table(us []domain.ServiceUser) output.Table {
	t := output.Table{Headers: []string{"ID", "DISPLAY NAME", "EMAIL", "STATUS", "POLICIES", "GROUPS", "CREATED"}}
	t.Rows = make([][]string, 0, len(us))
	for i := range us {
		u := &us[i]
		t.Rows = append(t.Rows, []string{u.ID, u.DisplayName, output.Str(u.Email), string(u.Status),
			output.Join(u.Policies), output.Join(u.Groups), output.Time(u.CreatedAt)})
	}
	return t
}

// fields is the show view of a service user, its keys masked.
func fields(u domain.ServiceUser) [][2]string {
	keys := make([]string, 0, len(u.AccessKeys))
	for _, k := range u.AccessKeys {
		keys = append(keys, k.ID+" "+k.Name+" "+string(k.Status)+" "+k.Hint)
	}
	return [][2]string{
		{"id", u.ID}, {"tenant", u.Tenant}, {"displayName", u.DisplayName}, {"email", output.Str(u.Email)},
		{"description", u.Description}, {"status", string(u.Status)},
		{"cidrAllowList", output.Join(u.CIDRAllowList)}, {"policies", output.Join(u.Policies)},
		{"groups", output.Join(u.Groups)}, {"owners", output.Join(u.Owners)},
		{"allowedKeyTypes", output.Join(u.AllowedKeyTypes)},
		{"accessKeys", strings.Join(keys, "; ")},
		{"createdAt", output.Time(u.CreatedAt)}, {"createdBy", u.CreatedBy}, {"updatedAt", output.Time(u.UpdatedAt)},
	}
}

func printUser(f *cmdutil.Factory, data any, u domain.ServiceUser) error {
	p, err := f.Printer()
	if err != nil {
		return err
	}
	return p.Object(data, u.ID, fields(u))
}
